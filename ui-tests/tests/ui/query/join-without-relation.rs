// a join follows at least one relation from an alias.
fn main() {
    let _ = fanless::query!(
        from Store s
        join s p
        select p.id
    );
}
