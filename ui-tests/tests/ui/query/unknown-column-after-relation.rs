// a misspelt column at the end of a path is rustc's error on that token.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select avg(products.prise) as p);
}
