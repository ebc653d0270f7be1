// rule 1, fan trap: `group by` over two to-many branches, even without an aggregate.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Store s
        join s.products p
        join s.departments d
        select s.id
        group by s.id
    );
}
