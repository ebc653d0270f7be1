// Grouped by one column of a model, its other columns are one per group
// only if that column is the model's primary key.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Department d
        join d.employees e
        select d.name, count(e.id) as employees
        group by d.store_id
    );
}
