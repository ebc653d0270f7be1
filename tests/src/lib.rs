//! Shared models, data and database connections of the integration suite.
//!
//! Every scenario runs on SQLite (embedded, in memory), and on PostgreSQL and
//! MariaDB/MySQL when `FANLESS_PG_URL` and `FANLESS_MYSQL_URL` are set. With
//! `FANLESS_REQUIRE_DBS=1` a missing URL or server is a failure, not a skip.
//! Each test works in a schema (PostgreSQL) or database (MySQL) of its own,
//! named after the test and the run, and drops it when done; leftovers of a
//! killed run are dropped by later runs once they are an hour old.

use std::time::{SystemTime, UNIX_EPOCH};

use fanless::Model;
use sqlx::{MySqlPool, PgPool, Row, SqlitePool};

use fanless::__private::{
    carried, json_keys, json_list, length_class, render_shaped, DialectKind, ListForm, Plan, Shape,
    Strategy,
};

use crate::generate::Kinds;
use crate::library::Kind;
use crate::reference::Value;

pub mod data;
pub mod generate;
pub mod library;
pub mod reference;

pub use fanless_fixtures::seed::*;

/// A pool of one of the three databases.
#[derive(Debug, Clone)]
pub enum Db {
    /// Embedded SQLite, in memory.
    Sqlite(SqlitePool),
    /// PostgreSQL, in a schema of the test's own.
    Postgres(PgPool, String),
    /// MySQL or MariaDB, in a database of the test's own.
    MySql(MySqlPool, String),
}

/// Runs a `fanless` query on whichever database `db` is.
#[macro_export]
macro_rules! fetch_all {
    ($db:expr, $query:expr) => {{
        let query = $query;
        match $db {
            $crate::Db::Sqlite(pool) => query.fetch_all(pool).await,
            $crate::Db::Postgres(pool, _) => query.fetch_all(pool).await,
            $crate::Db::MySql(pool, _) => query.fetch_all(pool).await,
        }
    }};
}

/// The ids of the rows a query returned on a database named `what`.
pub fn ids_of<R>(
    rows: Result<Vec<R>, sqlx::Error>,
    id: impl Fn(&R) -> i64,
    what: &str,
) -> Vec<i64> {
    rows.expect(what).iter().map(id).collect()
}

/// Which database `db` is, for assertion messages.
pub fn name(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => "sqlite",
        Db::Postgres(..) => "postgres",
        Db::MySql(..) => "mysql",
    }
}

/// Connects to every database available, each isolated for `test`, and
/// creates the schema of the models in each.
pub async fn databases(test: &str) -> Vec<Db> {
    let dbs = connect(test).await;
    for db in &dbs {
        create_schema(db).await;
    }
    dbs
}

/// Connects to every database available, each isolated for `test`, with
/// no tables yet.
pub async fn connect(test: &str) -> Vec<Db> {
    let require = std::env::var("FANLESS_REQUIRE_DBS").is_ok_and(|v| v == "1");
    let mut dbs = vec![Db::Sqlite(sqlite().await)];
    match std::env::var("FANLESS_PG_URL") {
        Ok(url) => dbs.push(postgres(&url, test).await),
        Err(_) if require => panic!("FANLESS_REQUIRE_DBS=1 but FANLESS_PG_URL is not set"),
        Err(_) => {}
    }
    match std::env::var("FANLESS_MYSQL_URL") {
        Ok(url) => dbs.push(mysql(&url, test).await),
        Err(_) if require => panic!("FANLESS_REQUIRE_DBS=1 but FANLESS_MYSQL_URL is not set"),
        Err(_) => {}
    }
    dbs
}

/// Drops what `databases` created on the servers.
pub async fn drop_databases(dbs: Vec<Db>) {
    for db in dbs {
        match db {
            Db::Sqlite(_) => {}
            Db::Postgres(pool, schema) => {
                exec_pg(
                    &pool,
                    &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
                )
                .await;
                pool.close().await;
            }
            Db::MySql(pool, database) => {
                exec_mysql(&pool, &format!("DROP DATABASE IF EXISTS `{database}`")).await;
                pool.close().await;
            }
        }
    }
}

