//! Timing a statement: the cap that stops it, its median time over runs,
//! and its answer, to compare with fanless's.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use sqlx::Row;

/// One row per store: its key, then each value, as `f64`.
pub(crate) type Answer = Vec<Vec<Option<f64>>>;

/// The statement cap, enforced by the server (PostgreSQL, MySQL) or by a
/// progress handler that interrupts SQLite past a deadline.
pub(crate) struct Cap {
    pub(crate) limit: Duration,
    /// Milliseconds since [`epoch`] after which SQLite stops a statement.
    pub(crate) deadline: Arc<AtomicU64>,
}

pub(crate) fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

pub(crate) fn now_ms() -> u64 {
    u64::try_from(epoch().elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl Cap {
    pub(crate) fn arm(&self) {
        let limit = u64::try_from(self.limit.as_millis()).unwrap_or(u64::MAX);
        self.deadline
            .store(now_ms().saturating_add(limit), Ordering::Relaxed);
    }
}

/// A strategy's result: the median time and the answer, or capped.
pub(crate) enum Measure {
    Time(Duration, Answer),
    Capped,
}

/// Runs `run` once to warm up (unless `once`), then `runs` times, and
/// returns the median. A statement that fails after most of the cap is
/// taken as capped.
pub(crate) async fn measure<F, Fut>(
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
pub(crate) fn decode<R: Row>(rows: Vec<R>) -> Result<Answer, sqlx::Error>
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
pub(crate) fn same(a: &Answer, b: &Answer) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.len() == y.len()
                && x.iter().zip(y).all(|(x, y)| match (x, y) {
                    (Some(x), Some(y)) => (x - y).abs() <= 1e-6 * x.abs().max(1.0),
                    (x, y) => x == y,
                })
        })
}
