// a query compares with `=`.
fn main() {
    let _ = fanless::query!(from Store where id == 1);
}
