//! The cartesian-product trap, and fanless's way out of it.
//!
//! Seeds 2 stores × 10 departments × 500 employees and 2,500 products per
//! store, then answers "for each store, how many products and how many
//! employees" twice: with the naive join every ORM annotation produces, and
//! with `fanless::query!`, whose aggregates over relation paths are each a
//! subquery. Prints both answers, both times, the ratio and the SQL. Then
//! loads a page of stores, each with its three most expensive products and
//! its departments with their staff counts, and prints the statements that
//! loaded them: one per level, whatever the number of rows (on SQLite one
//! in all: the collections come inside the stores' statement, as JSON).
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

use fanless::query;
use sqlx::{MySqlPool, PgPool, SqlitePool};

mod seed;
mod statements;

use seed::{Shape, Store};
use statements::Log;

/// The join an ORM writes for two counts over two to-many paths. Without
/// `DISTINCT` its counts are wrong; with it they are right, after building
/// products × employees rows per store.
const TRAP: &str = "SELECT s.id, COUNT(DISTINCT p.id), COUNT(DISTINCT e.id) \
    FROM shop_store s \
    LEFT JOIN shop_product p ON p.store_id = s.id \
    LEFT JOIN shop_department d ON d.store_id = s.id \
    LEFT JOIN shop_employee e ON e.department_id = d.id \
    GROUP BY s.id ORDER BY s.id";

/// `(store, products, employees)` per store, as both queries answer it.
type Answer = Vec<(i64, i64, i64)>;

/// Creates the schema, seeds it, runs both queries and reports; the same
/// steps for every database, spelled out per pool type.
macro_rules! demo {
    ($pool:expr, $db:ty, $url:expr, $log:expr) => {{
        let pool = $pool;
        let shape = Shape::SEED;
        let started = Instant::now();
        seed::seed!(pool, $db, shape, true, seed::analyze($url));
        println!(
            "seeded {} stores, {} departments, {} employees and {} products in {:.0} ms\n",
            shape.stores,
            shape.departments(),
            shape.employees(),
            shape.products(),
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
        report(&trap, trap_time, &answer, median(&mut times[1..]), sql)?;
        page!(pool, $log)
    }};
}

/// A page of stores, each with its three most expensive products and its
/// departments with their staff counts: the rows, then the statements
/// that loaded them.
macro_rules! page {
    ($pool:expr, $log:expr) => {{
        let log: &Log = $log;
        log.take();
        let stores = query!(
            from Store
            select id, name,
                products { name, price order by price desc limit 3 } as top_products,
                departments { name, count(employees) as staff order by name } as departments
            order by id
            limit 20
        )
        .fetch_all($pool)
        .await?;
        println!("\na page of stores with their collections:");
        println!("  query!(from Store select id, name, products {{ name, price order by price desc limit 3 }} as top_products, departments {{ name, count(employees) as staff order by name }} as departments order by id limit 20)");
        for store in &stores {
            let top: Vec<String> = store
                .top_products
                .iter()
                .map(|p| format!("{} ({:.2})", p.name, p.price))
                .collect();
            let staff: i64 = store.departments.iter().map(|d| d.staff).sum();
            println!(
                "  {} {}: top products {}; {} departments, {staff} employees",
                store.id,
                store.name,
                top.join(", "),
                store.departments.len()
            );
        }
        let taken = log.take();
        let count = taken.statements.len();
        let noun = if count == 1 { "statement" } else { "statements" };
        println!("  {count} {noun}, in one snapshot:");
        for statement in &taken.statements {
            println!("    {statement}");
        }
        Ok(())
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
    let log = Log::install()?;
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
        demo!(&pool, sqlx::Postgres, &url, &log)
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        let pool = MySqlPool::connect(&url).await?;
        println!("MySQL/MariaDB");
        demo!(&pool, sqlx::MySql, &url, &log)
    } else if url.starts_with("sqlite") {
        // One connection: each connection to `:memory:` is its own database.
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await?;
        println!("SQLite (embedded)");
        let pool: &SqlitePool = &pool;
        demo!(pool, sqlx::Sqlite, &url, &log)
    } else {
        Err(
            format!("unsupported database URL `{url}`: use sqlite:, postgres:// or mysql://")
                .into(),
        )
    }
}
