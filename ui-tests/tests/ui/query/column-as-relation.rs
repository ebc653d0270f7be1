// only the last segment of a path is a column.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select name.id);
}
