// `sqlite_text` is for dates and times; the error is on its value.
#[derive(fanless::Model)]
struct Visit {
    #[model(primary_key)]
    id: i64,
    #[model(sqlite_text = "sqlx")]
    name: Option<String>,
}

fn main() {}
