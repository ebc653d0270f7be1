// `-` is followed by a number.
fn main() {
    let _ = fanless::query!(from Store where id = -"x");
}
