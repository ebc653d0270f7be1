//! A database another program made: tables in the style of a Django
//! application, created by hand-written DDL in each database's own types
//! (not `create_table`), holding the edge values real data has, read by
//! models written for it.
//!
//! Sums: an `integer` column sums past 2^31 into an `i64`, and a sum past
//! the range of `i64` is an `Err` on every database and in every shape
//! the planner may choose, never a wrapped, clamped or float value.

use fanless::__private::{Plan, Strategy};
use fanless::{query, query_as, verify, Model};
use fanless_tests::library::Kind;
use fanless_tests::reference::{Dataset, Value};
use fanless_tests::{
    agrees_with_reference, connect, dialect, drop_databases, execute, fetch_all, name, run_plan, Db,
};

/// `library_publisher`.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "library_publisher")]
#[model(has_many(authors = Author))]
struct Publisher {
    #[model(primary_key)]
    id: i32,
    name: String,
}

/// `library_author`: Django's nullable `ForeignKey`, an `integer` key.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "library_author")]
#[model(has_many(books = Book))]
struct Author {
    #[model(primary_key)]
    id: i32,
    #[model(belongs_to(Publisher))]
    publisher_id: Option<i32>,
    name: String,
}

/// `library_book`: an `integer` size in bytes, a `bigint` count.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "library_book")]
struct Book {
    #[model(primary_key)]
    id: i32,
    #[model(belongs_to(Author))]
    author_id: i32,
    title: String,
    size_bytes: i32,
    downloads: i64,
}

/// The same tables read by models whose keys are `i64`, as one model
/// written for every database: PostgreSQL's `integer` keys read widened.
mod wide {
    use fanless::Model;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "library_publisher")]
    #[model(has_many(authors = Author))]
    pub struct Publisher {
        #[model(primary_key)]
        pub id: i64,
        pub name: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "library_author")]
    #[model(has_many(books = Book))]
    pub struct Author {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Publisher))]
        pub publisher_id: Option<i64>,
        pub name: String,
    }

    #[derive(Model, Debug, Clone, PartialEq)]
    #[model(table = "library_book")]
    pub struct Book {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Author))]
        pub author_id: i64,
        pub title: String,
        pub size_bytes: i64,
        pub downloads: i64,
    }
}

#[tokio::test]
async fn i64_models_read_integer_keys_on_every_database() {
    let dbs = load("existing_wide").await;
    for db in &dbs {
        let what = name(db);
        let found = match db {
            Db::Sqlite(pool) => verify!(pool, wide::Publisher, wide::Author, wide::Book),
            Db::Postgres(pool, _) => verify!(pool, wide::Publisher, wide::Author, wide::Book),
            Db::MySql(pool, _) => verify!(pool, wide::Publisher, wide::Author, wide::Book),
        }
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(found, [], "{what}");

        let books = fetch_all!(db, query!(from wide::Book order by id))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let want: Vec<(i64, i64, i64, i64)> = BOOKS
            .iter()
            .map(|b| (i64::from(b.0), i64::from(b.1), i64::from(b.2), b.3))
            .collect();
        let got: Vec<(i64, i64, i64, i64)> = books
            .iter()
            .map(|b| (b.id, b.author_id, b.size_bytes, b.downloads))
            .collect();
        assert_eq!(got, want, "model rows on {what}");

        let authors = fetch_all!(
            db,
            query!(
                from wide::Author
                select id, publisher_id, publisher.id as publisher, books { id order by id } as books
                order by id
            )
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        for author in &authors {
            let (_, publisher) = AUTHORS
                .iter()
                .find(|a| i64::from(a.0) == author.id)
                .copied()
                .expect("an author");
            let publisher = publisher.map(i64::from);
            assert_eq!(
                (author.publisher_id, author.publisher),
                (publisher, publisher),
                "{what}"
            );
            let want: Vec<i64> = BOOKS
                .iter()
                .filter(|b| i64::from(b.1) == author.id)
                .map(|b| i64::from(b.0))
                .collect();
            let got: Vec<i64> = author.books.iter().map(|b| b.id).collect();
            assert_eq!(got, want, "a collection keyed on integers on {what}");
        }
    }
    drop_databases(dbs).await;
}

/// The tables as Django's migrations write them on `db`.
fn ddl(db: &Db) -> &'static [&'static str] {
    match db {
        Db::Postgres(..) => &[
            r#"CREATE TABLE "library_publisher" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL)"#,
            r#"CREATE TABLE "library_author" ("id" serial NOT NULL PRIMARY KEY, "name" varchar(100) NOT NULL, "publisher_id" integer NULL REFERENCES "library_publisher" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "library_author_publisher_id_5d6a8f1c" ON "library_author" ("publisher_id")"#,
            r#"CREATE TABLE "library_book" ("id" serial NOT NULL PRIMARY KEY, "title" varchar(200) NOT NULL, "size_bytes" integer NOT NULL, "downloads" bigint NOT NULL, "author_id" integer NOT NULL REFERENCES "library_author" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "library_book_author_id_8f2b1d3e" ON "library_book" ("author_id")"#,
        ],
        Db::Sqlite(_) => &[
            r#"CREATE TABLE "library_publisher" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL)"#,
            r#"CREATE TABLE "library_author" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "publisher_id" bigint NULL REFERENCES "library_publisher" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "library_author_publisher_id_5d6a8f1c" ON "library_author" ("publisher_id")"#,
            r#"CREATE TABLE "library_book" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "title" varchar(200) NOT NULL, "size_bytes" integer NOT NULL, "downloads" bigint NOT NULL, "author_id" bigint NOT NULL REFERENCES "library_author" ("id") DEFERRABLE INITIALLY DEFERRED)"#,
            r#"CREATE INDEX "library_book_author_id_8f2b1d3e" ON "library_book" ("author_id")"#,
        ],
        Db::MySql(..) => &[
            "CREATE TABLE `library_publisher` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(100) NOT NULL)",
            "CREATE TABLE `library_author` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `name` varchar(100) NOT NULL, `publisher_id` integer NULL)",
            "ALTER TABLE `library_author` ADD CONSTRAINT `library_author_publisher_id_5d6a8f1c_fk_library_publisher_id` FOREIGN KEY (`publisher_id`) REFERENCES `library_publisher` (`id`)",
            "CREATE TABLE `library_book` (`id` integer AUTO_INCREMENT NOT NULL PRIMARY KEY, `title` varchar(200) NOT NULL, `size_bytes` integer NOT NULL, `downloads` bigint NOT NULL, `author_id` integer NOT NULL)",
            "ALTER TABLE `library_book` ADD CONSTRAINT `library_book_author_id_8f2b1d3e_fk_library_author_id` FOREIGN KEY (`author_id`) REFERENCES `library_author` (`id`)",
        ],
    }
}

