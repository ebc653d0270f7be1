// The join form compiles where no two to-many joins are independent: one
// to-many chain, to-one joins beside it, aggregates over its deepest level,
// `distinct` or `min`/`max` above it, `left join` columns as `Option`.
use fanless::query;
use fanless_ui_tests::*;

fn main() {
    // Grouped by the primary key of `d`, the other columns of `d` may be
    // selected and sorted on.
    let by_key = query!(
        from Department d
        left join d.employees e
        select d.name, count(e) as staff
        group by d.id
        order by d.name
    );
    if let Some(row) = row_of(&by_key) {
        let _: (String, i64) = (row.name, row.staff);
    }
    let chain = query!(
        from Store s
        join s.departments d
        join d.employees e
        select s.id, count(e.id) as employees, count(distinct d.id) as departments,
               sum(e.salary) as payroll, avg(e.salary) as average, max(d.name) as last_department
        group by s.id
        having count(e) > {1_i64}
        order by employees desc, s.id
    );
    if let Some(row) = row_of(&chain) {
        let _: (i64, i64, i64, i64, Option<f64>, Option<String>) =
            (row.id, row.employees, row.departments, row.payroll, row.average, row.last_department);
    }

    let beside_to_one = query!(
        from Employee e
        join e.department d
        left join e.manager m
        join e.reports r
        select e.id, d.name as department, m.name as manager, count(r) as reports, exists(r) as manages
        group by e.id, d.name, m.name
    );
    if let Some(row) = row_of(&beside_to_one) {
        let _: (i64, String, Option<String>, i64, bool) =
            (row.id, row.department, row.manager, row.reports, row.manages);
    }

    let rows = query!(
        from Department d
        left join d.employees e
        left join e.department.store s
        select d.name, e.name as employee, s.name as store
        where e.salary > {40_000_i64} or e.id is null
        order by d.name, employee
    );
    if let Some(row) = row_of(&rows) {
        let _: (String, Option<String>, Option<String>) = (row.name, row.employee, row.store);
    }

    // Two to-one branches and an aggregate over the root alias.
    let branches = query!(
        from Employee e
        join e.department d
        left join e.manager m
        select d.name, count(e.id) as n
        group by d.name
    );
    if let Some(row) = row_of(&branches) {
        let _: (String, i64) = (row.name, row.n);
    }

    let alone = query!(from Store s select s.id, s.name where s.products.price > {10.0} order by s.id);
    if let Some(row) = row_of(&alone) {
        let _: (i64, String) = (row.id, row.name);
    }
}

/// The row type of a query, for type checks only.
fn row_of<Raw, O, A, P>(_: &fanless::Query<Raw, O, A, P>) -> Option<O> {
    None
}
