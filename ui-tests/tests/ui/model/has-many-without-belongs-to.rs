// `has_many` needs a `belongs_to` back to this model on the target.
#[derive(fanless::Model)]
#[model(has_many(products = Product))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    name: String,
}

fn main() {}