async fn sqlite() -> SqlitePool {
    // One connection: every connection to `:memory:` is a database of its own.
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("open an in-memory SQLite database")
}

/// `fanless_<seconds since the epoch>_<pid>_<test>`: unique per run and
/// test, and datable for the clean-up of killed runs.
fn isolated_name(test: &str) -> String {
    format!("fanless_{}_{}_{test}", now(), std::process::id())
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Whether `name` was made by `isolated_name` over an hour ago.
fn is_stale(name: &str) -> bool {
    name.strip_prefix("fanless_")
        .and_then(|rest| rest.split('_').next())
        .and_then(|secs| secs.parse::<u64>().ok())
        .is_some_and(|secs| secs + 3600 < now())
}

async fn postgres(url: &str, test: &str) -> Db {
    let admin = PgPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to PostgreSQL at FANLESS_PG_URL: {e}"));
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'fanless\\_%'",
    )
    .fetch_all(&admin)
    .await
    .expect("list schemas");
    for schema in stale.iter().filter(|s| is_stale(s)) {
        exec_pg(
            &admin,
            &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
        )
        .await;
    }
    let schema = isolated_name(test);
    exec_pg(&admin, &format!("CREATE SCHEMA \"{schema}\"")).await;
    admin.close().await;
    let options: sqlx::postgres::PgConnectOptions = url.parse().expect("a PostgreSQL URL");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.options([("search_path", schema.as_str())]))
        .await
        .expect("connect to PostgreSQL");
    Db::Postgres(pool, schema)
}

async fn mysql(url: &str, test: &str) -> Db {
    let admin = MySqlPool::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect to MySQL at FANLESS_MYSQL_URL: {e}"));
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(schema_name AS CHAR) FROM information_schema.schemata WHERE schema_name LIKE 'fanless\\_%'",
    )
    .fetch_all(&admin)
    .await
    .expect("list databases");
    for database in stale.iter().filter(|s| is_stale(s)) {
        exec_mysql(&admin, &format!("DROP DATABASE IF EXISTS `{database}`")).await;
    }
    let database = isolated_name(test);
    exec_mysql(&admin, &format!("CREATE DATABASE `{database}`")).await;
    admin.close().await;
    let options: sqlx::mysql::MySqlConnectOptions = url.parse().expect("a MySQL URL");
    let pool = sqlx::mysql::MySqlPoolOptions::new()
        .max_connections(2)
        .connect_with(options.database(&database))
        .await
        .expect("connect to MySQL");
    Db::MySql(pool, database)
}

async fn exec_pg(pool: &PgPool, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn exec_mysql(pool: &MySqlPool, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Runs `sql` (one statement) on `db`.
pub async fn execute(db: &Db, sql: &str) {
    let result = match db {
        Db::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        Db::Postgres(pool, _) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        Db::MySql(pool, _) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
    };
    result.unwrap_or_else(|e| panic!("{} rejected {sql}: {e}", name(db)));
}

/// The tables of the test models, from `Model::create_table`, in an order
/// where each foreign key's table exists first.
pub fn schema(db: &Db) -> Vec<String> {
    macro_rules! tables {
        ($db:ty) => {
            [
                Store::create_table::<$db>(),
                Department::create_table::<$db>(),
                Employee::create_table::<$db>(),
                Product::create_table::<$db>(),
                Badge::create_table::<$db>(),
                Order::create_table::<$db>(),
            ]
            .concat()
        };
    }
    match db {
        Db::Sqlite(_) => tables!(sqlx::Sqlite),
        Db::Postgres(..) => tables!(sqlx::Postgres),
        Db::MySql(..) => tables!(sqlx::MySql),
    }
}

async fn create_schema(db: &Db) {
    for statement in schema(db) {
        execute(db, &statement).await;
    }
}

/// Connects to every database available for `test` and inserts the
/// generated rows into each.
pub async fn setup(test: &str) -> (Vec<Db>, data::Data) {
    let dbs = databases(test).await;
    let data = data::Data::generate();
    for db in &dbs {
        data.insert(db).await;
    }
    (dbs, data)
}

/// Whether two optional floats are equal up to rounding.
pub fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        (a, b) => a == b,
    }
}

