//! Rows with their child rows: 500 stores, each with 0 to 50 departments,
//! each with 0 to 10 employees; every store, or a page of 20, each with its
//! departments, each with its employees. fanless's collections against the
//! N+1 loop (a statement per store, then per department), one `IN` query
//! per level written by hand, and one statement of JSON aggregation written
//! by hand; each answer checked equal to fanless's, and the statements each
//! ran counted (fanless's from its `tracing` spans).
//!
//! ```text
//! cargo run --release --example loading -- [--database-url sqlite:...|postgres://...|mysql://...]
//! ```
//!
//! The candidates run round-robin, in an order rotated every round, 5
//! rounds after a warm-up one; a time is the median, or the 25th
//! percentile below a millisecond. On PostgreSQL it works in a schema
//! `fanless_loading`; on MySQL in the database of the URL.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fanless::{query, Model};
use sqlx::Row as _;

mod cli;
mod statements;

use statements::Log;

#[derive(Model, Debug)]
#[model(table = "load_store")]
#[model(has_many(departments = Department))]
#[allow(dead_code)]
struct Store {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug)]
#[model(table = "load_department")]
#[model(has_many(employees = Employee))]
#[allow(dead_code)]
struct Department {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Store))]
    store_id: i64,
    name: String,
}

#[derive(Model, Debug)]
#[model(table = "load_employee")]
#[allow(dead_code)]
struct Employee {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Department))]
    department_id: i64,
    name: String,
    salary: i64,
}

const STORES: i64 = 500;
const PAGE: i64 = 20;

/// An employee: key, name, salary.
type Staff = (i64, String, i64);

/// A store's departments, each with its employees.
type Departments = Vec<(i64, String, Vec<Staff>)>;

/// Every store with its departments with their employees, each level in
/// key order.
type Tree = Vec<(i64, String, Departments)>;

/// The rows to insert: stores, departments `(id, store)`, employees `(id,
/// department, salary)`.
type Rows = (Vec<i64>, Vec<(i64, i64)>, Vec<(i64, i64, i64)>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Postgres,
    Sqlite,
    MySql,
}

impl Dialect {
    fn placeholder(self, n: usize) -> String {
        match self {
            Self::Postgres => format!("${n}"),
            Self::Sqlite | Self::MySql => "?".to_owned(),
        }
    }

    /// `column IN` the `count` keys, bound from argument 1.
    fn keys(self, column: &str, count: usize) -> String {
        match self {
            Self::Postgres => format!("{column} = ANY($1)"),
            Self::Sqlite | Self::MySql => {
                let marks = vec!["?"; count].join(", ");
                format!("{column} IN ({marks})")
            }
        }
    }

    /// The one statement of JSON aggregation, stores limited by `limit`.
    fn json(self, limit: &str) -> String {
        match self {
            Self::Postgres => format!(
                "SELECT s.id, s.name, COALESCE((SELECT json_agg(json_build_object('id', d.id, 'name', d.name, \
                 'employees', COALESCE((SELECT json_agg(json_build_object('id', e.id, 'name', e.name, 'salary', e.salary) ORDER BY e.id) \
                 FROM load_employee e WHERE e.department_id = d.id), '[]'::json)) ORDER BY d.id) \
                 FROM load_department d WHERE d.store_id = s.id), '[]'::json)::text \
                 FROM load_store s ORDER BY s.id{limit}"
            ),
            Self::Sqlite => format!(
                "SELECT s.id, s.name, (SELECT json_group_array(json_object('id', d.id, 'name', d.name, \
                 'employees', (SELECT json_group_array(json_object('id', e.id, 'name', e.name, 'salary', e.salary)) \
                 FROM (SELECT * FROM load_employee WHERE department_id = d.id ORDER BY id) AS e))) \
                 FROM (SELECT * FROM load_department WHERE store_id = s.id ORDER BY id) AS d) \
                 FROM load_store s ORDER BY s.id{limit}"
            ),
            Self::MySql => format!(
                "SELECT s.id, s.name, COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT('id', d.id, 'name', d.name, \
                 'employees', COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT('id', e.id, 'name', e.name, 'salary', e.salary) ORDER BY e.id) \
                 FROM load_employee e WHERE e.department_id = d.id), JSON_ARRAY())) ORDER BY d.id) \
                 FROM load_department d WHERE d.store_id = s.id), JSON_ARRAY()) \
                 FROM load_store s ORDER BY s.id{limit}"
            ),
        }
    }
}

