// rule 2, inflated aggregate: `count` of a row repeated by a to-many join below it.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Department d
        join d.employees e
        select d.id, count(d.id) as departments
        group by d.id
    );
}