/// The mean of `values`; `None` when empty, as SQL's `AVG`.
pub fn avg(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The seed tables declared with unindexed foreign keys, so that queries
/// over them take the derived-table strategies.
pub mod unindexed {
    use fanless::Model;

    /// `shop_store`.
    #[derive(Model, Debug)]
    #[model(table = "shop_store")]
    #[model(has_many(departments = Department))]
    #[model(has_many(products = Product))]
    pub struct Store {
        #[model(primary_key)]
        pub id: i64,
        pub name: String,
    }

    /// `shop_department`.
    #[derive(Model, Debug)]
    #[model(table = "shop_department")]
    #[model(has_many(employees = Employee))]
    pub struct Department {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Store, indexed = false))]
        pub store_id: i64,
        pub name: String,
    }

    /// `shop_employee`.
    #[derive(Model, Debug)]
    #[model(table = "shop_employee")]
    pub struct Employee {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Department, indexed = false))]
        pub department_id: i64,
        #[model(belongs_to(manager = Employee, indexed = false))]
        pub manager_id: Option<i64>,
        pub name: String,
        pub salary: i64,
    }

    /// `shop_product`.
    #[derive(Model, Debug)]
    #[model(table = "shop_product")]
    pub struct Product {
        #[model(primary_key)]
        pub id: i64,
        #[model(belongs_to(Store, indexed = false))]
        pub store_id: i64,
        pub name: String,
        pub price: f64,
        pub discontinued: bool,
    }
}

/// Runs `sql` on `db` with `params` bound in order, decoding each row's
/// columns as `kinds` say.
pub async fn fetch_values(
    db: &Db,
    sql: &str,
    params: &[&(Kind, Value)],
    kinds: &[Kind],
) -> Result<Vec<Vec<Value>>, sqlx::Error> {
    // A list is bound as PostgreSQL's array; elsewhere `run_plan` has
    // spread it into its elements or a JSON array.
    macro_rules! list {
        (array, $query:expr, Int, $items:expr) => {
            $query.bind(integers($items))
        };
        (array, $query:expr, Text, $items:expr) => {
            $query.bind(texts($items))
        };
        (spread, $query:expr, $kind:ident, $items:expr) => {
            panic!("a list of {} left unspread", $items.len())
        };
    }
    macro_rules! run {
        ($pool:expr, $lists:ident) => {{
            let mut query = sqlx::query(sql);
            for (kind, value) in params {
                query = match (kind, value) {
                    (Kind::Int, Value::List(items)) => list!($lists, query, Int, items),
                    (Kind::Text, Value::List(items)) => list!($lists, query, Text, items),
                    (Kind::Int, Value::Int(n)) => query.bind(*n),
                    (Kind::Float, Value::Float(x)) => query.bind(*x),
                    (Kind::Text, Value::Text(s)) => query.bind(s.clone()),
                    (Kind::Bool, Value::Bool(b)) => query.bind(*b),
                    (Kind::Int, Value::Null) => query.bind(None::<i64>),
                    (Kind::Float, Value::Null) => query.bind(None::<f64>),
                    (Kind::Text, Value::Null) => query.bind(None::<String>),
                    (Kind::Bool, Value::Null) => query.bind(None::<bool>),
                    (kind, value) => panic!("a {kind:?} parameter of {value:?}"),
                };
            }
            let rows = query.fetch_all($pool).await?;
            let mut out = Vec::new();
            for row in rows {
                let mut values = Vec::new();
                for (i, kind) in kinds.iter().enumerate() {
                    values.push(match kind {
                        // An `integer` column of another program's
                        // schema reads as fanless reads it, widened.
                        Kind::Int => row
                            .try_get::<Option<i64>, _>(i)
                            .or_else(|_| row.try_get::<Option<i32>, _>(i).map(|v| v.map(i64::from)))
                            .or_else(|_| {
                                row.try_get::<Option<i16>, _>(i).map(|v| v.map(i64::from))
                            })?
                            .map_or(Value::Null, Value::Int),
                        Kind::Float => row
                            .try_get::<Option<f64>, _>(i)?
                            .map_or(Value::Null, Value::Float),
                        // sqlx calls MySQL's binary text `VARBINARY`.
                        Kind::Text => row
                            .try_get_unchecked::<Option<String>, _>(i)?
                            .map_or(Value::Null, Value::Text),
                        Kind::Bool => row
                            .try_get::<Option<bool>, _>(i)?
                            .map_or(Value::Null, Value::Bool),
                    });
                }
                out.push(values);
            }
            Ok(out)
        }};
    }
    match db {
        Db::Sqlite(pool) => run!(pool, spread),
        Db::Postgres(pool, _) => run!(pool, array),
        Db::MySql(pool, _) => run!(pool, spread),
    }
}

