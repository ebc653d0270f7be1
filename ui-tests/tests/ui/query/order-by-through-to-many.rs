// `order by` a to-many path needs an aggregate.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store order by departments.name);
}
