// the model after `from` must exist.
fn main() {
    let _ = fanless::query!(from Stor select id);
}
