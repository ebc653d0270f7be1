// a `belongs_to` leads to a model whose primary key is one column.
#[derive(fanless::Model)]
struct Credit {
    #[model(primary_key)]
    book_id: i64,
    #[model(primary_key)]
    author_id: i64,
}

#[derive(fanless::Model)]
struct Royalty {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Credit))]
    credit_id: i64,
}

fn main() {}
