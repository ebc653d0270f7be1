// a floating point literal does not meet an integer.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store where id = 1.5);
}
