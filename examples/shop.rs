//! The cartesian-product trap, and fanless's way out of it.
//!
//! Seeds 2 stores × 10 departments × 500 employees and 2,500 products per
//! store, then answers "for each store, how many products and how many
//! employees" twice: with the naive join every ORM annotation produces, and
//! with `fanless::query!`, whose aggregates over relation paths are each a
//! subquery. Prints both answers, both times, the ratio and the SQL.
//!
//! ```text
//! cargo run --example shop                                   # embedded SQLite
//! cargo run --example shop -- --database-url postgres://postgres@127.0.0.1/test
//! cargo run --example shop -- --database-url mysql://root@127.0.0.1/test
//! ```
//!
//! On PostgreSQL it works in a schema `fanless_shop`; on MySQL in the
//! database of the URL. Either way it drops and recreates its four tables.

use std::time::{Duration, Instant};

use fanless::{query, Model};
use sqlx::{MySqlPool, PgPool, QueryBuilder, SqlitePool};

#[derive(Model, Debug)]
#[model(table = "shop_store")]
#[model(has_many(departments = Department))]
#[model(has_many(products = Product))]
pub struct Store {
    #[model(primary_key)]
    pub id: i64,
    pub name: String,
}

#[derive(Model, Debug)]
#[model(table = "shop_department")]
#[model(has_many(employees = Employee))]
pub struct Department {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(Store))]
    pub store_id: i64,
    pub name: String,
}

#[derive(Model, Debug)]
#[model(table = "shop_employee")]
pub struct Employee {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(Department))]
    pub department_id: i64,
    pub name: String,
    pub salary: i64,
}

#[derive(Model, Debug)]
#[model(table = "shop_product")]
pub struct Product {
    #[model(primary_key)]
    pub id: i64,
    #[model(belongs_to(Store))]
    pub store_id: i64,
    pub name: String,
    pub price: f64,
    pub discontinued: bool,
}

const STORES: i64 = 2;
const DEPARTMENTS_PER_STORE: i64 = 10;
const EMPLOYEES_PER_DEPARTMENT: i64 = 500;
const PRODUCTS_PER_STORE: i64 = 2_500;
/// Rows per `INSERT`, well under every database's limit on parameters.
const BATCH: usize = 1_000;

/// The join an ORM writes for two counts over two to-many paths. Without
/// `DISTINCT` its counts are wrong; with it they are right, after building
/// products × employees rows per store.
const TRAP: &str = "SELECT s.id, COUNT(DISTINCT p.id), COUNT(DISTINCT e.id) \
    FROM shop_store s \
    LEFT JOIN shop_product p ON p.store_id = s.id \
    LEFT JOIN shop_department d ON d.store_id = s.id \
    LEFT JOIN shop_employee e ON e.department_id = d.id \
    GROUP BY s.id ORDER BY s.id";

const DROP: [&str; 4] = [
    "DROP TABLE IF EXISTS shop_employee",
    "DROP TABLE IF EXISTS shop_department",
    "DROP TABLE IF EXISTS shop_product",
    "DROP TABLE IF EXISTS shop_store",
];

/// The values of one row of a multi-row `INSERT`.
type Row<'qb, 'args, DB> = sqlx::query_builder::Separated<'qb, 'args, DB, &'static str>;

/// `(store, products, employees)` per store, as both queries answer it.
type Answer = Vec<(i64, i64, i64)>;

