// a string literal must fit the column it is compared with.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Product where price > "10");
}
