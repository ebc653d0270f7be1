// a foreign key has the type of the primary key it refers to.
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
    store_id: Option<String>,
}

fn main() {}
