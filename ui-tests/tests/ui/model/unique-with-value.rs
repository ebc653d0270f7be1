// `unique` is a flag: it takes no value.
#[derive(fanless::Model)]
struct Store {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Owner {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store, unique = true))]
    store_id: i64,
}

fn main() {}
