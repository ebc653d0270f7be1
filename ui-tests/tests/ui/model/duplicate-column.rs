// two fields cannot map to one column.
#[derive(fanless::Model)]
struct Store {
    #[model(primary_key)]
    id: i64,
    #[model(column = "id")]
    legacy_id: i64,
}

fn main() {}
