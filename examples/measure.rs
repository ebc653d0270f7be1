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

/// A strategy's result: its typical time and its answer, or capped.
pub(crate) enum Measure {
    Time(Duration, Answer),
    Capped,
}

/// Runs `run` once, for a statement too slow to repeat (the naive join). A
/// statement that fails after most of the cap is taken as capped.
pub(crate) async fn once<Fut>(cap: &Cap, run: Fut) -> Result<Measure, sqlx::Error>
where
    Fut: std::future::Future<Output = Result<Answer, sqlx::Error>>,
{
    cap.arm();
    let started = Instant::now();
    match run.await {
        Ok(answer) => Ok(Measure::Time(started.elapsed(), answer)),
        Err(_) if capped(started, cap.limit) => Ok(Measure::Capped),
        Err(error) => Err(error),
    }
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

/// The time of a candidate over its rounds: the median, or the 25th
/// percentile below a millisecond, where a thread's wake-up is as long as
/// the query.
fn typical(mut times: Vec<Duration>) -> Option<Duration> {
    times.sort();
    let median = *times.get(times.len() / 2)?;
    if median < Duration::from_millis(1) {
        times.get(times.len() / 4).copied()
    } else {
        Some(median)
    }
}

/// The order of the candidates in round `round`: rotated by one each round,
/// so that none always runs first, and reversed every other round, so that
/// none always runs after the same one (whose reads may have evicted its
/// pages).
fn rotation(count: usize, round: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).map(|i| (i + round / 2) % count).collect();
    if round % 2 == 1 {
        order.reverse();
    }
    order
}

/// When a statement is taken as capped: it failed after most of the cap.
fn capped(started: Instant, cap: Duration) -> bool {
    started.elapsed() >= cap.mul_f64(0.9)
}

/// Runs `count` candidates, `run(i)` running candidate `i` once: a warm-up
/// round, then `rounds` rounds, each in the order [`rotation`] gives. A
/// candidate whose statement failed after most of the cap is capped and
/// runs no more. Returns each one's typical time and last answer.
pub(crate) async fn round_robin<F, Fut>(
    cap: &Cap,
    count: usize,
    rounds: usize,
    mut run: F,
) -> Result<Vec<Measure>, sqlx::Error>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, sqlx::Error>>,
{
    let mut times: Vec<Option<Vec<Duration>>> = vec![Some(Vec::new()); count];
    let mut answers: Vec<Option<Answer>> = vec![None; count];
    for round in 0..=rounds {
        for candidate in rotation(count, round) {
            if times[candidate].is_none() {
                continue;
            }
            cap.arm();
            let started = Instant::now();
            match run(candidate).await {
                Ok(answer) => {
                    if let (true, Some(times)) = (round > 0, &mut times[candidate]) {
                        times.push(started.elapsed());
                    }
                    answers[candidate] = Some(answer);
                }
                Err(_) if capped(started, cap.limit) => times[candidate] = None,
                Err(error) => return Err(error),
            }
        }
    }
    Ok(times
        .into_iter()
        .zip(answers)
        .map(|(times, answer)| match (times.and_then(typical), answer) {
            (Some(time), Some(answer)) => Measure::Time(time, answer),
            _ => Measure::Capped,
        })
        .collect())
}
