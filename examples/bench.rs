//! What fanless's SQL costs against the best hand-written SQL, per database
//! and data shape, as ratios measured in one run. A program, not a test.
//!
//! ```text
//! cargo run --release --example bench -- [--database-url URL] [--quick]
//! ```
//!
//! For each shape (the seed, and many small stores), with and without
//! foreign-key indexes, and each query (the whole table, one store by key,
//! the first 20 by key; two counts, or several aggregates per relation
//! with a filtered one), it runs fanless's query and the hand-written
//! strategies: correlated subqueries (B), pre-aggregated
//! derived tables (C), `LATERAL` (D, PostgreSQL), and derived tables
//! restricted to the selected store keys (E); and the naive join (A) on the
//! seed shape. Every answer is checked equal to fanless's. The candidates
//! run round-robin, rotated and reversed every other round, after one
//! warm-up round; a time is the median, or the 25th percentile below a
//! millisecond; statements are capped.
//! It prints a Markdown table per database.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fanless::query;

mod measure;
mod paths;
mod report;
mod seed;
mod stores;

use measure::{decode, now_ms, once, round_robin, same, Answer, Cap, Measure};
use report::{ms, print_summary, print_table, Line};

use seed::unindexed::Store as UnindexedStore;
use seed::{Shape, Store};
use stores::hand_written;

/// Many small stores, where a query reads few related rows per root row.
const MANY: Shape = Shape {
    stores: 20_000,
    departments_per_store: 3,
    employees_per_department: 5,
    products_per_store: 10,
};

/// `--quick`: a tenth of the stores.
const MANY_QUICK: Shape = Shape {
    stores: 2_000,
    ..MANY
};

/// Which stores a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Key,
    Limit,
}

/// What a query computes per store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `count(products)`, `count(departments.employees)`.
    Counts,
    /// Three aggregates over `products`, one filtered, and an average
    /// over `departments.employees`.
    Several,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Postgres,
    Sqlite,
    MySql,
}

/// A hand-written strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    Naive,
    Correlated,
    Derived,
    Lateral,
    Restricted,
}

impl Strategy {
    const ALL: [Self; 5] = [
        Self::Naive,
        Self::Correlated,
        Self::Derived,
        Self::Lateral,
        Self::Restricted,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Naive => "A naive join",
            Self::Correlated => "B correlated",
            Self::Derived => "C derived",
            Self::Lateral => "D lateral",
            Self::Restricted => "E restricted",
        }
    }
}

impl Dialect {
    fn double(self) -> &'static str {
        match self {
            Self::Postgres => "DOUBLE PRECISION",
            Self::Sqlite => "REAL",
            Self::MySql => "DOUBLE",
        }
    }

    fn placeholder(self) -> &'static str {
        match self {
            Self::Postgres => "$1",
            Self::Sqlite | Self::MySql => "?",
        }
    }
}

/// A two-count fanless query's rows as an [`Answer`].
macro_rules! counts {
    ($query:expr, $pool:expr) => {
        $query
            .fetch_all($pool)
            .await?
            .iter()
            .map(|r| {
                vec![
                    Some(r.id as f64),
                    Some(r.products as f64),
                    Some(r.employees as f64),
                ]
            })
            .collect::<Answer>()
    };
}

/// A four-aggregate fanless query's rows as an [`Answer`].
macro_rules! several {
    ($query:expr, $pool:expr) => {
        $query
            .fetch_all($pool)
            .await?
            .iter()
            .map(|r| {
                vec![
                    Some(r.id as f64),
                    Some(r.products as f64),
                    Some(r.total),
                    Some(r.expensive as f64),
                    r.salary,
                ]
            })
            .collect::<Answer>()
    };
}

