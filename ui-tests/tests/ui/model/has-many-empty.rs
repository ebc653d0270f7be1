// `has_many` names its relation and its target model.
#[derive(fanless::Model)]
#[model(has_many())]
struct Store {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
