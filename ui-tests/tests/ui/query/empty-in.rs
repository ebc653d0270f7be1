// `in` lists at least one value.
fn main() {
    let _ = fanless::query!(from Store where id in ());
}
