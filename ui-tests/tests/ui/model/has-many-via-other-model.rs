// the `belongs_to` a `has_many` goes through must point back to this model.
#[derive(fanless::Model)]
#[model(has_many(products = Product, via = mall))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Mall {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Mall))]
    mall_id: i64,
}

fn main() {}
