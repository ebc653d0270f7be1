// a misspelt relation is rustc's error on that token, with a suggestion.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select count(prodcts) as n);
}
