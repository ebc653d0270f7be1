// a query with collections runs on a pool, a connection or a transaction
// by reference, as sqlx's executors.
use fanless_ui_tests::*;

async fn page(pool: fanless::sqlx::SqlitePool) {
    let _ = fanless::query!(from Store select id, products { id } as products)
        .fetch_all(pool)
        .await;
}

fn main() {
    drop(page);
}
