//! What fanless adds to sqlx at run time: decoding 10,000 rows through a
//! `query!` against `sqlx::query_as` with the same SQL, and getting a
//! query's SQL (rendered once per call site, then cached) against rendering
//! it anew.
//!
//! `cargo bench -p fanless-benches --bench overhead`

use criterion::{criterion_group, criterion_main, Criterion};
use fanless::{query, Model};
use sqlx::SqlitePool;
use tokio::runtime::Runtime;

/// The rows to decode.
#[derive(Model, Debug)]
#[allow(dead_code)]
#[model(table = "item")]
struct Item {
    #[model(primary_key)]
    id: i64,
    name: String,
    price: f64,
    available: bool,
}

const ROWS: i64 = 10_000;

fn setup(runtime: &Runtime) -> SqlitePool {
    runtime.block_on(async {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("an in-memory database");
        for sql in Item::create_table::<sqlx::Sqlite>() {
            sqlx::raw_sql(&sql).execute(&pool).await.expect("the table");
        }
        sqlx::raw_sql(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ROWS}) \
             INSERT INTO item SELECT i, 'item ' || i, i * 0.25, i % 2 FROM n"
        ))
        .execute(&pool)
        .await
        .expect("the rows");
        pool
    })
}

fn decode(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let pool = setup(&runtime);
    let sql = query!(from Item).sql::<sqlx::Sqlite>().to_owned();
    let mut group = c.benchmark_group("decode 10,000 rows");
    group.bench_function("sqlx::query_as", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let rows: Vec<(i64, String, f64, bool)> =
                    sqlx::query_as(&sql).fetch_all(&pool).await.expect("rows");
                assert_eq!(rows.len() as i64, ROWS);
            })
        })
    });
    group.bench_function("fanless query!", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let rows = query!(from Item).fetch_all(&pool).await.expect("rows");
                assert_eq!(rows.len() as i64, ROWS);
            })
        })
    });
    group.finish();
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("SQL of a query");
    let min = 1.0;
    let design = || {
        query!(
            from Item
            select id, name
            where price > {min} and available and name like "item%"
            order by price desc, id
            limit 20
        )
    };
    group.bench_function("cached (every call after the first)", |b| {
        b.iter(|| design().sql::<sqlx::Sqlite>().len())
    });
    group.bench_function("rendered anew", |b| {
        b.iter(|| design().render_uncached::<sqlx::Sqlite>().len())
    });
    group.finish();
}

criterion_group!(benches, decode, render);
criterion_main!(benches);