/// Near the ends of `i32` and of `i64`, so that sums leave both.
const BIG: i32 = 2_000_000_000;
const HUGE: i64 = 5_000_000_000_000_000_000;

/// `(id, publisher_id)`.
const AUTHORS: [(i32, Option<i32>); 5] = [
    (1, Some(1)),
    (2, Some(1)),
    (3, None),
    (4, Some(2)),
    (5, Some(2)),
];

/// `(id, author_id, size_bytes, downloads)`: author 1's sizes sum past
/// 2^31, author 4's below -2^31; author 2's and author 5's downloads past
/// `i64` each way; author 3 has none.
const BOOKS: [(i32, i32, i32, i64); 9] = [
    (1, 1, BIG, 10),
    (2, 1, BIG, 20),
    (3, 1, BIG, 30),
    (4, 2, 7, HUGE),
    (5, 2, 3, HUGE),
    (6, 4, -BIG, 1),
    (7, 4, -BIG, 2),
    (8, 5, 1, -HUGE),
    (9, 5, 1, -HUGE),
];

/// The models describe the tables Django's migrations made, as `verify!`
/// finds: nothing to report.
#[tokio::test]
async fn the_models_verify_against_the_framework_schema() {
    let dbs = load("existing_verify").await;
    for db in &dbs {
        let found = match db {
            Db::Sqlite(pool) => verify!(pool, Publisher, Author, Book),
            Db::Postgres(pool, _) => verify!(pool, Publisher, Author, Book),
            Db::MySql(pool, _) => verify!(pool, Publisher, Author, Book),
        }
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let messages: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(messages, Vec::<String>::new(), "{}", name(db));
    }
    drop_databases(dbs).await;
}

async fn load(test: &str) -> Vec<Db> {
    let dbs = connect(test).await;
    for db in &dbs {
        for statement in ddl(db) {
            execute(db, statement).await;
        }
        execute(
            db,
            "INSERT INTO library_publisher (id, name) VALUES (1, 'Penguin'), (2, 'Faber')",
        )
        .await;
        for (id, publisher) in AUTHORS {
            let publisher = publisher.map_or("NULL".to_owned(), |p| p.to_string());
            let sql = format!(
                "INSERT INTO library_author (id, name, publisher_id) VALUES ({id}, 'author {id}', {publisher})"
            );
            execute(db, &sql).await;
        }
        for (id, author, size, downloads) in BOOKS {
            let sql = format!(
                "INSERT INTO library_book (id, title, size_bytes, downloads, author_id) VALUES ({id}, 'book {id}', {size}, {downloads}, {author})"
            );
            execute(db, &sql).await;
        }
    }
    dbs
}

