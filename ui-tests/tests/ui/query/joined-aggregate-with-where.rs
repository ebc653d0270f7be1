// an aggregate over joined rows takes no `where`.
fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products p
        select s.id, count(p.id where p.price > 1.0) as expensive
        group by s.id
    );
}
