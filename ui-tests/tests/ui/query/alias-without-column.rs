// an alias alone is not a value.
fn main() {
    let _ = fanless::query!(
        from Store s
        select s
    );
}
