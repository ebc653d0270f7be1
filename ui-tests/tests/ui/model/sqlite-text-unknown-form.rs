// `sqlite_text` names the form SQLite holds a column in; `"sqlx"` is the
// one form it knows.
use fanless::sqlx::types::chrono::{DateTime, Utc};

#[derive(fanless::Model)]
struct Visit {
    #[model(primary_key)]
    id: i64,
    #[model(sqlite_text = "django")]
    at: DateTime<Utc>,
}

fn main() {}
