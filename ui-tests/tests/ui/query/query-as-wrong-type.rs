// `query_as!` builds the user's type: a field of the wrong type is rustc's error on that name.
use fanless_ui_tests::*;

#[allow(dead_code)]
struct Summary {
    id: i64,
    products: i32,
}

fn main() {
    let _ = fanless::query_as!(Summary, from Store select id, count(products) as products);
}