/// The fanless query for `kind` and `filter`, as an [`Answer`].
macro_rules! fanless {
    ($pool:expr, $store:ident, $kind:expr, $filter:expr, $key:expr) => {{
        let (pool, key) = ($pool, $key);
        match ($kind, $filter) {
            (Kind::Counts, Filter::All) => counts!(
                query!(from $store select id, count(products) as products, count(departments.employees) as employees
                       order by id),
                pool
            ),
            (Kind::Counts, Filter::Key) => counts!(
                query!(from $store select id, count(products) as products, count(departments.employees) as employees
                       where id = {key} order by id),
                pool
            ),
            (Kind::Counts, Filter::Limit) => counts!(
                query!(from $store select id, count(products) as products, count(departments.employees) as employees
                       order by id limit 20),
                pool
            ),
            (Kind::Several, Filter::All) => several!(
                query!(from $store select id, count(products) as products, sum(products.price) as total,
                       count(products where price > 50.0) as expensive, avg(departments.employees.salary) as salary
                       order by id),
                pool
            ),
            (Kind::Several, Filter::Key) => several!(
                query!(from $store select id, count(products) as products, sum(products.price) as total,
                       count(products where price > 50.0) as expensive, avg(departments.employees.salary) as salary
                       where id = {key} order by id),
                pool
            ),
            (Kind::Several, Filter::Limit) => several!(
                query!(from $store select id, count(products) as products, sum(products.price) as total,
                       count(products where price > 50.0) as expensive, avg(departments.employees.salary) as salary
                       order by id limit 20),
                pool
            ),
        }
    }};
}

