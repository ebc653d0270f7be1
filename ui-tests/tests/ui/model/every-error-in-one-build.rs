// every attribute error of a struct is reported in one build.
#[derive(fanless::Model)]
#[model(tabel = "shop_store")]
struct Store {
    #[model(primary_key, colum = "x")]
    id: i64,
    #[model(column = "1st")]
    name: String,
}

fn main() {}
