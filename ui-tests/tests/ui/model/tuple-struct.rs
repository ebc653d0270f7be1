// a model's fields are named: they are its columns.
#[derive(fanless::Model)]
struct Store(i64, String);

fn main() {}
