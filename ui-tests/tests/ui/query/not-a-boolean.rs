// a column used as a condition must be a boolean.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Product where name);
}
