// a column read through a to-many relation needs an aggregate.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select products.name);
}
