// rule 1, fan trap: two to-many branches from the root, aggregated together.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products p
        join s.departments d
        select s.id, count(p.id) as products, count(d.id) as departments
        group by s.id
    );
}
