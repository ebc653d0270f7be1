// a relation is not a column.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select products);
}
