// an unknown key on a field is named, with the closest valid key.
#[derive(fanless::Model)]
struct Store {
    #[model(primary_key)]
    id: i64,
    #[model(colum = "store_name")]
    name: String,
}

fn main() {}
