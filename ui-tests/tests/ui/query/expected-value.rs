// a condition starts with a value.
fn main() {
    let _ = fanless::query!(from Store where = 1);
}
