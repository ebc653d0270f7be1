// a join starts from an alias, so the model after `from` needs one.
fn main() {
    let _ = fanless::query!(
        from Store
        join s.products p
        select p.id
    );
}
