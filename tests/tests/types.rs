//! Column types beyond the primitives — chrono, time, UUIDs, decimals,
//! JSON, a user's `#[derive(sqlx::Type)]` enum and newtype — in every
//! position of a query, on every database sqlx supports them on, against
//! answers computed here in Rust: selected, compared with a parameter,
//! sorted, read through a nullable relation, grouped on in the join form,
//! under `min`/`max` (path and join form), and created by `create_table`.

use fanless::{query, Model};
use fanless_tests::{connect, drop_databases, execute, fetch_all, name, Db};
use sqlx::types::chrono::{self, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sqlx::types::{time, Decimal, JsonValue, Uuid};

/// A user's enum, stored as its discriminant.
#[derive(sqlx::Type, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(i32)]
enum Mood {
    Calm = 1,
    Busy = 2,
    Late = 3,
}

/// A user's newtype.
#[derive(sqlx::Type, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[sqlx(transparent)]
struct Cents(i64);

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ty_calendar", has_many(events = Event), has_many(entries = Entry))]
struct Calendar {
    #[model(primary_key)]
    id: i64,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ty_event", has_many(items = Item))]
struct Event {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Calendar))]
    calendar_id: i64,
    day: NaiveDate,
    clock: NaiveTime,
    at: NaiveDateTime,
    utc: chrono::DateTime<Utc>,
    t_day: time::Date,
    t_clock: time::Time,
    t_at: time::PrimitiveDateTime,
    t_utc: time::OffsetDateTime,
    uid: Uuid,
    doc: JsonValue,
    #[model(sql_type = "INTEGER")]
    mood: Mood,
    #[model(sql_type = "BIGINT")]
    cents: Cents,
    note: Option<NaiveDateTime>,
}

/// Reads an event's columns through a nullable relation.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ty_item")]
struct Item {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Event))]
    event_id: Option<i64>,
}

/// Decimals, which sqlx reads from PostgreSQL and MySQL only.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "ty_entry")]
struct Entry {
    #[model(primary_key)]
    id: i64,
    #[model(belongs_to(Calendar))]
    calendar_id: i64,
    amount: Decimal,
    fee: Option<Decimal>,
}

/// Calendar 4 has no event, no entry, and so `min`/`max` of nothing.
const CALENDARS: i64 = 4;

fn calendars() -> Vec<Calendar> {
    (1..=CALENDARS)
        .map(|id| Calendar {
            id,
            name: format!("calendar {id}"),
        })
        .collect()
}

/// 40 events whose values repeat (so that `=`, `group by` and ties in
/// `order by` meet duplicates), with microseconds, the finest precision
/// every database keeps.
fn events() -> Vec<Event> {
    (1..=40i64)
        .map(|id| {
            let k = (id * 7919) % 13;
            let day = NaiveDate::from_ymd_opt(2020 + (k % 3) as i32, 1 + (k % 12) as u32, 28)
                .expect("a valid date");
            let clock = NaiveTime::from_hms_micro_opt(
                (k % 24) as u32,
                59,
                30,
                (k * 76_543 % 1_000_000) as u32,
            )
            .expect("a valid time");
            let at = day.and_time(clock);
            let t_day = time::Date::from_ordinal_date(2020 + (k % 3) as i32, 1 + (k * 27) as u16)
                .expect("a valid date");
            let t_clock = time::Time::from_hms_micro((k % 24) as u8, 1, 2, (k * 31_013) as u32)
                .expect("a valid time");
            let t_at = time::PrimitiveDateTime::new(t_day, t_clock);
            Event {
                id,
                calendar_id: 1 + id % (CALENDARS - 1),
                day,
                clock,
                at,
                utc: at.and_utc(),
                t_day,
                t_clock,
                t_at,
                t_utc: t_at.assume_utc(),
                uid: Uuid::from_u128(
                    (k as u128).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835),
                ),
                doc: JsonValue::from(vec![k, id]),
                mood: [Mood::Calm, Mood::Busy, Mood::Late][(k % 3) as usize],
                cents: Cents(k * 37 % 100 - 50),
                note: (k % 4 != 0).then_some(at),
            }
        })
        .collect()
}

/// 30 items, every fifth without an event.
fn items() -> Vec<Item> {
    (1..=30)
        .map(|id| Item {
            id,
            event_id: (id % 5 != 0).then_some(1 + (id * 3) % 40),
        })
        .collect()
}

