// a condition is a boolean, not a number.
fn main() {
    let _ = fanless::query!(from Store where 1);
}