/// The elements of a text list parameter.
fn texts(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Value::Text(text) => text.clone(),
            other => panic!("a text list holding {other:?}"),
        })
        .collect()
}

/// The elements of an integer list parameter.
fn integers(items: &[Value]) -> Vec<i64> {
    items
        .iter()
        .map(|item| match item {
            Value::Int(n) => *n,
            other => panic!("an integer list holding {other:?}"),
        })
        .collect()
}

/// The renderer of `db`.
pub fn dialect(db: &Db) -> DialectKind {
    match db {
        Db::Sqlite(_) => DialectKind::Sqlite,
        Db::Postgres(..) => DialectKind::Postgres,
        Db::MySql(..) => DialectKind::MySql,
    }
}

/// Renders `plan` for `db` with `strategy`, binds `params` as the text
/// uses them (each once, as `query!`'s arguments are), and decodes the rows
/// as `kinds` say. The error carries the SQL.
pub async fn run_plan(
    db: &Db,
    plan: &Plan,
    params: &[(Kind, Value)],
    kinds: &[Kind],
    strategy: Strategy,
) -> Result<Vec<Vec<Value>>, String> {
    // Integer lists as `query!` binds them: PostgreSQL's array; else one
    // JSON array when long, one value per placeholder (the last repeated
    // up to the length class) when not.
    let postgres = dialect(db) == DialectKind::Postgres;
    let mut shape = Shape::default();
    let mut spread: Vec<Vec<(Kind, Value)>> = Vec::new();
    for (i, (kind, value)) in params.iter().enumerate() {
        if *value == Value::Absent {
            shape.absent.push(i);
        }
        let items = match value {
            Value::List(items) if !postgres => items,
            _ => {
                spread.push(vec![(*kind, value.clone())]);
                continue;
            }
        };
        // A collection's parent keys keep their placeholders longer.
        let keys = plan.parent.as_ref().is_some_and(|parent| parent.keys == i);
        // Only integers travel as a JSON array.
        let json = match keys {
            _ if *kind != Kind::Int => false,
            true => json_keys(dialect(db), items.len()),
            false => json_list(dialect(db), items.len()),
        };
        if json {
            let numbers: Vec<String> = integers(items).iter().map(ToString::to_string).collect();
            shape.lists.push((i, ListForm::Json));
            spread.push(vec![(
                Kind::Text,
                Value::Text(format!("[{}]", numbers.join(","))),
            )]);
            continue;
        }
        let class = length_class(items.len());
        shape.lists.push((i, ListForm::Placeholders(class)));
        let padding = items.last().into_iter().cycle().take(class - items.len());
        spread.push(
            items
                .iter()
                .chain(padding)
                .map(|item| (*kind, item.clone()))
                .collect(),
        );
    }
    let rendered = render_shaped(plan, dialect(db), strategy, &shape);
    let mut seen = rendered.order.clone();
    seen.sort_unstable();
    if seen.windows(2).any(|w| w[0] == w[1]) {
        return Err(format!("a parameter is bound twice: {}", rendered.sql));
    }
    let bound: Vec<&(Kind, Value)> = rendered.order.iter().flat_map(|&n| &spread[n]).collect();
    fetch_values(db, &rendered.sql, &bound, kinds)
        .await
        .map_err(|e| format!("{e}\nSQL: {}", rendered.sql))
}