/// A small deterministic generator, so that every run loads the same rows.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n) as i64
    }
}

/// The rows, the same every run.
fn rows() -> Rows {
    let mut rng = Rng(7);
    let stores: Vec<i64> = (1..=STORES).collect();
    let mut departments = Vec::new();
    let mut employees = Vec::new();
    for &store in &stores {
        for _ in 0..rng.below(51) {
            let department = departments.len() as i64 + 1;
            departments.push((department, store));
            for _ in 0..rng.below(11) {
                let employee = employees.len() as i64 + 1;
                employees.push((employee, department, 1_000 + rng.below(9_000)));
            }
        }
    }
    (stores, departments, employees)
}

/// The JSON of one store's departments, as a tree level.
fn from_json(json: &str) -> Result<Departments, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let int = |v: &serde_json::Value, key: &str| v[key].as_i64().ok_or(format!("no {key}"));
    let text = |v: &serde_json::Value, key: &str| {
        v[key]
            .as_str()
            .map(str::to_owned)
            .ok_or(format!("no {key}"))
    };
    let mut departments = Vec::new();
    for department in value.as_array().into_iter().flatten() {
        let mut employees = Vec::new();
        for employee in department["employees"].as_array().into_iter().flatten() {
            employees.push((
                int(employee, "id")?,
                text(employee, "name")?,
                int(employee, "salary")?,
            ));
        }
        departments.push((int(department, "id")?, text(department, "name")?, employees));
    }
    Ok(departments)
}

/// A time per candidate: the median, or the 25th percentile below 1 ms.
fn figure(times: &mut [Duration]) -> Duration {
    times.sort();
    let median = times[times.len() / 2];
    if median < Duration::from_millis(1) {
        times[times.len() / 4]
    } else {
        median
    }
}

const CANDIDATES: [&str; 4] = ["fanless", "N+1 loop", "IN per level", "JSON by hand"];

