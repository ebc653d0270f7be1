// a join model keyed by its two foreign keys: its rows, and counts of them.
use fanless::{query, Model};

#[derive(Model)]
#[model(has_many(credits = Credit))]
#[model(many_to_many(authors = Author, through = Credit))]
struct Book {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Author {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model)]
struct Credit {
    #[model(primary_key, belongs_to(Book))]
    book_id: i64,
    #[model(primary_key, belongs_to(Author))]
    author_id: i64,
    share: f64,
}

fn main() {
    let _ = query!(from Credit where share > 0.5 order by book_id, author_id);
    let _ = query!(
        from Book
        select id, count(credits) as credits, count(distinct credits) as distinct_credits,
               count(authors) as authors
    );
    let _ = query!(from Book b join b.credits c select b.id, count(c) as credits group by b.id);
}
