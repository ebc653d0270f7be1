//! `verify!` against schemas written by hand on every database: one that
//! matches its models (nothing to report), and deliberately wrong ones,
//! one mismatch of each kind, each reported in the model's terms.

use fanless::{verify, Mismatch, Model};
use fanless_tests::{connect, drop_databases, execute, name, Db};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "vf_shop", has_many(items = Item))]
struct Shop {
    #[model(primary_key)]
    id: i64,
    name: String,
    note: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "vf_item")]
struct Item {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Shop))]
    shop_id: i64,
    price: f64,
}

/// A table that is not there.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "vf_ghost")]
struct Ghost {
    #[model(primary_key)]
    id: i64,
}

/// `vf_wrong`: `label` is missing, `count` holds text, `maybe` may hold
/// `NULL`, `always` never does, and the key is `code`.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "vf_wrong")]
struct Wrong {
    #[model(primary_key)]
    id: i64,
    label: String,
    count: i64,
    maybe: String,
    always: Option<String>,
}

fn tables(db: &Db) -> [&'static str; 4] {
    match db {
        Db::Sqlite(_) => [
            "CREATE TABLE vf_shop (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT NULL)",
            "CREATE TABLE vf_item (id INTEGER PRIMARY KEY, shop_id INTEGER NOT NULL, price REAL NOT NULL)",
            "CREATE INDEX vf_item_shop ON vf_item (shop_id)",
            "CREATE TABLE vf_wrong (id INTEGER NOT NULL, code TEXT PRIMARY KEY, count TEXT NOT NULL, maybe TEXT NULL, always TEXT NOT NULL)",
        ],
        Db::Postgres(..) => [
            "CREATE TABLE vf_shop (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT NULL)",
            "CREATE TABLE vf_item (id BIGINT PRIMARY KEY, shop_id BIGINT NOT NULL REFERENCES vf_shop (id), price DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX vf_item_shop ON vf_item (shop_id)",
            "CREATE TABLE vf_wrong (id BIGINT NOT NULL, code TEXT PRIMARY KEY, count TEXT NOT NULL, maybe TEXT NULL, always TEXT NOT NULL)",
        ],
        Db::MySql(..) => [
            "CREATE TABLE vf_shop (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, note VARCHAR(100) NULL)",
            "CREATE TABLE vf_item (id BIGINT PRIMARY KEY, shop_id BIGINT NOT NULL, price DOUBLE NOT NULL)",
            "CREATE INDEX vf_item_shop ON vf_item (shop_id)",
            "CREATE TABLE vf_wrong (id BIGINT NOT NULL, code VARCHAR(20) PRIMARY KEY, count VARCHAR(20) NOT NULL, maybe VARCHAR(20) NULL, always VARCHAR(20) NOT NULL)",
        ],
    }
}

macro_rules! verified {
    ($db:expr, $($model:ty),+) => {
        match $db {
            Db::Sqlite(pool) => verify!(pool, $($model),+),
            Db::Postgres(pool, _) => verify!(pool, $($model),+),
            Db::MySql(pool, _) => verify!(pool, $($model),+),
        }
        .unwrap_or_else(|e| panic!("{}: {e}", name($db)))
    };
}

#[tokio::test]
async fn verify_finds_nothing_on_a_matching_schema_and_each_mismatch_on_wrong_ones() {
    let dbs = connect("verify").await;
    for db in &dbs {
        let what = name(db);
        for statement in tables(db) {
            execute(db, statement).await;
        }
        let found = verified!(db, Shop, Item);
        assert_eq!(found, [], "a matching schema on {what}");
        // On a connection and in a transaction too.
        macro_rules! on_connection {
            ($pool:expr) => {{
                let mut conn = $pool.acquire().await.unwrap();
                let on_conn = verify!(&mut *conn, Shop, Ghost, Item).unwrap();
                drop(conn);
                let mut tx = $pool.begin().await.unwrap();
                // A missing table first: the transaction goes on.
                let in_tx = verify!(&mut *tx, Ghost, Shop, Item).unwrap();
                tx.rollback().await.unwrap();
                (on_conn, in_tx)
            }};
        }
        let (on_conn, in_tx) = match db {
            Db::Sqlite(pool) => on_connection!(pool),
            Db::Postgres(pool, _) => on_connection!(pool),
            Db::MySql(pool, _) => on_connection!(pool),
        };
        for found in [on_conn, in_tx] {
            assert!(
                matches!(found.as_slice(), [Mismatch::Table { model: "Ghost", .. }]),
                "{what}: {found:#?}"
            );
        }

        let found = verified!(db, Ghost);
        assert!(
            matches!(
                found.as_slice(),
                [Mismatch::Table {
                    model: "Ghost",
                    table: "vf_ghost",
                    ..
                }]
            ),
            "{what}: {found:#?}"
        );

        let found = verified!(db, Wrong);
        let has = |want: &Mismatch| found.contains(want);
        assert!(
            has(&Mismatch::Column {
                model: "Wrong",
                column: "label"
            }),
            "a missing column on {what}: {found:#?}"
        );
        assert!(
            found.iter().any(|m| matches!(
                m,
                Mismatch::Type {
                    column: "count",
                    rust: "i64",
                    ..
                }
            )),
            "a type on {what}: {found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|m| matches!(m, Mismatch::PrimaryKey { found, .. } if found == &["code"])),
            "a primary key on {what}: {found:#?}"
        );
        assert!(
            has(&Mismatch::Nullability {
                model: "Wrong",
                column: "maybe",
                nullable: true
            }) && has(&Mismatch::Nullability {
                model: "Wrong",
                column: "always",
                nullable: false
            }),
            "nullability both ways on {what}: {found:#?}"
        );
        let messages: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert!(
            messages.iter().all(|m| m.starts_with("`Wrong")),
            "{what}: {messages:#?}"
        );

        // The foreign key's index dropped.
        let drop = match db {
            Db::MySql(..) => "DROP INDEX vf_item_shop ON vf_item",
            Db::Sqlite(_) | Db::Postgres(..) => "DROP INDEX vf_item_shop",
        };
        execute(db, drop).await;
        let found = verified!(db, Shop, Item);
        assert!(
            matches!(found.as_slice(), [Mismatch::Index(missing)] if missing.column == "shop_id"),
            "a missing index on {what}: {found:#?}"
        );
    }
    drop_databases(dbs).await;
}
