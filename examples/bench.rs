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
//! seed shape. Every answer is checked equal to fanless's; times are
//! medians after a warm-up; statements are capped.
//! It prints a Markdown table per database.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use fanless::query;
use sqlx::Row;

mod paths;
mod seed;

use seed::unindexed::Store as UnindexedStore;
use seed::{Shape, Store};

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

/// One row per store: its key, then each value, as `f64`.
type Answer = Vec<Vec<Option<f64>>>;

/// An aggregate of a query, as the hand-written SQL spells it.
struct Agg {
    /// Over `departments.employees` rather than `products`.
    employees: bool,
    /// `COUNT`, `SUM` or `AVG`.
    func: &'static str,
    /// The aggregated column; `None` counts rows.
    column: Option<&'static str>,
    /// A condition on the aggregated rows.
    filter: Option<&'static str>,
}

impl Kind {
    fn aggs(self) -> Vec<Agg> {
        let agg = |employees, func, column, filter| Agg {
            employees,
            func,
            column,
            filter,
        };
        match self {
            Self::Counts => vec![
                agg(false, "COUNT", None, None),
                agg(true, "COUNT", None, None),
            ],
            Self::Several => vec![
                agg(false, "COUNT", None, None),
                agg(false, "SUM", Some("p.price"), None),
                agg(false, "COUNT", None, Some("p.price > 50")),
                agg(true, "AVG", Some("e.salary"), None),
            ],
        }
    }
}

