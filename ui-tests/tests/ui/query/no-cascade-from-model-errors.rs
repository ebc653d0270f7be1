// a model with an attribute error still works in queries: only the attribute is reported.
#[derive(fanless::Model)]
struct Store {
    #[model(primary_key)]
    id: i64,
    #[model(colum = "store_name")]
    name: String,
}

fn main() {
    let _ = fanless::query!(from Store select id, name where name = {"x"});
}