/// Runs every shape, index variant and query on one database.
macro_rules! bench {
    ($pool:expr, $db:ty, $dialect:expr, $url:expr, $cap:expr, $quick:expr) => {{
        let (pool, dialect, cap, quick): (_, Dialect, &Cap, bool) = ($pool, $dialect, $cap, $quick);
        let runs = if quick { 3 } else { 5 };
        let many = if quick { MANY_QUICK } else { MANY };
        let mut lines = Vec::new();
        for (shape_name, shape) in [("seed", Shape::SEED), ("many", many)] {
            for indexed in [true, false] {
                let started = Instant::now();
                seed::seed!(pool, $db, shape, indexed, seed::analyze($url));
                eprintln!(
                    "{shape_name} ({} stores), FK indexes {}: seeded in {:.1} s",
                    shape.stores,
                    if indexed { "on" } else { "off" },
                    started.elapsed().as_secs_f64()
                );
                if indexed {
                    let missing = fanless::missing_indexes::<seed::Employee, _, _>(pool).await?;
                    assert!(missing.is_empty(), "{missing:?}");
                }
                for kind in [Kind::Counts, Kind::Several] {
                    for filter in [Filter::All, Filter::Key, Filter::Limit] {
                        let key = shape.stores / 2;
                        // Candidate 0 is fanless's query, then each hand-written
                        // strategy but the naive join; they run round-robin.
                        let sqls: Vec<(Strategy, String)> = Strategy::ALL
                            .into_iter()
                            .filter(|strategy| *strategy != Strategy::Naive)
                            .filter_map(|strategy| {
                                hand_written(strategy, kind, filter, dialect).map(|sql| (strategy, sql))
                            })
                            .collect();
                        let sqls = &sqls;
                        let measured = round_robin(cap, sqls.len() + 1, runs, move |candidate| async move {
                            if candidate == 0 {
                                // The models say whether the tables have FK indexes.
                                return Ok(if indexed {
                                    fanless!(pool, Store, kind, filter, key)
                                } else {
                                    fanless!(pool, UnindexedStore, kind, filter, key)
                                });
                            }
                            let mut q = sqlx::query::<$db>(&sqls[candidate - 1].1);
                            if filter == Filter::Key {
                                q = q.bind(key);
                            }
                            decode(q.fetch_all(pool).await?)
                        })
                        .await?;
                        let mut measured = measured.into_iter();
                        let fanless_measure = measured.next().unwrap_or(Measure::Capped);
                        let Measure::Time(_, expected) = &fanless_measure else {
                            return Err(format!("fanless's query hit the cap: {shape_name} {kind:?} {filter:?}").into());
                        };
                        let mut strategies = Vec::new();
                        // The naive join takes seconds: once, on the seed shape.
                        if shape_name == "seed" && indexed {
                            if let Some(sql) = hand_written(Strategy::Naive, kind, filter, dialect) {
                                let naive = once(cap, async {
                                    let mut q = sqlx::query::<$db>(&sql);
                                    if filter == Filter::Key {
                                        q = q.bind(key);
                                    }
                                    decode(q.fetch_all(pool).await?)
                                })
                                .await?;
                                strategies.push((Strategy::Naive, naive));
                            }
                        }
                        strategies.extend(sqls.iter().map(|(strategy, _)| *strategy).zip(measured));
                        for (strategy, measured) in &strategies {
                            if let Measure::Time(_, answer) = measured {
                                if !same(answer, expected) {
                                    return Err(format!(
                                        "{} disagrees with fanless on {shape_name} {kind:?} {filter:?}",
                                        strategy.label()
                                    )
                                    .into());
                                }
                            }
                        }
                        eprintln!("  {kind:?} {filter:?}: done");
                        lines.push(Line {
                            shape: shape_name,
                            indexed,
                            kind,
                            filter,
                            fanless: fanless_measure,
                            strategies,
                        });
                    }
                }
            }
        }
        lines
    }};
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut url = String::from("sqlite::memory:");
    let mut quick = false;
    let mut only_paths = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--database-url" => url = args.next().ok_or("--database-url needs a URL")?,
            "--quick" => quick = true,
            "--paths" => only_paths = true,
            "-h" | "--help" => {
                println!(
                    "usage: bench [--database-url sqlite:...|postgres://...|mysql://...] [--quick] [--paths]"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`; try --help").into()),
        }
    }
    let cap = Cap {
        limit: Duration::from_secs(if quick { 10 } else { 60 }),
        deadline: Arc::new(AtomicU64::new(u64::MAX)),
    };
    let seconds = cap.limit.as_secs();
    let (title, lines, paths) = if url.starts_with("postgres") {
        let admin = sqlx::PgPool::connect(&url).await?;
        sqlx::raw_sql("CREATE SCHEMA IF NOT EXISTS fanless_bench")
            .execute(&admin)
            .await?;
        let version: String = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&admin)
            .await?;
        admin.close().await;
        let options: sqlx::postgres::PgConnectOptions = url.parse()?;
        let timeout = format!("{seconds}s");
        let options = options.options([
            ("search_path", "fanless_bench"),
            ("statement_timeout", timeout.as_str()),
        ]);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        let lines = match only_paths {
            true => Vec::new(),
            false => bench!(&pool, sqlx::Postgres, Dialect::Postgres, &url, &cap, quick),
        };
        let paths = paths::paths_bench!(
            &pool,
            sqlx::Postgres,
            Dialect::Postgres,
            &cap,
            quick,
            "VACUUM ANALYZE"
        );
        (format!("PostgreSQL {version}"), lines, paths)
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        // One connection, kept for the whole run, so that its session
        // setting holds for every statement.
        let pool = sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect(&url)
            .await?;
        // MariaDB caps statements in seconds, MySQL in milliseconds.
        let mariadb = format!("SET SESSION max_statement_time = {seconds}");
        if sqlx::raw_sql(&mariadb).execute(&pool).await.is_err() {
            let mysql = format!("SET SESSION max_execution_time = {}", seconds * 1000);
            sqlx::raw_sql(&mysql).execute(&pool).await?;
        }
        let version: String = sqlx::query_scalar("SELECT VERSION()")
            .fetch_one(&pool)
            .await?;
        let lines = match only_paths {
            true => Vec::new(),
            false => bench!(&pool, sqlx::MySql, Dialect::MySql, &url, &cap, quick),
        };
        let analyze = format!("ANALYZE TABLE {}", paths::TABLES.join(", "));
        let paths = paths::paths_bench!(&pool, sqlx::MySql, Dialect::MySql, &cap, quick, &analyze);
        (format!("MySQL/MariaDB {version}"), lines, paths)
    } else if url.starts_with("sqlite") {
        let deadline = Arc::clone(&cap.deadline);
        // One connection: each connection to `:memory:` is its own database.
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .after_connect(move |conn, _| {
                let deadline = Arc::clone(&deadline);
                Box::pin(async move {
                    conn.lock_handle()
                        .await?
                        .set_progress_handler(10_000, move || {
                            now_ms() < deadline.load(Ordering::Relaxed)
                        });
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let version: String = sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(&pool)
            .await?;
        let lines = match only_paths {
            true => Vec::new(),
            false => bench!(&pool, sqlx::Sqlite, Dialect::Sqlite, &url, &cap, quick),
        };
        let paths =
            paths::paths_bench!(&pool, sqlx::Sqlite, Dialect::Sqlite, &cap, quick, "ANALYZE");
        (format!("SQLite {version} (embedded)"), lines, paths)
    } else {
        return Err(format!(
            "unsupported database URL `{url}`: use sqlite:, postgres:// or mysql://"
        )
        .into());
    };
    if !lines.is_empty() {
        print_table(&title, &lines, cap.limit);
        print_summary(&lines);
    } else {
        println!("\n### {title}");
    }
    paths::print_paths(&paths, cap.limit, ms);
    Ok(())
}