fn entries() -> Vec<Entry> {
    (1..=38i64)
        .map(|id| Entry {
            id,
            calendar_id: 1 + id % (CALENDARS - 1),
            amount: Decimal::new(id * 1_234 % 9_999 - 2_500, 2),
            fee: (id % 3 != 0).then(|| Decimal::new(id * 17 % 101, 3)),
        })
        .collect()
}

/// `INSERT` with the placeholders of `db`.
fn insert(db: &Db, table: &str, columns: &[&str]) -> String {
    let placeholders: Vec<String> = (1..=columns.len())
        .map(|i| match db {
            Db::Postgres(..) => format!("${i}"),
            Db::Sqlite(_) | Db::MySql(..) => "?".to_owned(),
        })
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        placeholders.join(", ")
    )
}

/// Runs `$body` with `$pool` bound to the pool of whichever database `$db`
/// is, and drops what it returns.
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            Db::Sqlite($pool) => drop($body),
            Db::Postgres($pool, _) => drop($body),
            Db::MySql($pool, _) => drop($body),
        }
    };
}

async fn create<M>(db: &Db)
where
    M: fanless::__private::Table<sqlx::Sqlite>
        + fanless::__private::Table<sqlx::Postgres>
        + fanless::__private::Table<sqlx::MySql>,
{
    let statements = match db {
        Db::Sqlite(_) => M::create_table::<sqlx::Sqlite>(),
        Db::Postgres(..) => M::create_table::<sqlx::Postgres>(),
        Db::MySql(..) => M::create_table::<sqlx::MySql>(),
    };
    for statement in statements {
        execute(db, &statement).await;
    }
}

/// The databases, each with the calendars, events and items.
async fn setup(test: &str) -> Vec<Db> {
    let dbs = connect(test).await;
    for db in &dbs {
        create::<Calendar>(db).await;
        create::<Event>(db).await;
        create::<Item>(db).await;
        let sql = insert(db, "ty_calendar", Calendar::META.columns);
        for calendar in calendars() {
            on_db!(db, |pool| sqlx::query(&sql)
                .bind(calendar.id)
                .bind(&calendar.name)
                .execute(pool)
                .await
                .expect("insert a calendar"));
        }
        let sql = insert(db, "ty_event", Event::META.columns);
        for e in events() {
            on_db!(db, |pool| sqlx::query(&sql)
                .bind(e.id)
                .bind(e.calendar_id)
                .bind(e.day)
                .bind(e.clock)
                .bind(e.at)
                .bind(e.utc)
                .bind(e.t_day)
                .bind(e.t_clock)
                .bind(e.t_at)
                .bind(e.t_utc)
                .bind(e.uid)
                .bind(&e.doc)
                .bind(e.mood)
                .bind(e.cents)
                .bind(e.note)
                .execute(pool)
                .await
                .expect("insert an event"));
        }
        let sql = insert(db, "ty_item", Item::META.columns);
        for item in items() {
            on_db!(db, |pool| sqlx::query(&sql)
                .bind(item.id)
                .bind(item.event_id)
                .execute(pool)
                .await
                .expect("insert an item"));
        }
    }
    dbs
}

/// The events' `(id, value)` of one column, in id order.
fn values<T: Clone>(column: impl Fn(&Event) -> T) -> Vec<(i64, T)> {
    events().iter().map(|e| (e.id, column(e))).collect()
}

