// a key given twice is reported on the second.
#[derive(fanless::Model)]
#[model(table = "a", table = "b")]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
