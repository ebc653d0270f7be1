// An aggregate of the root's rows is the value of the query's one row, not
// a condition on each row.
fn main() {
    let _ = fanless::query!(from Product select count(*) as n where price > avg(price));
}
