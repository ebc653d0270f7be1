// an unknown key on a struct is named, with the closest valid key.
#[derive(fanless::Model)]
#[model(tabel = "shop_store")]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
