// a collection is loaded by its parent's primary key, which is one column.
use fanless::Model;
use fanless_ui_tests::*;

#[derive(Model)]
struct Stock {
    #[model(primary_key)]
    shelf: i64,
    #[model(primary_key)]
    slot: i64,
    #[model(belongs_to(Store))]
    store_id: i64,
}

fn main() {
    let _ = fanless::query!(from Stock select slot, store.products { id } as products);
}