/// Runs `plan` with `params` on `db` in every strategy of its dialect, and
/// asserts that each returns, in order, what the reference evaluator
/// answers on `data`.
pub async fn agrees_with_reference(
    db: &Db,
    plan: &Plan,
    params: &[(Kind, Value)],
    kinds: &[Kind],
    data: &reference::Dataset,
) {
    let values: Vec<Value> = params.iter().map(|p| p.1.clone()).collect();
    let want = reference::evaluate(plan, data, &values);
    assert!(!want.is_empty(), "the reference returns no row");
    for &strategy in Strategy::all(dialect(db)) {
        let got = run_plan(db, plan, params, kinds, strategy)
            .await
            .unwrap_or_else(|e| panic!("{} with {strategy:?}: {e}", name(db)));
        assert!(
            reference::same_rows(&got, &want, true),
            "{} with {strategy:?}: {got:?} against {want:?}",
            name(db)
        );
    }
}

/// [`run_plan`] for a plan with collections: its rows, then each
/// collection's for all of them, their keys bound as one list argument
/// past `params` (as `query!` binds them); each row's collections follow
/// its columns, one [`Value::Rows`] each, matched here by key. A collection
/// carried as JSON comes in a column of its parents' statement, read here
/// with `serde_json`.
pub async fn run_tree(
    db: &Db,
    plan: &Plan,
    params: &[(Kind, Value)],
    kinds: &[Kind],
    collections: &[Kinds],
    strategy: Strategy,
) -> Result<Vec<Vec<Value>>, String> {
    let Taken {
        mut rows,
        keys,
        json,
        ..
    } = run_level(db, plan, params, kinds, strategy).await?;
    let level = Level {
        db,
        plan,
        params,
        collections,
        strategy,
    };
    attach(level, &mut rows, &keys, &json).await?;
    Ok(rows)
}

/// The rows of one statement of a plan with collections, their columns
/// apart from what follows them.
struct Taken {
    rows: Vec<Vec<Value>>,
    /// A collection's rows: each one's parent's key.
    parents: Vec<Value>,
    /// Rows with collections: each one's own key.
    keys: Vec<Value>,
    /// Each row's carried collections, as JSON text.
    json: Vec<Vec<Value>>,
}

/// [`run_plan`] for one level of a plan with collections, whose columns
/// are `kinds`; then, as the renderer writes them, its parent's key, its
/// own key and its carried collections' JSON.
async fn run_level(
    db: &Db,
    plan: &Plan,
    params: &[(Kind, Value)],
    kinds: &[Kind],
    strategy: Strategy,
) -> Result<Taken, String> {
    let carried = carried_of(db, plan);
    let child = plan.parent.is_some();
    let keyed = !plan.collections.is_empty();
    let mut columns = kinds.to_vec();
    columns.extend(child.then_some(Kind::Int));
    columns.extend(keyed.then_some(Kind::Int));
    columns.extend(carried.iter().filter(|c| **c).map(|_| Kind::Text));
    let mut rows = run_plan(db, plan, params, &columns, strategy).await?;
    let count = carried.iter().filter(|c| **c).count();
    let json = rows
        .iter_mut()
        .map(|row| row.split_off(row.len().saturating_sub(count)))
        .collect();
    let mut last = |taken: bool| -> Vec<Value> {
        match taken {
            true => rows.iter_mut().filter_map(Vec::pop).collect(),
            false => Vec::new(),
        }
    };
    let keys = last(keyed);
    let parents = last(child);
    Ok(Taken {
        rows,
        parents,
        keys,
        json,
    })
}

/// Which collections of `plan` come as JSON in its statement on `db`.
fn carried_of(db: &Db, plan: &Plan) -> Vec<bool> {
    plan.collections
        .iter()
        .map(|collection| carried(collection, dialect(db)))
        .collect()
}

