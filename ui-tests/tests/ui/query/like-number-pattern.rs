// the pattern of `like` is text.
fn main() {
    let _ = fanless::query!(from Store where name like 5);
}
