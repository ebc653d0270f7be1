// `count(*)` and `sum`, `avg`, `min`, `max` of the root's own columns make
// one row of every row `where` keeps; they may be sorted on (one row sorts
// as it is), and read root paths in `where`.
use fanless::query;
use fanless_ui_tests::*;

fn main() {
    let totals = query!(
        from Product
        select count(*) as n, sum(price) as total, avg(price) as mean, max(name) as last
        where not discontinued and store.name != "closed"
        order by n
    );
    if let Some(row) = row_of(&totals) {
        let _: (i64, f64, Option<f64>, Option<String>) = (row.n, row.total, row.mean, row.last);
    }
}

/// The row type of a query, for type checks only.
fn row_of<Raw, O, A, P>(_: &fanless::Query<Raw, O, A, P>) -> Option<O> {
    None
}
