// a `many_to_many` names the join model it goes through.
#[derive(fanless::Model)]
#[model(many_to_many(authors = Author))]
struct Book {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Author {
    #[model(primary_key)]
    id: i64,
}

fn main() {}