/// Creates the schema, seeds it, runs both queries and reports; the same
/// steps for every database, spelled out per pool type.
macro_rules! demo {
    ($pool:expr, $db:ty, $analyze:literal) => {{
        let pool = $pool;
        for sql in DROP {
            sqlx::raw_sql(sql).execute(pool).await?;
        }
        // The tables, with an index on each foreign key.
        let tables = [
            Store::create_table::<$db>(),
            Department::create_table::<$db>(),
            Employee::create_table::<$db>(),
            Product::create_table::<$db>(),
        ];
        for sql in tables.concat() {
            sqlx::raw_sql(&sql).execute(pool).await?;
        }
        let started = Instant::now();
        insert!(pool, $db, "shop_store (id, name)", STORES, |mut row: Row<'_, '_, $db>, id| {
            row.push_bind(id).push_bind(format!("store {id}"));
        });
        let departments = STORES * DEPARTMENTS_PER_STORE;
        insert!(pool, $db, "shop_department (id, store_id, name)", departments, |mut row: Row<'_, '_, $db>, id| {
            row.push_bind(id)
                .push_bind((id - 1) / DEPARTMENTS_PER_STORE + 1)
                .push_bind(format!("department {id}"));
        });
        let employees = departments * EMPLOYEES_PER_DEPARTMENT;
        insert!(pool, $db, "shop_employee (id, department_id, name, salary)", employees, |mut row: Row<'_, '_, $db>, id| {
            row.push_bind(id)
                .push_bind((id - 1) / EMPLOYEES_PER_DEPARTMENT + 1)
                .push_bind(format!("employee {id}"))
                .push_bind(30_000 + id % 50 * 1_000);
        });
        let products = STORES * PRODUCTS_PER_STORE;
        insert!(pool, $db, "shop_product (id, store_id, name, price, discontinued)", products, |mut row: Row<'_, '_, $db>, id| {
            row.push_bind(id)
                .push_bind((id - 1) / PRODUCTS_PER_STORE + 1)
                .push_bind(format!("product {id}"))
                .push_bind((id % 400) as f64 * 0.25)
                .push_bind(id % 7 == 0);
        });
        // Planner statistics, as a database in use has them.
        sqlx::raw_sql($analyze).execute(pool).await?;
        println!(
            "seeded {STORES} stores, {departments} departments, {employees} employees and {products} products in {:.0} ms\n",
            started.elapsed().as_secs_f64() * 1e3
        );

        let started = Instant::now();
        let trap: Vec<(i64, i64, i64)> = sqlx::query_as(TRAP).fetch_all(pool).await?;
        let trap_time = started.elapsed();

        let fanless_query = || {
            query!(
                from Store
                select id, count(products) as total_products, count(departments.employees) as total_employees
                order by id
            )
        };
        let sql = fanless_query().sql::<$db>();
        let mut times = Vec::new();
        let mut answer = Answer::new();
        // One warm-up run, then the median of five.
        for _ in 0..6 {
            let started = Instant::now();
            let rows = fanless_query().fetch_all(pool).await?;
            times.push(started.elapsed());
            answer = rows.iter().map(|r| (r.id, r.total_products, r.total_employees)).collect();
        }
        report(&trap, trap_time, &answer, median(&mut times[1..]), sql)
    }};
}

/// One multi-row `INSERT` per `BATCH` ids, each row's values pushed by
/// `$row` (a closure over the row's separator and its id).
macro_rules! insert {
    ($pool:expr, $db:ty, $table:literal, $count:expr, $row:expr) => {{
        let ids: Vec<i64> = (1..=$count).collect();
        for chunk in ids.chunks(BATCH) {
            let mut builder = QueryBuilder::<$db>::new(concat!("INSERT INTO ", $table, " "));
            builder.push_values(chunk, |row, id| $row(row, *id));
            builder.build().execute($pool).await?;
        }
    }};
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn report(
    trap: &Answer,
    trap_time: Duration,
    answer: &Answer,
    time: Duration,
    sql: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "the trap: LEFT JOIN products, departments and employees, COUNT(DISTINCT ...), GROUP BY"
    );
    println!("  {TRAP}");
    for (store, products, employees) in trap {
        println!("  store {store}: {products} products, {employees} employees");
    }
    println!("  {:.1} ms\n", trap_time.as_secs_f64() * 1e3);

    println!("fanless: query!(from Store select id, count(products) as total_products, count(departments.employees) as total_employees order by id)");
    println!("  {sql}");
    for (store, products, employees) in answer {
        println!("  store {store}: {products} products, {employees} employees");
    }
    println!(
        "  {:.3} ms (median of 5 after a warm-up)\n",
        time.as_secs_f64() * 1e3
    );

    if trap != answer {
        return Err("the two queries disagree".into());
    }
    let ratio = trap_time.as_secs_f64() / time.as_secs_f64();
    println!("same answer; fanless is {ratio:.0}x faster than the trap");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut url = String::from("sqlite::memory:");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--database-url" => url = args.next().ok_or("--database-url needs a URL")?,
            "-h" | "--help" => {
                println!("usage: shop [--database-url sqlite:...|postgres://...|mysql://...]");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`; try --help").into()),
        }
    }
    if url.starts_with("postgres") {
        let pool = PgPool::connect(&url).await?;
        sqlx::raw_sql("CREATE SCHEMA IF NOT EXISTS fanless_shop")
            .execute(&pool)
            .await?;
        pool.close().await;
        let options: sqlx::postgres::PgConnectOptions = url.parse()?;
        let pool = sqlx::postgres::PgPoolOptions::new()
            .connect_with(options.options([("search_path", "fanless_shop")]))
            .await?;
        println!("PostgreSQL, schema fanless_shop");
        demo!(&pool, sqlx::Postgres, "ANALYZE")
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        let pool = MySqlPool::connect(&url).await?;
        println!("MySQL/MariaDB");
        demo!(
            &pool,
            sqlx::MySql,
            "ANALYZE TABLE shop_store, shop_department, shop_employee, shop_product"
        )
    } else if url.starts_with("sqlite") {
        // One connection: each connection to `:memory:` is its own database.
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await?;
        println!("SQLite (embedded)");
        let pool: &SqlitePool = &pool;
        demo!(pool, sqlx::Sqlite, "ANALYZE")
    } else {
        Err(
            format!("unsupported database URL `{url}`: use sqlite:, postgres:// or mysql://")
                .into(),
        )
    }
}
