// `avg` needs a numeric column.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select avg(products.discontinued) as share);
}
