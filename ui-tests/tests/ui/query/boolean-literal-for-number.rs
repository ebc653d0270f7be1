// a literal has the type of what it meets: `true` is no price.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Product where price > true);
}
