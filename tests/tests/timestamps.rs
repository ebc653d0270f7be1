//! Dates and times another program wrote: on SQLite, text in whichever
//! form that program chose (Django's `2011-11-03 00:00:00`, sqlx's
//! `2011-11-03T00:00:00+00:00`, `Z`, other offsets, fractions of a second
//! or none), on PostgreSQL and MariaDB their own types. Comparisons, `in`,
//! `order by`, `min` and `max` give the answer the instants mean, on every
//! database, checked against the same instants in Rust.

use std::cmp::Ordering;

use fanless::{query, query_as, Model};
use fanless_tests::{connect, drop_databases, execute, fetch_all, name, Db};
use sqlx::types::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "tm_book")]
#[model(has_many(events = Event))]
struct Book {
    #[model(primary_key)]
    id: i64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "tm_event")]
struct Event {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Book))]
    book_id: i64,
    at: Option<DateTime<Utc>>,
    local: NaiveDateTime,
    clock: NaiveTime,
}

fn utc(day: u32, hour: u32, minute: u32, second: u32, micro: u32) -> DateTime<Utc> {
    let date = NaiveDate::from_ymd_opt(2011, 11, day).expect("a day of November");
    let time = NaiveTime::from_hms_micro_opt(hour, minute, second, micro).expect("a time");
    Utc.from_utc_datetime(&date.and_time(time))
}

/// `(id, book, instant, its text on SQLite, the naive time's text, the
/// clock's text)`: every form another program may write, a Unix time as
/// an integer too.
type Row = (
    i64,
    i64,
    Option<DateTime<Utc>>,
    &'static str,
    &'static str,
    &'static str,
);

fn events() -> Vec<Row> {
    vec![
        (
            1,
            1,
            Some(utc(3, 0, 0, 0, 0)),
            "2011-11-03 00:00:00",
            "2011-11-03 00:00:00",
            "09:00:00",
        ),
        (
            2,
            1,
            Some(utc(3, 0, 0, 0, 500_000)),
            "2011-11-03T00:00:00.500000Z",
            "2011-11-03T00:00:00.5",
            "09:00:00.5",
        ),
        (
            3,
            1,
            Some(utc(2, 23, 59, 59, 999_999)),
            "2011-11-03T01:59:59.999999+02:00",
            "2011-11-02 23:59:59.999999",
            "08:59:59.999999",
        ),
        (
            4,
            2,
            Some(utc(3, 12, 30, 0, 0)),
            "2011-11-03T12:30:00+00:00",
            "2011-11-03T12:30:00",
            "12:30:00.000",
        ),
        (
            5,
            2,
            Some(utc(2, 10, 0, 0, 1)),
            "2011-11-02 10:00:00.000001",
            "2011-11-02 10:00:00.000001",
            "10:00:00.000001",
        ),
        (
            6,
            1,
            Some(utc(3, 0, 0, 0, 0)),
            "2011-11-02T19:00:00-05:00",
            "2011-11-03T00:00",
            "09:00",
        ),
        (7, 3, None, "", "2011-11-01 00:00:00", "00:00:00"),
        (
            8,
            2,
            Some(utc(3, 1, 0, 0, 0)),
            "1320282000",
            "2011-11-03 01:00:00",
            "01:00:00",
        ),
    ]
}

/// The naive time of each event: its instant's, or midnight of November
/// 1st.
fn local_of(at: Option<DateTime<Utc>>) -> NaiveDateTime {
    at.map_or_else(|| utc(1, 0, 0, 0, 0).naive_utc(), |at| at.naive_utc())
}

fn clock_of(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
        .expect("a time of day")
}

