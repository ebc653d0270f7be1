// rule 1, fan trap: the seed's trap query, two independent to-many branches
// aggregated in one query; `distinct` gives the right numbers at the cost of
// every combination, so it is rejected too.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(
        from Store s
        left join s.products p
        left join s.departments d
        left join d.employees e
        select s.id, count(distinct p.id) as products, count(distinct e.id) as employees
        group by s.id
    );
}
