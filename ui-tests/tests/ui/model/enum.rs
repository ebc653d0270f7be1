// a model is a struct with named fields.
#[derive(fanless::Model)]
enum Store {
    Open,
}

fn main() {}
