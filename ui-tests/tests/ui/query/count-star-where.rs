// `count(*)` counts the rows the query's `where` keeps.
fn main() {
    let _ = fanless::query!(from Product select count(* where discontinued) as n);
}