/// The tables of a path, its key column, and its alias for columns.
fn path(employees: bool) -> (&'static str, &'static str) {
    if employees {
        (
            "shop_department d JOIN shop_employee e ON e.department_id = d.id",
            "d.store_id",
        )
    } else {
        ("shop_product p", "p.store_id")
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

/// `func(arg)` over a group of rows, with a filter as `CASE`.
fn grouped(agg: &Agg) -> String {
    match (agg.column, agg.filter) {
        (None, None) => format!("{}(*)", agg.func),
        (Some(column), None) => format!("{}({column})", agg.func),
        (None, Some(filter)) => format!("{}(CASE WHEN {filter} THEN 1 END)", agg.func),
        (Some(column), Some(filter)) => {
            format!("{}(CASE WHEN {filter} THEN {column} END)", agg.func)
        }
    }
}

/// A value per store: 0 for an empty `COUNT` or `SUM`, `NULL` for `AVG`.
fn finish(agg: &Agg, value: String, dialect: Dialect) -> String {
    let value = if agg.func == "AVG" {
        value
    } else {
        format!("COALESCE({value}, 0)")
    };
    format!("CAST({value} AS {})", dialect.double())
}

/// The hand-written SQL of `strategy`, or `None` where it does not apply.
fn hand_written(
    strategy: Strategy,
    kind: Kind,
    filter: Filter,
    dialect: Dialect,
) -> Option<String> {
    let double = dialect.double();
    let key = dialect.placeholder();
    let filter_sql = match filter {
        Filter::Key => format!(" WHERE s.id = {key}"),
        _ => String::new(),
    };
    let limit = if filter == Filter::Limit {
        " LIMIT 20"
    } else {
        ""
    };
    let aggs = kind.aggs();
    let relations: Vec<bool> = [false, true]
        .into_iter()
        .filter(|&employees| aggs.iter().any(|agg| agg.employees == employees))
        .collect();
    let sql = match strategy {
        Strategy::Naive => {
            if kind != Kind::Counts {
                return None;
            }
            format!(
                "SELECT s.id, CAST(COUNT(DISTINCT p.id) AS {double}), CAST(COUNT(DISTINCT e.id) AS {double}) \
                 FROM shop_store s LEFT JOIN shop_product p ON p.store_id = s.id \
                 LEFT JOIN shop_department d ON d.store_id = s.id \
                 LEFT JOIN shop_employee e ON e.department_id = d.id{filter_sql} \
                 GROUP BY s.id ORDER BY s.id{limit}"
            )
        }
        Strategy::Correlated => {
            let values: Vec<String> = aggs
                .iter()
                .map(|agg| {
                    let (from, fk) = path(agg.employees);
                    let extra = agg.filter.map_or(String::new(), |f| format!(" AND {f}"));
                    let plain = Agg {
                        filter: None,
                        ..*agg
                    };
                    let value = format!(
                        "(SELECT {} FROM {from} WHERE {fk} = s.id{extra})",
                        grouped(&plain)
                    );
                    finish(agg, value, dialect)
                })
                .collect();
            format!(
                "SELECT s.id, {} FROM shop_store s{filter_sql} ORDER BY s.id{limit}",
                values.join(", ")
            )
        }
        Strategy::Derived | Strategy::Lateral | Strategy::Restricted => {
            if strategy == Strategy::Lateral && dialect != Dialect::Postgres {
                return None;
            }
            if strategy == Strategy::Restricted && filter == Filter::All {
                return None;
            }
            let mut joins = String::new();
            for (i, &employees) in relations.iter().enumerate() {
                let (from, fk) = path(employees);
                let columns: Vec<String> = aggs
                    .iter()
                    .enumerate()
                    .filter(|(_, agg)| agg.employees == employees)
                    .map(|(j, agg)| format!("{} AS a{j}", grouped(agg)))
                    .collect();
                let columns = columns.join(", ");
                match strategy {
                    Strategy::Lateral => joins.push_str(&format!(
                        " LEFT JOIN LATERAL (SELECT {columns} FROM {from} WHERE {fk} = s.id) x{i} ON TRUE"
                    )),
                    Strategy::Derived => joins.push_str(&format!(
                        " LEFT JOIN (SELECT {fk} AS k, {columns} FROM {from} GROUP BY {fk}) x{i} ON x{i}.k = s.id"
                    )),
                    _ => {
                        let restrict = match dialect {
                            Dialect::Sqlite => format!("{from} WHERE {fk} IN (SELECT id FROM o)"),
                            _ => format!("{from} JOIN o ON o.id = {fk}"),
                        };
                        joins.push_str(&format!(
                            " LEFT JOIN (SELECT {fk} AS k, {columns} FROM {restrict} GROUP BY {fk}) x{i} ON x{i}.k = s.id"
                        ));
                    }
                }
            }
            let values: Vec<String> = aggs
                .iter()
                .enumerate()
                .map(|(j, agg)| {
                    let i = relations
                        .iter()
                        .position(|&r| r == agg.employees)
                        .unwrap_or(0);
                    finish(agg, format!("x{i}.a{j}"), dialect)
                })
                .collect();
            let values = values.join(", ");
            if strategy == Strategy::Restricted {
                let keys = filter_sql.replace("s.id", "id");
                let materialized = if dialect == Dialect::Postgres {
                    " NOT MATERIALIZED"
                } else {
                    ""
                };
                format!(
                    "WITH o AS{materialized} (SELECT id FROM shop_store{keys} ORDER BY id{limit}) \
                     SELECT s.id, {values} FROM shop_store s JOIN o ON o.id = s.id{joins} ORDER BY s.id"
                )
            } else {
                format!("SELECT s.id, {values} FROM shop_store s{joins}{filter_sql} ORDER BY s.id{limit}")
            }
        }
    };
    Some(sql)
}

/// The statement cap, enforced by the server (PostgreSQL, MySQL) or by a
/// progress handler that interrupts SQLite past a deadline.
struct Cap {
    limit: Duration,
    /// Milliseconds since [`epoch`] after which SQLite stops a statement.
    deadline: Arc<AtomicU64>,
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ms() -> u64 {
    u64::try_from(epoch().elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Cap {
    fn arm(&self) {
        let limit = u64::try_from(self.limit.as_millis()).unwrap_or(u64::MAX);
        self.deadline
            .store(now_ms().saturating_add(limit), Ordering::Relaxed);
    }
}

/// A strategy's result: the median time and the answer, or capped.
enum Measure {
    Time(Duration, Answer),
    Capped,
}

/// Runs `run` once to warm up (unless `once`), then `runs` times, and
/// returns the median. A statement that fails after most of the cap is
/// taken as capped.
async fn measure<F, Fut>(
    cap: &Cap,
    runs: usize,
    once: bool,
    mut run: F,
) -> Result<Measure, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Answer, sqlx::Error>>,
{
    let mut times = Vec::new();
    let mut answer = Answer::new();
    let total = if once { 1 } else { runs + 1 };
    for i in 0..total {
        cap.arm();
        let started = Instant::now();
        match run().await {
            Ok(rows) => answer = rows,
            Err(_) if started.elapsed() >= cap.limit.mul_f64(0.9) => return Ok(Measure::Capped),
            Err(error) => return Err(error),
        }
        if once || i > 0 {
            times.push(started.elapsed());
        }
    }
    times.sort();
    Ok(Measure::Time(times[times.len() / 2], answer))
}

/// Every value of every row as `f64`, as the hand-written SQL casts them.
fn decode<R: Row>(rows: Vec<R>) -> Result<Answer, sqlx::Error>
where
    for<'r> Option<f64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    rows.iter()
        .map(|row| {
            let mut values = vec![Some(row.try_get::<i64, _>(0)? as f64)];
            for i in 1..row.columns().len() {
                values.push(row.try_get::<Option<f64>, _>(i)?);
            }
            Ok(values)
        })
        .collect()
}

/// Whether two answers agree, up to floating point rounding.
fn same(a: &Answer, b: &Answer) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len()
                && x.iter().zip(y).all(|(x, y)| match (x, y) {
                    (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * x.abs().max(1.0),
                    (x, y) => x == y,
                })
        })
}

/// One line of the results.
struct Line {
    shape: &'static str,
    indexed: bool,
    kind: Kind,
    filter: Filter,
    fanless: Measure,
    strategies: Vec<(Strategy, Measure)>,
}

fn ms(time: Duration) -> String {
    let ms = time.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.3}")
    }
}

