// `sum` and `avg` read numbers; a timestamp has `min` and `max`.
use fanless::sqlx::types::chrono::NaiveDateTime;

#[derive(fanless::Model)]
#[model(has_many(posts = Post))]
struct Author {
    #[model(primary_key)]
    id: i64,
}

#[derive(fanless::Model)]
struct Post {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Author))]
    author_id: i64,
    published_at: NaiveDateTime,
}

fn main() {
    let _ = fanless::query!(from Author select id, avg(posts.published_at) as mean);
}