/// The rows `load` inserts, as the reference evaluator reads them.
fn dataset() -> Dataset {
    let int = |v: i32| Value::Int(i64::from(v));
    let mut tables = std::collections::BTreeMap::new();
    tables.insert(
        "library_publisher",
        vec![
            vec![Value::Int(1), Value::Text("Penguin".into())],
            vec![Value::Int(2), Value::Text("Faber".into())],
        ],
    );
    tables.insert(
        "library_author",
        AUTHORS
            .iter()
            .map(|&(id, publisher)| {
                vec![
                    int(id),
                    publisher.map_or(Value::Null, int),
                    Value::Text(format!("author {id}")),
                ]
            })
            .collect(),
    );
    tables.insert(
        "library_book",
        BOOKS
            .iter()
            .map(|&(id, author, size, downloads)| {
                vec![
                    int(id),
                    int(author),
                    Value::Text(format!("book {id}")),
                    int(size),
                    Value::Int(downloads),
                ]
            })
            .collect(),
    );
    Dataset { tables }
}

/// Every aggregate over the framework's rows, in every strategy, against
/// the reference evaluator: counts, sums past 2^31, averages, `min` and
/// `max` of `integer` and `bigint` columns, `exists`, through a nullable
/// foreign key.
#[tokio::test]
async fn every_aggregate_agrees_with_the_reference_on_framework_rows() {
    let dbs = load("existing_reference").await;
    let data = dataset();
    let by_author = query!(
        from Author
        select id, count(books) as n, sum(books.size_bytes) as bytes,
               avg(books.size_bytes) as mean, min(books.size_bytes) as least,
               max(books.downloads) as most, count(distinct books.author) as writers,
               exists(books where downloads > {0_i64}) as popular
        order by id
    )
    .plan();
    let by_publisher = query!(
        from Publisher
        select id, count(authors.books) as books, sum(authors.books.size_bytes where size_bytes > {0}) as bytes,
               max(authors.books.size_bytes) as largest
        order by id
    )
    .plan();
    let of_books = query!(
        from Book
        select id, author.publisher.name as publisher
        where author.publisher_id = {None::<i32>} or size_bytes < {0}
        order by id
    )
    .plan();
    use Kind::{Bool, Float, Int, Text};
    let cases = [
        (
            &by_author,
            vec![(Int, Value::Int(0))],
            vec![Int, Int, Int, Float, Int, Int, Int, Bool],
        ),
        (
            &by_publisher,
            vec![(Int, Value::Int(0))],
            vec![Int, Int, Int, Int],
        ),
        (
            &of_books,
            vec![(Int, Value::Null), (Int, Value::Int(0))],
            vec![Int, Text],
        ),
    ];
    for db in &dbs {
        for (plan, params, kinds) in &cases {
            agrees_with_reference(db, plan, params, kinds, &data).await;
        }
    }
    drop_databases(dbs).await;
}

/// The exact sum of `value` over each author's books, `None` where it
/// leaves `i64`.
fn sums(value: impl Fn(&(i32, i32, i32, i64)) -> i128) -> Vec<(i32, Option<i64>)> {
    AUTHORS
        .iter()
        .map(|&(author, _)| {
            let sum: i128 = BOOKS.iter().filter(|b| b.1 == author).map(&value).sum();
            (author, i64::try_from(sum).ok())
        })
        .collect()
}

/// Runs `plan` (one author's sum) with every strategy on `db`: a sum that left `i64` read as `None` (an error on SQLite
/// and PostgreSQL, `NULL` on MySQL, which the row types turn into an
/// error).
async fn every_strategy(db: &Db, plan: &Plan, want: &[(i32, Option<i64>)]) {
    let overflows = want.iter().any(|(_, sum)| sum.is_none());
    for &strategy in Strategy::all(dialect(db)) {
        for &(id, sum) in want {
            // SQLite's `SUM` fails as it overflows, and a derived table
            // over every key sums every author's books, selected or not.
            let sum = match (db, strategy) {
                (Db::Sqlite(_), Strategy::Derived) if overflows => None,
                _ => sum,
            };
            let params = [(Kind::Int, Value::Int(i64::from(id)))];
            let got = run_plan(db, plan, &params, &[Kind::Int], strategy).await;
            let got = match got {
                Ok(rows) => rows.into_iter().next().and_then(|row| match row[0] {
                    Value::Int(n) => Some(n),
                    _ => None,
                }),
                Err(error) => {
                    assert!(
                        error.contains("overflow") || error.contains("out of range"),
                        "{} with {strategy:?}, author {id}: {error}",
                        name(db)
                    );
                    None
                }
            };
            assert_eq!(got, sum, "{} with {strategy:?}, author {id}", name(db));
        }
    }
}

