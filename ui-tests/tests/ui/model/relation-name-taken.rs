// a relation cannot share a name with a field.
#[derive(fanless::Model)]
#[model(has_many(name = Product))]
struct Store {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store))]
    store_id: i64,
}

fn main() {}
