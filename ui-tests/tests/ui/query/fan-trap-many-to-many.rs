// rule 1 with a `many_to_many`: it is to-many, so joined beside another
// to-many path it multiplies the rows of that path.
use fanless::Model;

#[derive(Model)]
#[model(has_many(reviews = Review))]
#[model(many_to_many(authors = Author, through = BookAuthor))]
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
struct BookAuthor {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Book))]
    book_id: i64,
    #[model(belongs_to(Author))]
    author_id: i64,
}

#[derive(Model)]
struct Review {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Book))]
    book_id: i64,
}

fn main() {
    let _ = fanless::query!(
        from Book b
        join b.authors a
        join b.reviews r
        select b.id, count(distinct a.id) as authors, count(distinct r.id) as reviews
        group by b.id
    );
}
