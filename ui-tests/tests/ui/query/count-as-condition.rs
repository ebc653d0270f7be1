// a condition is a boolean: a count must be compared.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store where count(products));
}
