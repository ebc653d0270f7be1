// the join model of a `many_to_many` needs a `belongs_to` back to this
// model, named after it unless `via` names it.
#[derive(fanless::Model)]
#[model(many_to_many(authors = Author, through = Credit))]
struct Book {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Author {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Credit {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(work = Book))]
    work_id: i64,
    #[model(belongs_to(Author))]
    author_id: i64,
}

fn main() {}
