//! Faults come back as `Err` with the database's message, never as a
//! panic or as fewer rows, and the pool serves the next query: a missing
//! table, a column of another type than the model's, a connection killed
//! while rows stream, a stream dropped halfway.

use std::pin::Pin;

use fanless::{query, Model};
use fanless_tests::library::{self, Book, Region};
use fanless_tests::{connect, drop_databases, execute, fetch_all, name, Db};
use futures_core::Stream;

const BOOKS: usize = 100_000;

/// The tables, with publisher 1 and its books `1..=BOOKS`, each titled
/// with 200 characters: 20 MB of titles, more than the socket buffers
/// between a server and its client hold, so that a server is still
/// sending when a test kills its connection.
async fn many_books(db: &Db) {
    for statement in library::schema(db) {
        execute(db, &statement).await;
    }
    execute(db, "INSERT INTO lib_publisher (id, name) VALUES (1, 'p')").await;
    let title = match db {
        Db::Sqlite(_) => "hex(zeroblob(100))",
        Db::Postgres(..) | Db::MySql(..) => "REPEAT('t', 200)",
    };
    let books = format!(
        "INSERT INTO lib_book (id, publisher_id, title, price, in_print) \
         SELECT 1 + n, 1, {title}, 1.0, TRUE FROM ({}) AS numbers",
        library::numbers(5)
    );
    execute(db, &books).await;
}

/// The books with their titles as bytes, which sqlx reads from the
/// binary text columns the library makes on MySQL.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "lib_book")]
struct TitledBook {
    #[model(primary_key)]
    id: i64,
    title: Vec<u8>,
}

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// How many books the pool of `db` finds, through a fresh query.
async fn count_books(db: &Db) -> usize {
    fetch_all!(db, query!(from Book select id)).unwrap().len()
}

#[tokio::test]
async fn a_missing_table_is_an_error_and_the_pool_goes_on() {
    let dbs = connect("missing_table").await;
    for db in &dbs {
        let error = fetch_all!(db, query!(from Book select id)).unwrap_err();
        let message = error.as_database_error().map(ToString::to_string);
        assert!(
            message.is_some_and(|m| m.contains("lib_book")),
            "{}: {error}",
            name(db)
        );
        for statement in library::schema(db) {
            execute(db, &statement).await;
        }
        assert_eq!(count_books(db).await, 0, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_column_of_another_type_is_an_error_and_the_pool_goes_on() {
    let dbs = connect("column_type").await;
    for db in &dbs {
        execute(
            db,
            "CREATE TABLE lib_region (id BIGINT PRIMARY KEY, name BIGINT NOT NULL)",
        )
        .await;
        execute(db, "INSERT INTO lib_region (id, name) VALUES (1, 5)").await;
        let error = fetch_all!(db, query!(from Region select name)).unwrap_err();
        assert!(
            matches!(error, sqlx::Error::ColumnDecode { .. }),
            "{}: {error}",
            name(db)
        );
        let ids = fetch_all!(db, query!(from Region select id)).unwrap();
        assert_eq!(ids.len(), 1, "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_stream_dropped_halfway_leaves_the_pool_working() {
    let dbs = connect("dropped_stream").await;
    for db in &dbs {
        many_books(db).await;
        macro_rules! half {
            ($pool:expr) => {{
                let mut rows = query!(from Book select id order by id).fetch($pool);
                for expected in 1..=10 {
                    let row = next(&mut rows).await.unwrap().unwrap();
                    assert_eq!(row.id, expected, "{}", name(db));
                }
            }};
        }
        match db {
            Db::Sqlite(pool) => half!(pool),
            Db::Postgres(pool, _) => half!(pool),
            Db::MySql(pool, _) => half!(pool),
        }
        for _ in 0..3 {
            assert_eq!(count_books(db).await, BOOKS, "{}", name(db));
        }
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_connection_killed_while_rows_stream_is_an_error() {
    let dbs = connect("killed").await;
    for db in &dbs {
        if let Db::Sqlite(_) = db {
            continue;
        }
        many_books(db).await;
        // The connection that streams learns its id, then another of the
        // pool ends it.
        macro_rules! killed {
            ($pool:expr, $book:ty, $id:literal, $kill:literal) => {{
                let mut conn = $pool.acquire().await.unwrap();
                let id: i64 = sqlx::query_scalar($id).fetch_one(&mut *conn).await.unwrap();
                let mut rows = query!(from $book select id, title order by id).fetch(&mut *conn);
                let first = next(&mut rows).await.unwrap().unwrap();
                assert_eq!(first.id, 1);
                sqlx::query(&format!($kill, id)).execute($pool).await.unwrap();
                let mut read = 1;
                let error = loop {
                    match next(&mut rows).await {
                        Some(Ok(_)) => read += 1,
                        Some(Err(error)) => break error,
                        None => panic!("{}: the stream ended after {read} rows", name(db)),
                    }
                };
                assert!(read < BOOKS, "{}", name(db));
                error
            }};
        }
        let error = match db {
            Db::Postgres(pool, _) => killed!(
                pool,
                Book,
                "SELECT CAST(pg_backend_pid() AS BIGINT)",
                "SELECT pg_terminate_backend({})"
            ),
            Db::MySql(pool, _) => killed!(
                pool,
                TitledBook,
                "SELECT CAST(CONNECTION_ID() AS SIGNED)",
                "KILL {}"
            ),
            Db::Sqlite(_) => unreachable!(),
        };
        assert!(!error.to_string().is_empty());
        // The killed connection is dropped from the pool; the next query
        // gets a working one.
        for _ in 0..3 {
            assert_eq!(count_books(db).await, BOOKS, "{}", name(db));
        }
    }
    drop_databases(dbs).await;
}