/// A level of a plan with collections, as [`attach`] reads it.
#[derive(Clone, Copy)]
struct Level<'a> {
    db: &'a Db,
    plan: &'a Plan,
    params: &'a [(Kind, Value)],
    collections: &'a [Kinds],
    strategy: Strategy,
}

/// Appends to each of `rows`, whose keys are `keys` and whose carried
/// collections' JSON is `json`, the rows of each collection of `plan`.
fn attach<'a>(
    level: Level<'a>,
    rows: &'a mut [Vec<Value>],
    keys: &'a [Value],
    json: &'a [Vec<Value>],
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + 'a>> {
    Box::pin(async move {
        let Level {
            db,
            plan,
            params,
            collections,
            strategy,
        } = level;
        let carried = carried_of(db, plan);
        let mut next_json = 0;
        for ((collection, kinds), carried) in plan.collections.iter().zip(collections).zip(carried)
        {
            if carried {
                for (row, texts) in rows.iter_mut().zip(json) {
                    let rows = match texts.get(next_json) {
                        Some(Value::Text(text)) => from_json(text, kinds)?,
                        other => {
                            return Err(format!("no JSON for `{}`: {other:?}", collection.name))
                        }
                    };
                    row.push(Value::Rows(rows));
                }
                next_json += 1;
                continue;
            }
            let mut unique: Vec<Value> = Vec::new();
            for key in keys {
                if !unique.contains(key) {
                    unique.push(key.clone());
                }
            }
            let mut children = Vec::new();
            let mut parents = Vec::new();
            if !unique.is_empty() {
                let mut all = params.to_vec();
                all.push((Kind::Int, Value::List(unique)));
                let Taken {
                    rows: mut got,
                    parents: theirs,
                    keys: own,
                    json,
                } = run_level(db, &collection.plan, &all, &kinds.columns, strategy).await?;
                parents = theirs;
                let level = Level {
                    plan: &collection.plan,
                    collections: &kinds.collections,
                    ..level
                };
                attach(level, &mut got, &own, &json).await?;
                children = got;
            }
            for (row, key) in rows.iter_mut().zip(keys) {
                let mine: Vec<Vec<Value>> = children
                    .iter()
                    .zip(&parents)
                    .filter(|(_, parent)| *parent == key)
                    .map(|(child, _)| child.clone())
                    .collect();
                row.push(Value::Rows(mine));
            }
        }
        Ok(())
    })
}

/// The rows of a collection carried as JSON: each an array of its columns
/// as `kinds` say, then of its collections.
fn from_json(text: &str, kinds: &Kinds) -> Result<Vec<Vec<Value>>, String> {
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{e}: {text}"))?;
    rows_of_json(&json, kinds).ok_or_else(|| format!("JSON that is no rows of {kinds:?}: {text}"))
}

fn rows_of_json(json: &serde_json::Value, kinds: &Kinds) -> Option<Vec<Vec<Value>>> {
    json.as_array()?
        .iter()
        .map(|row| {
            let values = row.as_array()?;
            let (columns, collections) = values.split_at_checked(kinds.columns.len())?;
            let mut out = Vec::new();
            for (value, kind) in columns.iter().zip(&kinds.columns) {
                out.push(match (kind, value) {
                    (_, serde_json::Value::Null) => Value::Null,
                    (Kind::Int, value) => Value::Int(value.as_i64()?),
                    // 17 digits as text, or a number.
                    (Kind::Float, serde_json::Value::String(digits)) => {
                        Value::Float(digits.parse().ok()?)
                    }
                    (Kind::Float, value) => Value::Float(value.as_f64()?),
                    (Kind::Text, value) => Value::Text(value.as_str()?.to_owned()),
                    (Kind::Bool, value) => Value::Bool(value.as_i64()? != 0),
                });
            }
            if collections.len() != kinds.collections.len() {
                return None;
            }
            for (value, kinds) in collections.iter().zip(&kinds.collections) {
                out.push(Value::Rows(rows_of_json(value, kinds)?));
            }
            Some(out)
        })
        .collect()
}
