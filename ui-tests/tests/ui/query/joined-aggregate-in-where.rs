// aggregates over joined rows belong in `having`.
fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products p
        select s.id
        where count(p.id) > 1
        group by s.id
    );
}
