// `limit` takes an integer parameter.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store limit {20.0_f64});
}
