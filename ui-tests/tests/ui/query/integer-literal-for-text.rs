// an integer literal meets numbers only, not text.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store where name = 1);
}
