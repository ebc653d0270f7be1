// rule 3, cartesian rows: a plain select over two independent to-many joins.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products p
        join s.departments d
        select p.name, d.name as department
    );
}