#[tokio::test]
async fn integer_sums_widen_to_i64_and_overflow_is_an_error() {
    let dbs = load("existing_sums").await;
    let bytes = sums(|b| i128::from(b.2));
    let downloads = sums(|b| i128::from(b.3));
    assert!(bytes
        .iter()
        .any(|(_, s)| s.is_some_and(|s| s > i64::from(i32::MAX))));
    assert!(bytes
        .iter()
        .any(|(_, s)| s.is_some_and(|s| s < i64::from(i32::MIN))));
    assert_eq!(downloads.iter().filter(|(_, s)| s.is_none()).count(), 2);
    for db in &dbs {
        let rows = fetch_all!(
            db,
            query!(from Author select id, sum(books.size_bytes) as bytes order by id)
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let got: Vec<(i32, Option<i64>)> = rows.iter().map(|r| (r.id, Some(r.bytes))).collect();
        assert_eq!(got, bytes, "{}", name(db));

        for &(id, want) in &downloads {
            let got = fetch_all!(
                db,
                query!(from Author select id, sum(books.downloads) as downloads where id = {id})
            );
            match (got, want) {
                (Ok(rows), Some(want)) => assert_eq!(rows[0].downloads, want, "{}", name(db)),
                (Err(error), None) => {
                    let error = error.to_string();
                    assert!(
                        error.contains("overflow") || error.contains("out of range"),
                        "{}: {error}",
                        name(db)
                    );
                }
                (got, want) => panic!("{}, author {id}: {got:?} for {want:?}", name(db)),
            }
        }

        let one =
            |id: i32| query!(from Author select sum(books.size_bytes) as bytes where id = {id});
        every_strategy(db, &one(0).plan(), &bytes).await;
        let one =
            |id: i32| query!(from Author select sum(books.downloads) as downloads where id = {id});
        every_strategy(db, &one(0).plan(), &downloads).await;
    }
    drop_databases(dbs).await;
}

/// Sums in a collection (carried as JSON on SQLite), over joined rows and
/// over the whole table widen and overflow alike.
#[tokio::test]
async fn sums_widen_in_collections_joins_and_whole_tables() {
    let dbs = load("existing_sum_shapes").await;
    let bytes = sums(|b| i128::from(b.2));
    let of = |author: i32| bytes.iter().find(|s| s.0 == author).and_then(|s| s.1);
    #[derive(Debug, PartialEq)]
    struct Bytes {
        id: i32,
        bytes: i64,
    }
    for db in &dbs {
        let publishers = fetch_all!(
            db,
            query!(
                from Publisher
                select id, authors { id, sum(books.size_bytes) as bytes order by id } as authors
                order by id
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        for publisher in &publishers {
            let want: Vec<(i32, Option<i64>)> = AUTHORS
                .iter()
                .filter(|a| a.1 == Some(publisher.id))
                .map(|a| (a.0, of(a.0)))
                .collect();
            let got: Vec<(i32, Option<i64>)> = publisher
                .authors
                .iter()
                .map(|a| (a.id, Some(a.bytes)))
                .collect();
            assert_eq!(got, want, "{}", name(db));
        }

        let joined = fetch_all!(
            db,
            query_as!(
                Bytes,
                from Author a join a.books b
                select a.id, sum(b.size_bytes) as bytes
                group by a.id
                order by a.id
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want: Vec<Bytes> = bytes
            .iter()
            .filter(|s| BOOKS.iter().any(|b| b.1 == s.0))
            .filter_map(|&(id, bytes)| Some(Bytes { id, bytes: bytes? }))
            .collect();
        assert_eq!(joined, want, "{}", name(db));

        let total = fetch_all!(db, query!(from Book select sum(size_bytes) as bytes))
            .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want: i64 = BOOKS.iter().map(|b| i64::from(b.2)).sum();
        assert_eq!(total[0].bytes, want, "{}", name(db));

        let positive = fetch_all!(
            db,
            query!(from Book select sum(downloads) as downloads where downloads > {0_i64})
        );
        assert!(
            positive.as_ref().is_err_and(|e| {
                let e = e.to_string();
                e.contains("overflow") || e.contains("out of range")
            }),
            "{}: {positive:?}",
            name(db)
        );
    }
    drop_databases(dbs).await;
}