/// What a line says of fanless: its time over the best hand-written
/// strategy's, and over the naive join's (inverted: how much faster).
fn ratios(line: &Line) -> (Option<f64>, Option<f64>) {
    let time = |measure: &Measure| match measure {
        Measure::Time(time, _) => Some(time.as_secs_f64()),
        Measure::Capped => None,
    };
    let fanless = time(&line.fanless);
    let best = line
        .strategies
        .iter()
        .filter(|(strategy, _)| *strategy != Strategy::Naive)
        .filter_map(|(_, measure)| time(measure))
        .reduce(f64::min);
    let naive = line
        .strategies
        .iter()
        .find(|(strategy, _)| *strategy == Strategy::Naive)
        .and_then(|(_, measure)| time(measure));
    (
        fanless.zip(best).map(|(f, b)| f / b),
        fanless.zip(naive).map(|(f, n)| n / f),
    )
}

fn describe(line: &Line) -> String {
    let kind = match line.kind {
        Kind::Counts => "2 counts",
        Kind::Several => "4 aggregates",
    };
    let filter = match line.filter {
        Filter::All => "all stores",
        Filter::Key => "`where id = {k}`",
        Filter::Limit => "`order by id limit 20`",
    };
    let indexes = if line.indexed { "with" } else { "without" };
    format!(
        "{} shape {indexes} FK indexes, {kind}, {filter}",
        line.shape
    )
}

fn print_summary(lines: &[Line]) {
    let mut worst: Option<(f64, &Line)> = None;
    let mut above = Vec::new();
    let mut naive = Vec::new();
    for line in lines {
        let (best, faster) = ratios(line);
        if let Some(ratio) = best {
            if worst.is_none_or(|(w, _)| ratio > w) {
                worst = Some((ratio, line));
            }
            if ratio > 1.2 {
                above.push(format!("{ratio:.2}× on the {}", describe(line)));
            }
        }
        if let Some(faster) = faster {
            naive.push(format!("{faster:.0}× on the {}", describe(line)));
        }
    }
    println!();
    if let Some((ratio, line)) = worst {
        println!(
            "- Worst fanless ÷ best hand-written: {ratio:.2}×, on the {}.",
            describe(line)
        );
    }
    match above.as_slice() {
        [] => println!("- fanless is within 1.2× of the best hand-written SQL on every line."),
        above => println!("- Above 1.2×: {}.", above.join("; ")),
    }
    if !naive.is_empty() {
        println!(
            "- fanless is faster than the naive join by {}.",
            naive.join("; ")
        );
    }
}

