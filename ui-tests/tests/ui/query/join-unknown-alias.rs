// a join starts from an alias named before it.
fn main() {
    let _ = fanless::query!(
        from Store s
        join x.products p
        select p.id
    );
}
