// `sum` takes a column of an alias.
fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products p
        select s.id, sum(p) as total
        group by s.id
    );
}
