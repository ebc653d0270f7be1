// a `belongs_to` field not ending in `_id` names its relation explicitly.
#[derive(fanless::Model)]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store))]
    shop: i64,
}

fn main() {}
