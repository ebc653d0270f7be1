// `sum` needs a numeric column.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select sum(products.name) as total);
}
