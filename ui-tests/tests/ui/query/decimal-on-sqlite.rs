// sqlx reads no `Decimal` from SQLite: the query compiles, running it on a
// SQLite pool does not.
use fanless::sqlx::types::Decimal;

#[derive(fanless::Model)]
struct Invoice {
    #[model(primary_key)]
    id: i64,
    total: Decimal,
}

async fn totals(pool: &fanless::sqlx::SqlitePool) {
    let _ = fanless::query!(from Invoice select id, total).fetch_all(pool).await;
}

fn main() {
    let _ = totals;
}