/// The selected, compared, sorted, read-through-a-relation and grouped
/// positions of column `$col`, whose values have an order in Rust that
/// every database shares.
macro_rules! compared {
    ($db:expr, $col:ident) => {{
        let db = $db;
        let what = format!("`{}` on {}", stringify!($col), name(db));
        let want = values(|e| e.$col.clone());

        let rows = fetch_all!(db, query!(from Event select id, $col order by id)).expect(&what);
        let got: Vec<_> = rows.into_iter().map(|r| (r.id, r.$col)).collect();
        assert_eq!(got, want, "select {what}");

        let mut sorted: Vec<_> = want.iter().map(|(_, v)| v.clone()).collect();
        sorted.sort();
        let pivot = sorted[sorted.len() / 2].clone();
        let equal = fetch_all!(db, query!(from Event select id where $col = {&pivot} order by id));
        let less = fetch_all!(db, query!(from Event select id where $col < {pivot.clone()} order by id));
        for (less, got) in [
            (false, equal.expect(&what).into_iter().map(|r| r.id).collect::<Vec<i64>>()),
            (true, less.expect(&what).into_iter().map(|r| r.id).collect()),
        ] {
            let expected: Vec<i64> = want
                .iter()
                .filter(|(_, v)| if less { *v < pivot } else { *v == pivot })
                .map(|(id, _)| *id)
                .collect();
            assert!(!expected.is_empty(), "the pivot of {what} matches rows");
            assert_eq!(got, expected, "where (less: {less}) {what}");
        }

        let rows = fetch_all!(db, query!(from Event select id order by $col desc, id)).expect(&what);
        let got: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
        let mut sorted = want.clone();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let expected: Vec<i64> = sorted.iter().map(|(id, _)| *id).collect();
        assert_eq!(got, expected, "order by {what}");

        let rows = fetch_all!(db, query!(from Item select id, event.$col as v order by id)).expect(&what);
        let got: Vec<_> = rows.into_iter().map(|r| (r.id, r.v)).collect();
        let expected: Vec<_> = items()
            .iter()
            .map(|item| {
                let value = item
                    .event_id
                    .and_then(|event| want.iter().find(|(id, _)| *id == event))
                    .map(|(_, v)| v.clone());
                (item.id, value)
            })
            .collect();
        assert_eq!(got, expected, "through a nullable relation {what}");

        let rows = fetch_all!(
            db,
            query!(from Event e select e.$col as v, count(e) as n group by e.$col order by v)
        )
        .expect(&what);
        let got: Vec<_> = rows.into_iter().map(|r| (r.v, r.n)).collect();
        let mut expected: Vec<(_, i64)> = Vec::new();
        let mut keys: Vec<_> = want.iter().map(|(_, v)| v.clone()).collect();
        keys.sort();
        for key in keys {
            match expected.last_mut() {
                Some((last, n)) if *last == key => *n += 1,
                _ => expected.push((key, 1)),
            }
        }
        assert_eq!(got, expected, "group by {what}");
    }};
}

/// `min` and `max` of column `$col` over a relation path and over a join,
/// per calendar, `None` for the calendar without events.
macro_rules! extremes {
    ($db:expr, $col:ident) => {{
        let db = $db;
        let what = format!("`{}` on {}", stringify!($col), name(db));
        let all = events();
        let expected: Vec<_> = calendars()
            .iter()
            .map(|c| {
                let of = || all.iter().filter(|e| e.calendar_id == c.id).map(|e| e.$col.clone());
                (c.id, of().min(), of().max())
            })
            .collect();
        assert!(expected.iter().any(|(_, lo, _)| lo.is_none()));

        let rows = fetch_all!(
            db,
            query!(from Calendar select id, min(events.$col) as lo, max(events.$col) as hi order by id)
        )
        .expect(&what);
        let got: Vec<_> = rows.into_iter().map(|r| (r.id, r.lo, r.hi)).collect();
        assert_eq!(got, expected, "min and max of a path, {what}");

        let rows = fetch_all!(
            db,
            query!(
                from Calendar c left join c.events e
                select c.id, min(e.$col) as lo, max(e.$col) as hi
                group by c.id order by c.id
            )
        )
        .expect(&what);
        let got: Vec<_> = rows.into_iter().map(|r| (r.id, r.lo, r.hi)).collect();
        assert_eq!(got, expected, "min and max of a join, {what}");
    }};
}