async fn load(test: &str) -> Vec<Db> {
    let dbs = connect(test).await;
    for db in &dbs {
        let tables = match db {
            Db::Sqlite(_) => [
                "CREATE TABLE tm_book (id INTEGER PRIMARY KEY)",
                "CREATE TABLE tm_event (id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES tm_book (id), \
                 at datetime NULL, local datetime NOT NULL, clock time NOT NULL)",
            ],
            Db::Postgres(..) => [
                "CREATE TABLE tm_book (id BIGINT PRIMARY KEY)",
                "CREATE TABLE tm_event (id BIGINT PRIMARY KEY, book_id BIGINT NOT NULL REFERENCES tm_book (id), \
                 at TIMESTAMPTZ NULL, local TIMESTAMP NOT NULL, clock TIME NOT NULL)",
            ],
            Db::MySql(..) => [
                "CREATE TABLE tm_book (id BIGINT PRIMARY KEY)",
                "CREATE TABLE tm_event (id BIGINT PRIMARY KEY, book_id BIGINT NOT NULL REFERENCES tm_book (id), \
                 at DATETIME(6) NULL, local DATETIME(6) NOT NULL, clock TIME(6) NOT NULL)",
            ],
        };
        for statement in tables {
            execute(db, statement).await;
        }
        execute(db, "INSERT INTO tm_book (id) VALUES (1), (2), (3), (4)").await;
        for (id, book, at, text, local, clock) in events() {
            // SQLite holds the other program's text; the servers their
            // own types, written from the instant.
            let (at, local, clock) = match db {
                // A Unix time is an integer.
                Db::Sqlite(_) => (
                    at.map_or("NULL".to_owned(), |_| match text.parse::<i64>() {
                        Ok(unix) => unix.to_string(),
                        Err(_) => format!("'{text}'"),
                    }),
                    format!("'{local}'"),
                    format!("'{clock}'"),
                ),
                Db::Postgres(..) | Db::MySql(..) => (
                    at.map_or("NULL".to_owned(), |at| {
                        format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.6f"))
                    }),
                    format!("'{}'", local_of(at).format("%Y-%m-%d %H:%M:%S%.6f")),
                    format!("'{}'", clock_of(clock).format("%H:%M:%S%.6f")),
                ),
            };
            let sql = format!(
                "INSERT INTO tm_event (id, book_id, at, local, clock) VALUES ({id}, {book}, {at}, {local}, {clock})"
            );
            execute(db, &sql).await;
        }
    }
    dbs
}

/// The ids of the events whose instant `keep` holds for, in id order.
fn ids(keep: impl Fn(Option<DateTime<Utc>>) -> bool) -> Vec<i64> {
    events()
        .into_iter()
        .filter(|e| keep(e.2))
        .map(|e| e.0)
        .collect()
}

