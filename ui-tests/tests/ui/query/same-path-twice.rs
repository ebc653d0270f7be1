// two bare conditions of one `and` over one to-many path are ambiguous
// (one product, or any two?): the query says which.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store where products.discontinued and products.price < 1.0);
}
