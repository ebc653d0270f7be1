// `has_many` names its relation.
#[derive(fanless::Model)]
#[model(has_many(Product))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
