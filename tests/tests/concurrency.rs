//! Queries in the futures of a server: awaited inside `tokio::spawn` (a
//! `Send` future) on every kind of executor, and dropped at random points
//! while another task writes, after which every connection of the pool is
//! outside any transaction and the next queries read what is there.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use fanless::query;
use fanless_tests::data::Data;
use fanless_tests::generate::Rng;
use fanless_tests::{drop_databases, execute, name, schema, setup, Db, Store};

/// `(id, product ids)` of every store, by a query with a collection, and
/// by one without.
type Shelves = (Vec<(i64, Vec<i64>)>, Vec<(i64, i64)>);

/// Runs the queries of a page on `$source`, an expression evaluated anew
/// for each: a collection, then plain rows.
macro_rules! shelves {
    ($source:expr) => {{
        let nested = query!(
            from Store
            select id, products { id order by id } as products
            order by id
        )
        .fetch_all($source)
        .await?;
        let plain = query!(from Store select id, count(products) as n order by id)
            .fetch_all($source)
            .await?;
        let one = query!(from Store select id, products { id } as products where id = {1_i64})
            .fetch_optional($source)
            .await?;
        assert_eq!(one.map(|s| s.id), Some(1));
        Ok::<Shelves, sqlx::Error>((
            nested
                .into_iter()
                .map(|s| (s.id, s.products.into_iter().map(|p| p.id).collect()))
                .collect(),
            plain.into_iter().map(|s| (s.id, s.n)).collect(),
        ))
    }};
}

/// Each of `$pool`'s executors, in a task of its own: the pool, a pooled
/// connection, a transaction.
macro_rules! in_tasks {
    ($pool:expr) => {{
        let pool = $pool.clone();
        let mut all = Vec::new();
        all.push(tokio::spawn(async move { shelves!(&pool) }).await.unwrap());
        let pool = $pool.clone();
        all.push(
            tokio::spawn(async move {
                let mut conn = pool.acquire().await?;
                shelves!(&mut *conn)
            })
            .await
            .unwrap(),
        );
        let pool = $pool.clone();
        all.push(
            tokio::spawn(async move {
                let mut tx = pool.begin().await?;
                let shelves = shelves!(&mut *tx)?;
                tx.commit().await?;
                Ok(shelves)
            })
            .await
            .unwrap(),
        );
        all
    }};
}

fn want(data: &Data) -> Shelves {
    let products = |store: i64| -> Vec<i64> {
        data.products
            .iter()
            .filter(|p| p.store_id == store)
            .map(|p| p.id)
            .collect()
    };
    (
        data.stores.iter().map(|s| (s.id, products(s.id))).collect(),
        data.stores
            .iter()
            .map(|s| (s.id, products(s.id).len() as i64))
            .collect(),
    )
}

#[tokio::test]
async fn every_executor_runs_queries_inside_spawned_tasks() {
    let (dbs, data) = setup("send").await;
    let want = want(&data);
    for db in &dbs {
        let all = match db {
            Db::Sqlite(pool) => in_tasks!(pool),
            Db::Postgres(pool, _) => in_tasks!(pool),
            Db::MySql(pool, _) => in_tasks!(pool),
        };
        for got in all {
            let got = got.unwrap_or_else(|e| panic!("{}: {e}", name(db)));
            assert_eq!(got, want, "{}", name(db));
        }
    }
    drop_databases(dbs).await;
}

/// Yields to the runtime `n` times: the point at which a query racing it
/// is dropped.
async fn after(n: u64) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}

/// Whether each connection of `$pool` (all of them held at once) is
/// outside a transaction, as the server says.
macro_rules! outside_transactions {
    ($pool:expr, $check:literal) => {{
        let mut held = Vec::new();
        let mut outside = Vec::new();
        for _ in 0..$pool.options().get_max_connections() {
            let mut conn = $pool.acquire().await.unwrap();
            let yes: bool = sqlx::query_scalar($check)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
            outside.push(yes && !sqlx::Connection::is_in_transaction(&*conn));
            held.push(conn);
        }
        outside
    }};
}

/// Runs `$rounds` page queries on `$pool`, each dropped after a random
/// number of yields, while a task adds products; completed ones must
/// read one snapshot. Returns how many completed and how many were dropped.
macro_rules! cancelled_reads {
    ($pool:expr, $rounds:expr, $seed:expr) => {{
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (pool, stop) = ($pool.clone(), stop.clone());
            tokio::spawn(async move {
                let mut id = 1_000_000_i64;
                while !stop.load(Ordering::Relaxed) {
                    id += 1;
                    sqlx::query(&format!(
                        "INSERT INTO shop_product (id, store_id, name, price, discontinued) \
                         VALUES ({id}, {}, 'new', 1.5, FALSE)",
                        1 + id % 2
                    ))
                    .execute(&pool)
                    .await
                    .unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut rng = Rng::new($seed);
        let (mut done, mut dropped) = (0, 0);
        for _ in 0..$rounds {
            let page = query!(
                from Store
                select id, count(products) as n, products { id } as products
                order by id
            );
            tokio::select! {
                rows = page.fetch_all($pool) => {
                    for store in rows.unwrap() {
                        assert_eq!(store.n, store.products.len() as i64, "a torn read");
                    }
                    done += 1;
                }
                () = after(rng.below(400)) => dropped += 1,
            }
        }
        stop.store(true, Ordering::Relaxed);
        writer.await.unwrap();
        (done, dropped)
    }};
}

/// A pool of two connections to a SQLite database in a file, holding the
/// tables and rows of `data`. (sqlx closes a connection whose `acquire` is
/// dropped while it tests it, which loses a database in memory.)
async fn sqlite_file(data: &Data) -> (sqlx::SqlitePool, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!("fanless_cancelled_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .expect("open a SQLite database in a file");
    let db = Db::Sqlite(pool.clone());
    for statement in schema(&db) {
        execute(&db, &statement).await;
    }
    data.insert(&db).await;
    (pool, path)
}

#[tokio::test]
async fn queries_dropped_at_any_point_leave_the_pool_clean() {
    let (dbs, data) = setup("cancelled").await;
    for db in &dbs {
        let ((done, dropped), outside) = match db {
            Db::Sqlite(_) => {
                let (pool, path) = sqlite_file(&data).await;
                let result = (
                    cancelled_reads!(&pool, 300, 7),
                    outside_transactions!(&pool, "SELECT TRUE"),
                );
                pool.close().await;
                let _ = std::fs::remove_file(&path);
                result
            }
            Db::Postgres(pool, _) => (
                cancelled_reads!(pool, 300, 7),
                // Outside fanless's transactions, which are read only.
                outside_transactions!(
                    pool,
                    "SELECT current_setting('transaction_read_only') = 'off'"
                ),
            ),
            Db::MySql(pool, _) => (
                cancelled_reads!(pool, 300, 7),
                outside_transactions!(pool, "SELECT @@in_transaction = 0"),
            ),
        };
        assert!(
            done > 10 && dropped > 10,
            "{}: {done} done, {dropped} dropped",
            name(db)
        );
        assert!(outside.iter().all(|yes| *yes), "{}: {outside:?}", name(db));
    }
    drop_databases(dbs).await;
}
