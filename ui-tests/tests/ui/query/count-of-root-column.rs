// `count` takes a relation path.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select count(id) as n);
}
