// an aggregate holds a path and an optional `where`.
fn main() {
    let _ = fanless::query!(from Store select count(products price) as n);
}