/// Seeds the tables, then measures every candidate, all stores and a page.
macro_rules! run {
    ($pool:expr, $db:ty, $dialect:expr, $log:expr, $list:ident) => {{
        let (pool, dialect, log): (_, Dialect, &Log) = ($pool, $dialect, $log);
        for table in ["load_employee", "load_department", "load_store"] {
            sqlx::raw_sql(&format!("DROP TABLE IF EXISTS {table}"))
                .execute(pool)
                .await?;
        }
        for sql in [
            Store::create_table::<$db>(),
            Department::create_table::<$db>(),
            Employee::create_table::<$db>(),
        ]
        .concat()
        {
            sqlx::raw_sql(&sql).execute(pool).await?;
        }
        let (stores, departments, employees) = rows();
        for chunk in stores.chunks(1_000) {
            let mut insert = sqlx::QueryBuilder::<$db>::new("INSERT INTO load_store (id, name) ");
            insert.push_values(chunk, |mut row, id| {
                row.push_bind(*id).push_bind(format!("store {id}"));
            });
            insert.build().execute(pool).await?;
        }
        for chunk in departments.chunks(1_000) {
            let mut insert =
                sqlx::QueryBuilder::<$db>::new("INSERT INTO load_department (id, store_id, name) ");
            insert.push_values(chunk, |mut row, (id, store)| {
                row.push_bind(*id).push_bind(*store).push_bind(format!("department {id}"));
            });
            insert.build().execute(pool).await?;
        }
        for chunk in employees.chunks(1_000) {
            let mut insert = sqlx::QueryBuilder::<$db>::new(
                "INSERT INTO load_employee (id, department_id, name, salary) ",
            );
            insert.push_values(chunk, |mut row, (id, department, salary)| {
                row.push_bind(*id)
                    .push_bind(*department)
                    .push_bind(format!("employee {id}"))
                    .push_bind(*salary);
            });
            insert.build().execute(pool).await?;
        }
        let analyze = match dialect {
            Dialect::Postgres => "ANALYZE",
            Dialect::Sqlite => "ANALYZE",
            Dialect::MySql => "ANALYZE TABLE load_store, load_department, load_employee",
        };
        sqlx::raw_sql(analyze).execute(pool).await?;
        println!(
            "{} stores, {} departments, {} employees\n",
            stores.len(),
            departments.len(),
            employees.len()
        );
        println!("| stores | {} | statements (fanless, N+1, IN, JSON) |", CANDIDATES.join(" | "));
        println!("|---|---|---|---|---|---|");

        for page in [None, Some(PAGE)] {
            let limit = page.map_or(String::new(), |n| format!(" LIMIT {n}"));
            let mut times: Vec<Vec<Duration>> = vec![Vec::new(); CANDIDATES.len()];
            let mut counts = vec![0_usize; CANDIDATES.len()];
            let mut want: Option<Tree> = None;
            for round in 0..6 {
                for k in 0..CANDIDATES.len() {
                    let candidate = (round + k) % CANDIDATES.len();
                    log.take();
                    let started = Instant::now();
                    let (tree, count): (Tree, usize) = match candidate {
                        0 => {
                            let rows = query!(
                                from Store
                                select id, name,
                                    departments {
                                        id, name,
                                        employees { id, name, salary order by id } as employees
                                        order by id
                                    } as departments
                                order by id
                                limit {page.unwrap_or(STORES)}
                            )
                            .fetch_all(pool)
                            .await?;
                            let tree = rows
                                .into_iter()
                                .map(|s| {
                                    let departments = s
                                        .departments
                                        .into_iter()
                                        .map(|d| {
                                            let employees = d
                                                .employees
                                                .into_iter()
                                                .map(|e| (e.id, e.name, e.salary))
                                                .collect();
                                            (d.id, d.name, employees)
                                        })
                                        .collect();
                                    (s.id, s.name, departments)
                                })
                                .collect();
                            let taken = log.take();
                            let counted = taken.counted.last().copied().unwrap_or_default() as usize;
                            if counted != taken.statements.len() {
                                return Err(format!(
                                    "the span counted {counted} statements, {} ran",
                                    taken.statements.len()
                                )
                                .into());
                            }
                            (tree, counted)
                        }
                        1 => {
                            let mut count = 1;
                            let stores: Vec<(i64, String)> = sqlx::query_as(&format!(
                                "SELECT id, name FROM load_store ORDER BY id{limit}"
                            ))
                            .fetch_all(pool)
                            .await?;
                            let mut tree = Tree::new();
                            let departments_of = format!(
                                "SELECT id, name FROM load_department WHERE store_id = {} ORDER BY id",
                                dialect.placeholder(1)
                            );
                            let employees_of = format!(
                                "SELECT id, name, salary FROM load_employee WHERE department_id = {} ORDER BY id",
                                dialect.placeholder(1)
                            );
                            for (id, name) in stores {
                                let departments: Vec<(i64, String)> =
                                    sqlx::query_as(&departments_of).bind(id).fetch_all(pool).await?;
                                count += 1;
                                let mut level = Vec::new();
                                for (department, title) in departments {
                                    let staff: Vec<Staff> = sqlx::query_as(&employees_of)
                                        .bind(department)
                                        .fetch_all(pool)
                                        .await?;
                                    count += 1;
                                    level.push((department, title, staff));
                                }
                                tree.push((id, name, level));
                            }
                            (tree, count)
                        }
                        2 => {
                            let stores: Vec<(i64, String)> = sqlx::query_as(&format!(
                                "SELECT id, name FROM load_store ORDER BY id{limit}"
                            ))
                            .fetch_all(pool)
                            .await?;
                            let keys: Vec<i64> = stores.iter().map(|s| s.0).collect();
                            let sql = format!(
                                "SELECT store_id, id, name FROM load_department WHERE {} ORDER BY id",
                                dialect.keys("store_id", keys.len())
                            );
                            let departments: Vec<(i64, i64, String)> =
                                $list!(sqlx::query_as(&sql), keys).fetch_all(pool).await?;
                            let keys: Vec<i64> = departments.iter().map(|d| d.1).collect();
                            let mut staff: HashMap<i64, Vec<Staff>> = HashMap::new();
                            if !keys.is_empty() {
                                let sql = format!(
                                    "SELECT department_id, id, name, salary FROM load_employee WHERE {} ORDER BY id",
                                    dialect.keys("department_id", keys.len())
                                );
                                let employees: Vec<(i64, i64, String, i64)> =
                                    $list!(sqlx::query_as(&sql), keys).fetch_all(pool).await?;
                                for (department, id, name, salary) in employees {
                                    staff.entry(department).or_default().push((id, name, salary));
                                }
                            }
                            let mut by_store: HashMap<i64, Departments> = HashMap::new();
                            for (store, id, name) in departments {
                                let employees = staff.remove(&id).unwrap_or_default();
                                by_store.entry(store).or_default().push((id, name, employees));
                            }
                            let tree = stores
                                .into_iter()
                                .map(|(id, name)| (id, name, by_store.remove(&id).unwrap_or_default()))
                                .collect();
                            (tree, 3)
                        }
                        _ => {
                            let rows = sqlx::query(&dialect.json(&limit)).fetch_all(pool).await?;
                            let mut tree = Tree::new();
                            for row in rows {
                                let json: String = row.try_get_unchecked(2)?;
                                tree.push((row.try_get(0)?, row.try_get(1)?, from_json(&json)?));
                            }
                            (tree, 1)
                        }
                    };
                    if round > 0 {
                        times[candidate].push(started.elapsed());
                    }
                    counts[candidate] = count;
                    match &want {
                        None => want = Some(tree),
                        Some(want) if *want == tree => {}
                        Some(_) => {
                            return Err(format!("{} disagrees", CANDIDATES[candidate]).into());
                        }
                    }
                }
            }
            let figures: Vec<Duration> = times.iter_mut().map(|t| figure(t)).collect();
            let best = figures.iter().skip(1).min().copied().unwrap_or_default();
            let cells: Vec<String> = figures
                .iter()
                .map(|time| {
                    format!(
                        "{:.2} ms ({:.2}×)",
                        time.as_secs_f64() * 1e3,
                        time.as_secs_f64() / best.as_secs_f64()
                    )
                })
                .collect();
            let counts: Vec<String> = counts.iter().map(ToString::to_string).collect();
            println!(
                "| {} | {} | {} |",
                page.map_or(format!("all {STORES}"), |n| format!("page of {n}")),
                cells.join(" | "),
                counts.join(", ")
            );
        }
        println!("\nIn brackets, the ratio to the fastest hand-written form.");
        Ok(())
    }};
}

