// `limit` takes a non-negative integer.
fn main() {
    let _ = fanless::query!(from Store limit -5);
}