#[tokio::test]
async fn date_and_time_types_work_in_every_position() {
    let dbs = setup("types_time").await;
    for db in &dbs {
        compared!(db, day);
        compared!(db, clock);
        compared!(db, at);
        compared!(db, utc);
        compared!(db, t_day);
        compared!(db, t_clock);
        compared!(db, t_at);
        compared!(db, t_utc);
        extremes!(db, day);
        extremes!(db, clock);
        extremes!(db, at);
        extremes!(db, utc);
        extremes!(db, t_day);
        extremes!(db, t_clock);
        extremes!(db, t_at);
        extremes!(db, t_utc);
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn user_types_and_uuids_work_in_every_position() {
    let dbs = setup("types_user").await;
    for db in &dbs {
        compared!(db, mood);
        compared!(db, cents);
        compared!(db, uid);
        extremes!(db, mood);
        extremes!(db, cents);
    }
    drop_databases(dbs).await;
}

#[tokio::test]
async fn nullable_and_json_columns_are_selected_and_tested_for_null() {
    let dbs = setup("types_null").await;
    for db in &dbs {
        let what = name(db);
        let rows = fetch_all!(db, query!(from Event select id, doc, note order by id)).expect(what);
        let got: Vec<_> = rows.into_iter().map(|r| (r.id, r.doc, r.note)).collect();
        let want: Vec<_> = events()
            .into_iter()
            .map(|e| (e.id, e.doc, e.note))
            .collect();
        assert_eq!(got, want, "select on {what}");

        let rows = fetch_all!(
            db,
            query!(from Event select id where note is null order by id)
        )
        .expect(what);
        let got: Vec<i64> = rows.into_iter().map(|r| r.id).collect();
        let want: Vec<i64> = events()
            .iter()
            .filter(|e| e.note.is_none())
            .map(|e| e.id)
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "is null on {what}");

        let rows = fetch_all!(
            db,
            query!(from Calendar select id, max(events.note) as last order by id)
        )
        .expect(what);
        let got: Vec<_> = rows.into_iter().map(|r| (r.id, r.last)).collect();
        let want: Vec<_> = calendars()
            .iter()
            .map(|c| {
                let last = events()
                    .iter()
                    .filter(|e| e.calendar_id == c.id)
                    .filter_map(|e| e.note)
                    .max();
                (c.id, last)
            })
            .collect();
        assert_eq!(got, want, "max of a nullable column on {what}");
    }
    drop_databases(dbs).await;
}

/// `(id, sum, avg)` of the entries' amounts and fees per calendar, as the
/// databases return them.
type Sums = Vec<(i64, Decimal, Option<Decimal>, Decimal, Option<Decimal>)>;

#[tokio::test]
async fn decimals_sum_and_average_exactly_on_postgres_and_mysql() {
    let dbs = setup("types_decimal").await;
    let mut checked = 0;
    for db in &dbs {
        let what = name(db);
        // The query, on a pool of a database sqlx reads decimals from.
        macro_rules! on_decimal_db {
            (|$pool:ident| $body:expr) => {
                match db {
                    Db::Sqlite(_) => continue,
                    Db::Postgres($pool, _) => $body,
                    Db::MySql($pool, _) => $body,
                }
            };
        }
        let statements = match db {
            Db::Sqlite(_) => continue,
            Db::Postgres(..) => Entry::create_table::<sqlx::Postgres>(),
            Db::MySql(..) => Entry::create_table::<sqlx::MySql>(),
        };
        for statement in statements {
            execute(db, &statement).await;
        }
        let sql = insert(db, "ty_entry", Entry::META.columns);
        for entry in entries() {
            on_decimal_db!(|pool| drop(
                sqlx::query(&sql)
                    .bind(entry.id)
                    .bind(entry.calendar_id)
                    .bind(entry.amount)
                    .bind(entry.fee)
                    .execute(pool)
                    .await
                    .expect("insert an entry")
            ));
        }

        let got: Vec<_> =
            on_decimal_db!(|pool| query!(from Entry select id, amount, fee order by id)
                .fetch_all(pool)
                .await
                .expect(what)
                .into_iter()
                .map(|r| (r.id, r.amount, r.fee))
                .collect());
        let want: Vec<_> = entries()
            .into_iter()
            .map(|e| (e.id, e.amount, e.fee))
            .collect();
        assert_eq!(got, want, "select on {what}");

        let pivot = entries()[7].amount;
        let got: Vec<i64> = on_decimal_db!(|pool| query!(
            from Entry select id where amount <= {pivot} order by amount, id
        )
        .fetch_all(pool)
        .await
        .expect(what)
        .into_iter()
        .map(|r| r.id)
        .collect());
        let mut want: Vec<(Decimal, i64)> = entries()
            .iter()
            .filter(|e| e.amount <= pivot)
            .map(|e| (e.amount, e.id))
            .collect();
        want.sort();
        assert_eq!(
            got,
            want.iter().map(|w| w.1).collect::<Vec<_>>(),
            "where and order by on {what}"
        );

        // Every calendar: derived tables. One calendar: subqueries, or
        // one `LATERAL` or restricted derived table for the two paths.
        // Over joined rows: the join form.
        let all: Sums = on_decimal_db!(|pool| query!(
            from Calendar
            select id, sum(entries.amount) as total, avg(entries.amount) as mean,
                   sum(entries.fee) as fees, avg(entries.fee) as mean_fee
            order by id
        )
        .fetch_all(pool)
        .await
        .expect(what)
        .into_iter()
        .map(|r| (r.id, r.total, r.mean, r.fees, r.mean_fee))
        .collect());
        let mut one: Sums = Vec::new();
        for c in calendars() {
            let rows: Sums = on_decimal_db!(|pool| query!(
                from Calendar
                select id, sum(entries.amount) as total, avg(entries.amount) as mean,
                       sum(entries.fee) as fees, avg(entries.fee) as mean_fee
                where id = {c.id}
            )
            .fetch_all(pool)
            .await
            .expect(what)
            .into_iter()
            .map(|r| (r.id, r.total, r.mean, r.fees, r.mean_fee))
            .collect());
            one.extend(rows);
        }
        let joined: Sums = on_decimal_db!(|pool| query!(
            from Calendar c left join c.entries e
            select c.id, sum(e.amount) as total, avg(e.amount) as mean,
                   sum(e.fee) as fees, avg(e.fee) as mean_fee
            group by c.id
            order by c.id
        )
        .fetch_all(pool)
        .await
        .expect(what)
        .into_iter()
        .map(|r| (r.id, r.total, r.mean, r.fees, r.mean_fee))
        .collect());
        let want: Sums = calendars()
            .iter()
            .map(|c| {
                let mine: Vec<Entry> = entries()
                    .into_iter()
                    .filter(|e| e.calendar_id == c.id)
                    .collect();
                let amounts: Vec<Decimal> = mine.iter().map(|e| e.amount).collect();
                let fees: Vec<Decimal> = mine.iter().filter_map(|e| e.fee).collect();
                let mean = |values: &[Decimal]| {
                    (!values.is_empty())
                        .then(|| values.iter().sum::<Decimal>() / Decimal::from(values.len()))
                };
                (
                    c.id,
                    amounts.iter().sum(),
                    mean(&amounts),
                    fees.iter().sum(),
                    mean(&fees),
                )
            })
            .collect();
        // Some averages repeat forever, so that a short scale shows.
        assert!(want.iter().any(|w| w.2.is_some_and(|m| m.scale() > 20)));
        // Sums are exact; averages agree with the exact mean (which
        // `Decimal` holds to 28 digits) to 20 significant digits.
        let close = |a: Option<Decimal>, b: Option<Decimal>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() <= b.abs() * Decimal::new(1, 20),
            (a, b) => a == b,
        };
        for (shape, got) in [
            ("every calendar", &all),
            ("one calendar", &one),
            ("joined", &joined),
        ] {
            assert_eq!(got.len(), want.len(), "{shape} on {what}");
            for (got, want) in got.iter().zip(&want) {
                assert_eq!(
                    (got.0, got.1, got.3),
                    (want.0, want.1, want.3),
                    "sums of {shape} on {what}"
                );
                assert!(
                    close(got.2, want.2) && close(got.4, want.4),
                    "averages of {shape} on {what}: {got:?} against {want:?}"
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 0 || std::env::var("FANLESS_REQUIRE_DBS").as_deref() != Ok("1"));
    drop_databases(dbs).await;
}

/// A collection of every type: on SQLite the dates, UUIDs and JSON keep
/// the events in a statement of their own, which carries their items as
/// JSON.
#[tokio::test]
async fn every_type_comes_in_a_collection_with_its_own() {
    let dbs = setup("types_nested").await;
    let (events, items) = (events(), items());
    for db in &dbs {
        let calendars = fetch_all!(
            db,
            query!(
                from Calendar
                select id,
                    events {
                        id, day, clock, at, utc, t_day, t_clock, t_at, t_utc, uid, doc, mood,
                        cents, note, items { id order by id } as items
                        order by id
                    } as events
                order by id
            )
        )
        .unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        assert_eq!(calendars.len() as i64, CALENDARS, "{}", name(db));
        for calendar in &calendars {
            let want: Vec<&Event> = events
                .iter()
                .filter(|e| e.calendar_id == calendar.id)
                .collect();
            assert_eq!(calendar.events.len(), want.len(), "{}", name(db));
            for (got, want) in calendar.events.iter().zip(want) {
                assert_eq!(
                    (
                        got.id,
                        got.day,
                        got.clock,
                        got.at,
                        got.utc,
                        got.t_day,
                        got.t_clock
                    ),
                    (
                        want.id,
                        want.day,
                        want.clock,
                        want.at,
                        want.utc,
                        want.t_day,
                        want.t_clock
                    ),
                    "{}",
                    name(db)
                );
                assert_eq!(
                    (got.t_at, got.t_utc, got.uid, &got.doc, got.mood, got.cents, got.note),
                    (
                        want.t_at, want.t_utc, want.uid, &want.doc, want.mood, want.cents,
                        want.note
                    ),
                    "{}",
                    name(db)
                );
                let own: Vec<i64> = items
                    .iter()
                    .filter(|i| i.event_id == Some(want.id))
                    .map(|i| i.id)
                    .collect();
                let got: Vec<i64> = got.items.iter().map(|i| i.id).collect();
                assert_eq!(got, own, "{}", name(db));
            }
        }
    }
    drop_databases(dbs).await;
}
