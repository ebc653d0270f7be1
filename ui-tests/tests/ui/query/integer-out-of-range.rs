// integer literals fit `i64`.
fn main() {
    let _ = fanless::query!(from Store where id = 99999999999999999999);
}
