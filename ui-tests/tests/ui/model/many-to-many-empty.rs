// `many_to_many` names its relation, its target model and its join model.
#[derive(fanless::Model)]
#[model(many_to_many())]
struct Book {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
