// literals are integers, floats, strings and booleans.
fn main() {
    let _ = fanless::query!(from Store where name = b"x");
}
