// JSON compares as a document on PostgreSQL and MySQL but as text on
// MariaDB and SQLite: it is selected, or tested with `is null`, only.
use fanless::sqlx::types::JsonValue;

#[derive(fanless::Model)]
struct Page {
    #[model(primary_key)]
    id: i64,
    body: JsonValue,
}

fn main() {
    let _ = fanless::query!(from Page select id order by body);
}
