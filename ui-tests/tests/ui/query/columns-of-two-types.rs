// two columns compared have one type.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store where name <> id);
}
