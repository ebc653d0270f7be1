// a column inside the braces is one of the collection's model.
use fanless_ui_tests::*;

fn main() {
    let _ = fanless::query!(from Store select id, products { id, colour } as products);
}
