// a model is one table, so it has no type parameters.
#[derive(fanless::Model)]
struct Store<T> {
    #[model(primary_key)]
    id: i64,
    name: T,
}

fn main() {}
