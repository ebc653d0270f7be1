// `to` belongs to a `many_to_many`.
#[derive(fanless::Model)]
#[model(has_many(products = Product, to = store))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
