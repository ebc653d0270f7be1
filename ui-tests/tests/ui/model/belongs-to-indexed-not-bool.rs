// `indexed` takes `true` or `false`.
#[derive(fanless::Model)]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store, indexed = "no"))]
    store_id: i64,
}

fn main() {}
