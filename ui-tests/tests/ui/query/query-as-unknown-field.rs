// `query_as!` builds the user's type: a select name it lacks is rustc's error on that name.
use fanless_ui_tests::*;

struct Summary {
    id: i64,
}

fn main() {
    let _ = fanless::query_as!(Summary, from Store select id, count(products) as products);
}
