// `to` names the join model's relation to the target, not to another model.
#[derive(fanless::Model)]
#[model(many_to_many(authors = Author, through = Credit, to = editor))]
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
struct Editor {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Credit {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Book))]
    book_id: i64,
    #[model(belongs_to(Editor))]
    editor_id: i64,
}

fn main() {}
