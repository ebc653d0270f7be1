// a value that is neither grouped nor aggregated is an error, not any row's value.
fn main() {
    let _ = fanless::query!(
        from Department d
        join d.employees e
        select d.name, e.name as employee, count(e.id) as employees
        group by d.id
    );
}
