// `limit` takes an `i64` parameter.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store limit {20_u32});
}
