// Without `via`, a `has_many` goes back through the target's `belongs_to`
// named after this model; when it has another name, `via` gives it.
#[derive(fanless::Model)]
#[model(has_many(listings = Product))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Product {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(seller = Store))]
    seller_id: i64,
    #[model(belongs_to(warehouse = Store))]
    warehouse_id: i64,
}

fn main() {}
