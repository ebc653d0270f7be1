// a `has_one` leads to a model whose primary key is one column.
#[derive(fanless::Model)]
#[model(has_one(contract = Contract))]
struct Author {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Contract {
    #[model(primary_key, belongs_to(Author, unique))]
    author_id: i64,
    #[model(primary_key)]
    year: i64,
}

fn main() {}
