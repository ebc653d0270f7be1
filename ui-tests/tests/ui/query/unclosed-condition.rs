// a parenthesised condition ends at `)`.
fn main() {
    let _ = fanless::query!(from Store where (id = 1 id = 2));
}
