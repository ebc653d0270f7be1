// after a clause comes a comma, a later clause or the end.
fn main() {
    let _ = fanless::query!(from Store select id name);
}