/// `NULL` last ascending, first descending; ties by id.
fn sorted_by<T: Ord + Copy>(value: impl Fn(i64) -> Option<T>, desc: bool) -> Vec<i64> {
    let mut all: Vec<i64> = events().into_iter().map(|e| e.0).collect();
    all.sort_by(|a, b| {
        let order = match (value(*a), value(*b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
        };
        let order = if desc { order.reverse() } else { order };
        order.then(a.cmp(b))
    });
    all
}

fn at_of(id: i64) -> Option<DateTime<Utc>> {
    events().into_iter().find(|e| e.0 == id).and_then(|e| e.2)
}

#[tokio::test]
async fn dates_and_times_compare_by_the_instant_they_mean() {
    let dbs = load("timestamps_compare").await;
    let day = utc(3, 0, 0, 0, 0);
    let noon = utc(3, 12, 30, 0, 0);
    for db in &dbs {
        let what = name(db);
        let get =
            |rows: Result<Vec<i64>, sqlx::Error>| rows.unwrap_or_else(|e| panic!("{what}: {e}"));
        macro_rules! ids_of {
            ($q:expr) => {
                get(fetch_all!(db, $q).map(|rows| rows.iter().map(|r| r.id).collect()))
            };
        }
        let got = ids_of!(query!(from Event select id where at >= {day} order by id));
        assert_eq!(
            got,
            ids(|at| at.is_some_and(|at| at >= day)),
            ">= on {what}"
        );
        let got = ids_of!(query!(from Event select id where at < {day} order by id));
        assert_eq!(got, ids(|at| at.is_some_and(|at| at < day)), "< on {what}");
        let got = ids_of!(query!(from Event select id where at = {day} order by id));
        assert_eq!(got, ids(|at| at == Some(day)), "= on {what}");
        let got = ids_of!(query!(from Event select id where at != {day} order by id));
        assert_eq!(got, ids(|at| at != Some(day)), "!= on {what}");
        let got = ids_of!(query!(from Event select id where at in {[day, noon]} order by id));
        assert_eq!(
            got,
            ids(|at| at == Some(day) || at == Some(noon)),
            "in a list on {what}"
        );
        let got = ids_of!(query!(from Event select id where at in ({day}, {noon}) order by id));
        assert_eq!(
            got,
            ids(|at| at == Some(day) || at == Some(noon)),
            "in (...) on {what}"
        );
        // Two columns, each in a form of its own.
        let got = ids_of!(
            query!(from Event e join e.book b join b.events o select e.id where e.at = o.at and e.id < o.id order by e.id)
        );
        assert_eq!(got, [1], "a column against a column on {what}");
        // Through a relation, and as an aggregate's filter.
        let got =
            ids_of!(query!(from Book select id where exists(events where at > {day}) order by id));
        assert_eq!(got, [1, 2], "exists on {what}");

        let local = day.naive_utc();
        let got = ids_of!(query!(from Event select id where local >= {local} order by id));
        let want: Vec<i64> = events()
            .into_iter()
            .filter(|e| local_of(e.2) >= local)
            .map(|e| e.0)
            .collect();
        assert_eq!(got, want, "a naive date and time on {what}");
        let nine = NaiveTime::from_hms_opt(9, 0, 0).expect("nine");
        let got = ids_of!(query!(from Event select id where clock = {nine} order by id));
        let want: Vec<i64> = events()
            .into_iter()
            .filter(|e| clock_of(e.5) == nine)
            .map(|e| e.0)
            .collect();
        assert_eq!(got, want, "a time of day on {what}");

        // Every form reads back as its instant.
        let rows = fetch_all!(db, query!(from Event select id, at order by id))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let read: Vec<(i64, Option<DateTime<Utc>>)> = rows.iter().map(|r| (r.id, r.at)).collect();
        let got: Vec<(i64, Option<DateTime<Utc>>)> = events().iter().map(|e| (e.0, e.2)).collect();
        assert_eq!(read, got, "values on {what}");
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn dates_and_times_sort_and_aggregate_by_instant() {
    let dbs = load("timestamps_order").await;
    for db in &dbs {
        let what = name(db);
        for desc in [false, true] {
            let got: Result<Vec<i64>, _> = match desc {
                false => fetch_all!(db, query!(from Event select id order by at, id))
                    .map(|rows| rows.iter().map(|r| r.id).collect()),
                true => fetch_all!(db, query!(from Event select id order by at desc, id))
                    .map(|rows| rows.iter().map(|r| r.id).collect()),
            };
            let got = got.unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(
                got,
                sorted_by(at_of, desc),
                "order by, desc {desc}, on {what}"
            );
        }
        // By an item's name, and inside a collection (carried as JSON on
        // SQLite).
        let got: Vec<i64> = fetch_all!(
            db,
            query!(from Event select id, at as moment order by moment desc, id)
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .iter()
        .map(|r| r.id)
        .collect();
        assert_eq!(got, sorted_by(at_of, true), "order by an item on {what}");
        let books = fetch_all!(
            db,
            query!(from Book select id, events { id order by at limit 2 } as first order by id)
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        for book in &books {
            let want: Vec<i64> = sorted_by(at_of, false)
                .into_iter()
                .filter(|id| events().iter().any(|e| e.0 == *id && e.1 == book.id))
                .take(2)
                .collect();
            let got: Vec<i64> = book.first.iter().map(|e| e.id).collect();
            assert_eq!(got, want, "a collection's order on {what}");
        }

        // `min` and `max` over a path, over joined rows, over the table.
        #[derive(Debug, PartialEq)]
        struct Span {
            id: i64,
            first: Option<DateTime<Utc>>,
            last: Option<DateTime<Utc>>,
        }
        let want: Vec<Span> = (1..=4)
            .map(|book| {
                let of_book = || {
                    events()
                        .into_iter()
                        .filter(move |e| e.1 == book)
                        .filter_map(|e| e.2)
                };
                Span {
                    id: book,
                    first: of_book().min(),
                    last: of_book().max(),
                }
            })
            .collect();
        let got = fetch_all!(
            db,
            query_as!(Span, from Book select id, min(events.at) as first, max(events.at) as last order by id)
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(got, want, "min and max over a path on {what}");
        let got = fetch_all!(
            db,
            query_as!(
                Span,
                from Book b left join b.events e
                select b.id, min(e.at) as first, max(e.at) as last
                group by b.id order by b.id
            )
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(got, want, "min and max over joined rows on {what}");
        let all = fetch_all!(
            db,
            query!(from Event select min(at) as first, max(at) as last)
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        let instants = || events().into_iter().filter_map(|e| e.2);
        assert_eq!(
            (all[0].first, all[0].last),
            (instants().min(), instants().max()),
            "min and max of the table on {what}"
        );
        let latest = fetch_all!(
            db,
            query!(from Book select id where max(events.at) > {utc(3, 0, 0, 0, 0)} order by id)
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        let want: Vec<i64> = want
            .iter()
            .filter(|s| s.last.is_some_and(|last| last > utc(3, 0, 0, 0, 0)))
            .map(|s| s.id)
            .collect();
        assert_eq!(
            latest.iter().map(|r| r.id).collect::<Vec<_>>(),
            want,
            "max in where on {what}"
        );
    }
    drop_databases(dbs).await;
}

/// A table fanless made and sqlx filled: its column says SQLite holds it
/// as sqlx writes it, so it compares as text and its index serves.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "tm_visit")]
struct Visit {
    #[model(primary_key)]
    id: i64,
    #[model(sqlite_text = "sqlx")]
    at: DateTime<Utc>,
}

#[tokio::test]
async fn a_column_held_as_sqlx_writes_it_compares_as_text_with_its_index() {
    let dbs = connect("timestamps_sqlx_text").await;
    let at = |i: i64| {
        utc(
            1 + (i % 28) as u32,
            (i % 24) as u32,
            0,
            0,
            (i * 37 % 1_000_000) as u32,
        )
    };
    for db in &dbs {
        let tables = match db {
            Db::Sqlite(_) => Visit::create_table::<sqlx::Sqlite>(),
            Db::Postgres(..) => Visit::create_table::<sqlx::Postgres>(),
            Db::MySql(..) => Visit::create_table::<sqlx::MySql>(),
        };
        for statement in tables {
            execute(db, &statement).await;
        }
        execute(db, "CREATE INDEX tm_visit_at ON tm_visit (at)").await;
        for i in 1..=200_i64 {
            let result = match db {
                Db::Sqlite(pool) => sqlx::query("INSERT INTO tm_visit (id, at) VALUES (?, ?)")
                    .bind(i)
                    .bind(at(i))
                    .execute(pool)
                    .await
                    .map(drop),
                Db::Postgres(pool, _) => {
                    sqlx::query("INSERT INTO tm_visit (id, at) VALUES ($1, $2)")
                        .bind(i)
                        .bind(at(i))
                        .execute(pool)
                        .await
                        .map(drop)
                }
                Db::MySql(pool, _) => sqlx::query("INSERT INTO tm_visit (id, at) VALUES (?, ?)")
                    .bind(i)
                    .bind(at(i))
                    .execute(pool)
                    .await
                    .map(drop),
            };
            result.unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        }
        let since = utc(20, 5, 0, 0, 0);
        let q = || query!(from Visit select id where at >= {since} order by at, id limit 20);
        let got: Vec<i64> = fetch_all!(db, q())
            .unwrap_or_else(|e| panic!("{}: {e}", name(db)))
            .iter()
            .map(|r| r.id)
            .collect();
        let mut want: Vec<(DateTime<Utc>, i64)> = (1..=200)
            .map(|i| (at(i), i))
            .filter(|v| v.0 >= since)
            .collect();
        want.sort();
        let want: Vec<i64> = want.into_iter().take(20).map(|v| v.1).collect();
        assert_eq!(got, want, "{}", name(db));
        if let Db::Sqlite(pool) = db {
            let sql = q().sql::<sqlx::Sqlite>();
            assert!(!sql.contains("strftime"), "{sql}");
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .bind(since)
                    .bind(20_i64)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            assert!(
                plan.iter().any(|row| row.3.contains("tm_visit_at")),
                "{plan:?}"
            );
        }
    }
    drop_databases(dbs).await;
}

/// A table another program fills with Unix times, as integers on SQLite.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "tm_tick")]
struct Tick {
    #[model(primary_key)]
    id: i64,
    #[model(sqlite_text = "unix")]
    at: DateTime<Utc>,
}

#[tokio::test]
async fn a_column_of_unix_times_compares_as_stored_with_its_index() {
    let dbs = connect("timestamps_unix").await;
    let at = |i: i64| utc(3, 0, 0, (i * 7 % 50) as u32, 0);
    for db in &dbs {
        let (create, value): (&str, fn(DateTime<Utc>) -> String) = match db {
            Db::Sqlite(_) => (
                "CREATE TABLE tm_tick (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)",
                |at| at.timestamp().to_string(),
            ),
            Db::Postgres(..) => (
                "CREATE TABLE tm_tick (id BIGINT PRIMARY KEY, at TIMESTAMPTZ NOT NULL)",
                |at| format!("'{}'", at.format("%Y-%m-%d %H:%M:%S+00")),
            ),
            Db::MySql(..) => (
                "CREATE TABLE tm_tick (id BIGINT PRIMARY KEY, at DATETIME(6) NOT NULL)",
                |at| format!("'{}'", at.format("%Y-%m-%d %H:%M:%S")),
            ),
        };
        execute(db, create).await;
        execute(db, "CREATE INDEX tm_tick_at ON tm_tick (at)").await;
        for i in 1..=40_i64 {
            let sql = format!(
                "INSERT INTO tm_tick (id, at) VALUES ({i}, {})",
                value(at(i))
            );
            execute(db, &sql).await;
        }
        // A parameter with a fraction of a second: the row at the whole
        // second before it is left out.
        let since = utc(3, 0, 0, 20, 500_000);
        let q = || query!(from Tick select id, at where at >= {since} order by at desc, id limit 5);
        let got: Vec<(i64, DateTime<Utc>)> = fetch_all!(db, q())
            .unwrap_or_else(|e| panic!("{}: {e}", name(db)))
            .iter()
            .map(|r| (r.id, r.at))
            .collect();
        let mut want: Vec<(i64, DateTime<Utc>)> = (1..=40)
            .map(|i| (i, at(i)))
            .filter(|v| v.1 >= since)
            .collect();
        want.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        want.truncate(5);
        assert_eq!(got, want, "{}", name(db));
        let last = fetch_all!(
            db,
            query!(from Tick select max(at) as last where at < {since})
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want = (1..=40).map(at).filter(|v| *v < since).max();
        assert_eq!(last[0].last, want, "{}", name(db));
        if let Db::Sqlite(pool) = db {
            let sql = q().sql::<sqlx::Sqlite>();
            assert!(!sql.contains("strftime"), "{sql}");
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .bind(since)
                    .bind(5_i64)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            assert!(
                plan.iter().any(|row| row.3.contains("tm_tick_at")),
                "{plan:?}"
            );
        }
    }
    drop_databases(dbs).await;
}
