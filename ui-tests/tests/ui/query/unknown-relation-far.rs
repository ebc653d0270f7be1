// a relation name like no other: rustc lists the relations and the columns.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select count(stock) as n);
}
