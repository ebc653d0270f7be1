// `count(*)` makes one row of every row; a column of each row beside it
// needs `group by`, which is the join form's.
fn main() {
    let _ = fanless::query!(from Product select store_id, count(*) as n);
}