fn print_table(title: &str, lines: &[Line], cap: Duration) {
    println!("\n### {title}\n");
    print!("| shape | FK indexes | query | fanless |");
    for strategy in Strategy::ALL {
        print!(" {} |", strategy.label());
    }
    println!(" fanless ÷ best hand-written |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let capped = format!(">{} s", cap.as_secs());
    for line in lines {
        let time = |measure: &Measure| match measure {
            Measure::Time(time, _) => Some(*time),
            Measure::Capped => None,
        };
        let hand: Vec<Duration> = line
            .strategies
            .iter()
            .filter(|(strategy, _)| *strategy != Strategy::Naive)
            .filter_map(|(_, measure)| time(measure))
            .collect();
        let fastest = hand.iter().chain(time(&line.fanless).iter()).min().copied();
        let cell = |measure: Option<&Measure>| match (measure, fastest) {
            (None, _) => "–".to_owned(),
            (Some(Measure::Capped), _) => capped.clone(),
            (Some(Measure::Time(time, _)), Some(fastest)) => {
                let ratio = time.as_secs_f64() / fastest.as_secs_f64();
                if ratio < 1.005 {
                    format!("**{}**", ms(*time))
                } else {
                    format!("{} ({ratio:.1}×)", ms(*time))
                }
            }
            (Some(Measure::Time(time, _)), None) => ms(*time),
        };
        let kind = match line.kind {
            Kind::Counts => "2 counts",
            Kind::Several => "4 aggregates",
        };
        let filter = match line.filter {
            Filter::All => "all stores",
            Filter::Key => "`where id = {k}`",
            Filter::Limit => "`order by id limit 20`",
        };
        print!(
            "| {} | {} | {kind}, {filter} | {} |",
            line.shape,
            if line.indexed { "yes" } else { "no" },
            cell(Some(&line.fanless))
        );
        for strategy in Strategy::ALL {
            let measure = line
                .strategies
                .iter()
                .find(|(s, _)| *s == strategy)
                .map(|(_, m)| m);
            print!(" {} |", cell(measure));
        }
        let best = hand.iter().min();
        match (time(&line.fanless), best) {
            (Some(fanless), Some(best)) => {
                println!(" {:.2}× |", fanless.as_secs_f64() / best.as_secs_f64())
            }
            _ => println!(" – |"),
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
                        // The models say whether the tables have FK indexes.
                        let fanless_measure = measure(cap, runs, false, || async move {
                            Ok(if indexed {
                                fanless!(pool, Store, kind, filter, key)
                            } else {
                                fanless!(pool, UnindexedStore, kind, filter, key)
                            })
                        })
                        .await?;
                        let Measure::Time(_, expected) = &fanless_measure else {
                            return Err(format!("fanless's query hit the cap: {shape_name} {kind:?} {filter:?}").into());
                        };
                        let mut strategies = Vec::new();
                        for strategy in Strategy::ALL {
                            // The naive join takes seconds: once, on the seed shape.
                            let naive = strategy == Strategy::Naive;
                            if naive && (shape_name != "seed" || !indexed) {
                                continue;
                            }
                            let Some(sql) = hand_written(strategy, kind, filter, dialect) else {
                                continue;
                            };
                            let measured = measure(cap, runs, naive, || {
                                let sql = sql.clone();
                                async move {
                                    let mut q = sqlx::query::<$db>(&sql);
                                    if filter == Filter::Key {
                                        q = q.bind(key);
                                    }
                                    decode(q.fetch_all(pool).await?)
                                }
                            })
                            .await?;
                            if let Measure::Time(_, answer) = &measured {
                                if !same(answer, expected) {
                                    return Err(format!(
                                        "{} disagrees with fanless on {shape_name} {kind:?} {filter:?}",
                                        strategy.label()
                                    )
                                    .into());
                                }
                            }
                            strategies.push((strategy, measured));
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
