// rule 1, fan trap: the two branches split below to-one hops.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Employee e
        join e.department.store.products p
        join e.department.employees c
        select e.id, count(p.id) as products, count(c.id) as colleagues
        group by e.id
    );
}
