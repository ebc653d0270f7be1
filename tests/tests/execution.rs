//! Running queries: every fetch method, on a pool, a connection and a
//! transaction of each database; database errors as `Err`; SQL rendered
//! once per call site.

use fanless::{query, Model};
use fanless_tests::data::Data;
use fanless_tests::{databases, drop_databases, fetch_all, name, Db, Store};

/// A model whose table is never created; its rows are never read.
#[derive(Model, Debug)]
#[allow(dead_code)]
#[model(table = "no_such_table")]
struct Ghost {
    #[model(primary_key)]
    id: i64,
}

/// Runs every fetch method through `$executor` (an expression evaluated
/// anew for each call) and checks each against `$data`.
macro_rules! check_fetches {
    ($db:expr, $data:expr, $executor:expr) => {{
        let data: &Data = $data;
        let first = &data.stores[0];
        let one = query!(from Store where id = {first.id}).fetch_one($executor).await.unwrap();
        assert_eq!(&one, first, "{}", $db);

        let none = query!(from Store where id = {-1_i64}).fetch_optional($executor).await.unwrap();
        assert_eq!(none, None, "{}", $db);
        let some = query!(from Store select name where id = {first.id})
            .fetch_optional($executor)
            .await
            .unwrap();
        assert_eq!(some.map(|row| row.name), Some(first.name.clone()), "{}", $db);

        let missing = query!(from Store where id = {-1_i64}).fetch_one($executor).await;
        assert!(matches!(missing, Err(sqlx::Error::RowNotFound)), "{}: {missing:?}", $db);

        let mut streamed: Vec<Store> = Vec::new();
        let mut rows = query!(from Store order by id).fetch($executor);
        while let Some(store) = rows.try_next().await.unwrap() {
            streamed.push(store);
        }
        drop(rows);
        assert_eq!(streamed, data.stores, "{}", $db);

        let all = query!(from Store select id, count(products) as products order by id)
            .fetch_all($executor)
            .await
            .unwrap();
        let expected: Vec<(i64, i64)> = data
            .stores
            .iter()
            .map(|s| (s.id, data.products.iter().filter(|p| p.store_id == s.id).count() as i64))
            .collect();
        assert_eq!(all.iter().map(|r| (r.id, r.products)).collect::<Vec<_>>(), expected, "{}", $db);

        let error = query!(from Ghost).fetch_all($executor).await;
        assert!(matches!(error, Err(sqlx::Error::Database(_))), "{}: {error:?}", $db);
    }};
}

#[tokio::test]
async fn fetch_methods_on_pools_connections_and_transactions() {
    let dbs = databases("executors").await;
    let data = Data::generate();
    for db in &dbs {
        data.insert(db).await;
        match db {
            Db::Sqlite(pool) => {
                check_fetches!("sqlite pool", &data, pool);
                let mut conn = pool.acquire().await.unwrap();
                check_fetches!("sqlite connection", &data, &mut *conn);
                drop(conn);
                let mut tx = pool.begin().await.unwrap();
                check_fetches!("sqlite transaction", &data, &mut *tx);
            }
            Db::Postgres(pool, _) => {
                check_fetches!("postgres pool", &data, pool);
                let mut conn = pool.acquire().await.unwrap();
                check_fetches!("postgres connection", &data, &mut *conn);
                let mut tx = pool.begin().await.unwrap();
                // PostgreSQL aborts a transaction after an error: run the
                // failing query last, as the macro does.
                check_fetches!("postgres transaction", &data, &mut *tx);
            }
            Db::MySql(pool, _) => {
                check_fetches!("mysql pool", &data, pool);
                let mut conn = pool.acquire().await.unwrap();
                check_fetches!("mysql connection", &data, &mut *conn);
                let mut tx = pool.begin().await.unwrap();
                check_fetches!("mysql transaction", &data, &mut *tx);
            }
        }
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_type_the_column_cannot_decode_is_an_err() {
    // `Store.name` is text; a model that claims it is an integer decodes
    // with an error, never a panic.
    #[derive(Model, Debug)]
    #[allow(dead_code)]
    #[model(table = "shop_store")]
    struct Mistyped {
        #[model(primary_key)]
        id: i64,
        name: i64,
    }
    let dbs = databases("decode_errors").await;
    let data = Data::generate();
    for db in &dbs {
        data.insert(db).await;
        let result = fetch_all!(db, query!(from Mistyped));
        assert!(
            matches!(result, Err(sqlx::Error::ColumnDecode { .. })),
            "{}: {result:?}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}

#[test]
fn sql_is_rendered_once_per_call_site_and_dialect() {
    let render = |min: f64| query!(from Store select id where products.price > {min});
    let first = render(1.0).sql::<sqlx::Postgres>();
    let second = render(2.0).sql::<sqlx::Postgres>();
    assert!(
        std::ptr::eq(first, second),
        "the second call rendered again"
    );
    assert!(first.contains("$1"), "{first}");
    let mysql = render(1.0).sql::<sqlx::MySql>();
    assert!(mysql.contains('`') && mysql.contains('?'), "{mysql}");
}
