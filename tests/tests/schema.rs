//! Tables from models, and the check for foreign keys without an index, on
//! each database.

use fanless::{missing_indexes, MissingIndex, Model};
use fanless_tests::library::{self, BookAuthor};
use fanless_tests::{
    connect, databases, drop_databases, execute, name, Badge, Db, Department, Employee, Store,
};

/// A table created by hand, without the index its foreign key needs.
#[derive(Model, Debug)]
#[allow(dead_code)]
#[model(table = "loose_shelf")]
struct Shelf {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store))]
    store_id: i64,
    #[model(belongs_to(Department, indexed = false))]
    department_id: i64,
}

/// A table created by hand whose unique key has only a plain index.
#[derive(Model, Debug)]
#[allow(dead_code)]
#[model(table = "loose_tag")]
struct Tag {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Employee, unique))]
    employee_id: i64,
}

macro_rules! missing {
    ($db:expr, $model:ty) => {
        match $db {
            Db::Sqlite(pool) => missing_indexes::<$model, _, _>(pool).await,
            Db::Postgres(pool, _) => missing_indexes::<$model, _, _>(pool).await,
            Db::MySql(pool, _) => missing_indexes::<$model, _, _>(pool).await,
        }
        .unwrap()
    };
}

#[tokio::test]
async fn created_tables_have_their_foreign_key_indexes() {
    let dbs = databases("schema_created").await;
    for db in &dbs {
        assert_eq!(missing!(db, Store), [], "{}", name(db));
        assert_eq!(missing!(db, Department), [], "{}", name(db));
        assert_eq!(missing!(db, Employee), [], "{}", name(db));
        assert_eq!(missing!(db, Badge), [], "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_missing_index_is_named_with_the_statement_that_creates_it() {
    let dbs = databases("schema_missing").await;
    for db in &dbs {
        let quote = if matches!(db, Db::MySql(..)) {
            '`'
        } else {
            '"'
        };
        let q = |name: &str| format!("{quote}{name}{quote}");
        execute(
            db,
            &format!(
                "CREATE TABLE {} ({} BIGINT PRIMARY KEY, {} BIGINT NOT NULL, {} BIGINT NOT NULL)",
                q("loose_shelf"),
                q("id"),
                q("store_id"),
                q("department_id")
            ),
        )
        .await;
        let found = missing!(db, Shelf);
        let create = format!(
            "CREATE INDEX {} ON {} ({})",
            q("loose_shelf_store_id_idx"),
            q("loose_shelf"),
            q("store_id")
        );
        // `department_id` is declared `indexed = false`: not reported.
        assert_eq!(
            found,
            [MissingIndex {
                table: "loose_shelf",
                column: "store_id",
                relation: "store",
                unique: false,
                create: create.clone(),
            }],
            "{}",
            name(db)
        );
        assert!(found[0].to_string().ends_with(&create), "{}", found[0]);
        execute(db, &found[0].create).await;
        assert_eq!(missing!(db, Shelf), [], "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_unique_key_needs_a_unique_index() {
    let dbs = databases("schema_unique").await;
    for db in &dbs {
        let ddl = match db {
            Db::Sqlite(_) => Tag::create_table::<sqlx::Sqlite>(),
            Db::Postgres(..) => Tag::create_table::<sqlx::Postgres>(),
            Db::MySql(..) => Tag::create_table::<sqlx::MySql>(),
        };
        assert!(
            ddl[1].starts_with("CREATE UNIQUE INDEX"),
            "{}: {ddl:?}",
            name(db)
        );
        execute(
            db,
            "CREATE TABLE loose_tag (id BIGINT PRIMARY KEY, employee_id BIGINT NOT NULL)",
        )
        .await;
        execute(
            db,
            "CREATE INDEX loose_tag_plain ON loose_tag (employee_id)",
        )
        .await;
        let found = missing!(db, Tag);
        assert_eq!(found.len(), 1, "{}", name(db));
        assert!(
            found[0].unique && found[0].create == ddl[1],
            "{}: {found:?}",
            name(db)
        );
        assert!(
            found[0].to_string().contains("no unique index"),
            "{}",
            found[0]
        );
        execute(db, &found[0].create).await;
        assert_eq!(missing!(db, Tag), [], "{}", name(db));
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_composite_key_keeps_one_row_per_key_and_its_foreign_keys_indexed() {
    let dbs = connect("schema_composite").await;
    for db in &dbs {
        library::create(db).await;
        assert_eq!(missing!(db, BookAuthor), [], "{}", name(db));
        let q = |name: &str| match db {
            Db::MySql(..) => format!("`{name}`"),
            _ => format!("\"{name}\""),
        };
        let insert = |share: f64| {
            format!(
                "INSERT INTO {} ({}, {}, {}) VALUES (1, 1, {share})",
                q("lib_book_author"),
                q("book_id"),
                q("author_id"),
                q("share")
            )
        };
        execute(
            db,
            &format!(
                "INSERT INTO {} VALUES (1, NULL, 'p', NULL)",
                q("lib_publisher")
            ),
        )
        .await;
        execute(
            db,
            &format!(
                "INSERT INTO {} VALUES (1, NULL, 'a', NULL)",
                q("lib_author")
            ),
        )
        .await;
        execute(
            db,
            &format!(
                "INSERT INTO {} VALUES (1, 1, NULL, 't', 1.0, NULL, NULL, TRUE)",
                q("lib_book")
            ),
        )
        .await;
        execute(db, &insert(0.5)).await;
        let second = match db {
            Db::Sqlite(pool) => sqlx::raw_sql(&insert(0.25)).execute(pool).await.map(drop),
            Db::Postgres(pool, _) => sqlx::raw_sql(&insert(0.25)).execute(pool).await.map(drop),
            Db::MySql(pool, _) => sqlx::raw_sql(&insert(0.25)).execute(pool).await.map(drop),
        };
        assert!(second.is_err(), "{}: a second row of one key", name(db));
    }
    drop_databases(dbs).await;
}
