// `exists` takes no `distinct`.
fn main() {
    let _ = fanless::query!(from Store where exists(distinct products));
}
