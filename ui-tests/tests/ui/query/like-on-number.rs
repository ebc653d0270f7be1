// `like` matches text.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store where id like "1%");
}
