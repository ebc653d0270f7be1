// rule 2, inflated aggregate: `sum` of a value repeated by a to-many join below it.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Employee e
        join e.reports r
        select e.id, sum(e.salary) as payroll
        group by e.id
    );
}
