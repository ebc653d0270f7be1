// joined rows are named by an alias.
fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products
        select s.id
    );
}
