// one `has_many` declares one relation.
#[derive(fanless::Model)]
#[model(has_many(products = Product, departments = Department))]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
