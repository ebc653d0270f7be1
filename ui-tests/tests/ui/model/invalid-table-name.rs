// table names are ASCII letters, digits and `_`.
#[derive(fanless::Model)]
#[model(table = "shop store")]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
