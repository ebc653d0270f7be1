// with joins, an aggregate takes an alias's column, not a relation path.
fn main() {
    let _ = fanless::query!(
        from Store s
        join s.departments d
        select s.id, count(d.employees.id) as employees
        group by s.id
    );
}
