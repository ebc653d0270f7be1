// a relation cannot share a name with a field.
#[derive(fanless::Model)]
#[model(has_many(name = Store))]
struct Store {
    #[model(primary_key)]
    id: i64,
    name: String,
}

fn main() {}
