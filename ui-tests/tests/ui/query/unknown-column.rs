// a misspelt column is rustc's error on that token, with a suggestion.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select nme);
}
