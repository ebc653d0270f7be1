//! How parameters are best bound on SQLite and MySQL. A list (`id in
//! {ids}`): one placeholder per element, or the list as one JSON array that
//! `json_each` (SQLite) or `JSON_TABLE` (MySQL) reads as rows. An optional
//! filter (`code = {?code}`) given a value: the comparison alone, as
//! fanless renders it, or the hand-written `(? IS NULL OR code = ?)`,
//! which keeps one text for both cases. Prints each form's time as a ratio
//! to the faster; the candidates run round-robin in rotating order, and the
//! figure is the 25th percentile of their runs.
//!
//! ```text
//! cargo run --release --example lists -- [--database-url sqlite:...|mysql://...]
//! ```

use std::time::{Duration, Instant};

mod cli;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Row};

/// Rows in the table the lists select from.
const ROWS: i64 = 200_000;
/// The list lengths measured.
const LENGTHS: [usize; 7] = [1, 10, 100, 1_000, 4_000, 16_000, 30_000];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    MySql,
}

/// The SQL of a form for a list of `len` ids.
fn sql(dialect: Dialect, json: bool, len: usize) -> String {
    let select = "SELECT COUNT(*) FROM list_item WHERE id IN ";
    match (json, dialect) {
        (false, _) => format!("{select}({})", vec!["?"; len].join(", ")),
        (true, Dialect::Sqlite) => format!("{select}(SELECT value FROM json_each(?))"),
        (true, Dialect::MySql) => format!(
            "{select}(SELECT j.v FROM JSON_TABLE(?, '$[*]' COLUMNS (v BIGINT PATH '$')) AS j)"
        ),
    }
}

/// The 25th percentile of `times`.
fn low(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 4]
}

/// The optional filter on the indexed column `code`, given a value: the
/// comparison alone, and the form that takes `NULL` for "no filter".
async fn optional_filter(pool: &AnyPool) -> Result<(), sqlx::Error> {
    let forms = [
        "SELECT COUNT(*) FROM list_item WHERE code = ?",
        "SELECT COUNT(*) FROM list_item WHERE (? IS NULL OR code = ?)",
    ];
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for round in 0..60 {
        for k in 0..2 {
            let form = (round + k) % 2;
            let code = (round as i64 * 7_919) % ROWS;
            let mut query = sqlx::query(forms[form]).bind(code);
            if form == 1 {
                query = query.bind(code);
            }
            let started = Instant::now();
            let count: i64 = query.fetch_one(pool).await?.try_get(0)?;
            times[form].push(started.elapsed());
            assert_eq!(count, 1, "one row has each code");
        }
    }
    let (alone, either) = (low(&mut times[0]), low(&mut times[1]));
    let best = alone.min(either).as_secs_f64();
    println!("\noptional filter on an indexed column, given a value");
    println!("{:>12}  {:>24}", "fanless", "(? IS NULL OR code = ?)");
    println!(
        "{:>11.2}x  {:>23.2}x   (best {:.3} ms)",
        alone.as_secs_f64() / best,
        either.as_secs_f64() / best,
        best * 1e3
    );
    Ok(())
}

async fn run(
    pool: &AnyPool,
    sql: &str,
    json: bool,
    ids: &[i64],
) -> Result<(i64, Duration), sqlx::Error> {
    let mut query = sqlx::query(sql);
    if json {
        let array: Vec<String> = ids.iter().map(ToString::to_string).collect();
        query = query.bind(format!("[{}]", array.join(",")));
    } else {
        for id in ids {
            query = query.bind(*id);
        }
    }
    let started = Instant::now();
    let row = query.fetch_one(pool).await?;
    Ok((row.try_get(0)?, started.elapsed()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = cli::database_url("usage: lists [--database-url sqlite:...|mysql://...]")?;
    let dialect = if url.starts_with("mysql:") {
        Dialect::MySql
    } else {
        Dialect::Sqlite
    };
    install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await?;
    sqlx::raw_sql("DROP TABLE IF EXISTS list_item")
        .execute(&pool)
        .await?;
    sqlx::raw_sql(
        "CREATE TABLE list_item (id BIGINT NOT NULL PRIMARY KEY, code BIGINT NOT NULL); \
         CREATE UNIQUE INDEX list_item_code ON list_item (code)",
    )
    .execute(&pool)
    .await?;
    for chunk in (0..ROWS).collect::<Vec<_>>().chunks(1_000) {
        // `code` is a permutation of the ids (7,919 is prime to `ROWS`).
        let values: Vec<String> = chunk
            .iter()
            .map(|id| format!("({id}, {})", id * 7_919 % ROWS))
            .collect();
        sqlx::raw_sql(&format!(
            "INSERT INTO list_item VALUES {}",
            values.join(", ")
        ))
        .execute(&pool)
        .await?;
    }
    println!("{:>8}  {:>12}  {:>12}", "length", "placeholders", "json");
    for len in LENGTHS {
        // Every third id, half of them past the table's end.
        let ids: Vec<i64> = (0..len as i64).map(|i| (i * 7_919) % (ROWS * 2)).collect();
        let want = ids.iter().filter(|&&id| id < ROWS).count() as i64;
        let rounds = if len > 4_000 { 10 } else { 40 };
        let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
        for round in 0..rounds {
            for k in 0..2 {
                let json = (round + k) % 2 == 1;
                let (count, time) = run(&pool, &sql(dialect, json, len), json, &ids).await?;
                assert_eq!(count, want, "the two forms agree");
                times[usize::from(json)].push(time);
            }
        }
        let (expanded, json) = (low(&mut times[0]), low(&mut times[1]));
        let best = expanded.min(json).as_secs_f64();
        println!(
            "{len:>8}  {:>11.2}x  {:>11.2}x   (best {:.3} ms)",
            expanded.as_secs_f64() / best,
            json.as_secs_f64() / best,
            best * 1e3
        );
    }
    optional_filter(&pool).await?;
    Ok(())
}
