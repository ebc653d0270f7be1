// a model needs a primary key field.
#[derive(fanless::Model)]
struct Store {
    id: i64,
    name: String,
}

fn main() {}
