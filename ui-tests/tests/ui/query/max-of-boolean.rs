// `min` and `max` need a number or text; no database orders booleans alike.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select max(products.discontinued) as any_discontinued);
}