/// PostgreSQL binds the keys as one array.
macro_rules! array {
    ($query:expr, $keys:expr) => {
        $query.bind($keys)
    };
}

/// SQLite and MySQL bind one placeholder per key.
macro_rules! spread {
    ($query:expr, $keys:expr) => {{
        let mut query = $query;
        for key in $keys {
            query = query.bind(key);
        }
        query
    }};
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url =
        cli::database_url("usage: loading [--database-url sqlite:...|postgres://...|mysql://...]")?;
    let log = Log::install()?;
    if url.starts_with("postgres") {
        let admin = sqlx::PgPool::connect(&url).await?;
        sqlx::raw_sql("CREATE SCHEMA IF NOT EXISTS fanless_loading")
            .execute(&admin)
            .await?;
        admin.close().await;
        let options: sqlx::postgres::PgConnectOptions = url.parse()?;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.options([("search_path", "fanless_loading")]))
            .await?;
        println!("### PostgreSQL\n");
        run!(&pool, sqlx::Postgres, Dialect::Postgres, &log, array)
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        let pool = sqlx::mysql::MySqlPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await?;
        println!("### MySQL/MariaDB\n");
        run!(&pool, sqlx::MySql, Dialect::MySql, &log, spread)
    } else if url.starts_with("sqlite") {
        // One connection: each connection to `:memory:` is its own database.
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await?;
        println!("### SQLite\n");
        run!(&pool, sqlx::Sqlite, Dialect::Sqlite, &log, spread)
    } else {
        Err(
            format!("unsupported database URL `{url}`: use sqlite:, postgres:// or mysql://")
                .into(),
        )
    }
}
