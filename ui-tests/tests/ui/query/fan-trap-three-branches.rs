// rule 1, fan trap: three to-many branches are three independent pairs.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products p
        join s.departments d
        join s.orders o
        select s.id, count(p.id) as products, count(d.id) as departments, count(o.id) as orders
        group by s.id
    );
}
