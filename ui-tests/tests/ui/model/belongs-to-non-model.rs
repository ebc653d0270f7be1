// a `belongs_to` target must be a model.
struct Store;

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store))]
    store_id: i64,
}

fn main() {}
