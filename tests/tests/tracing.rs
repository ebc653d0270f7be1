//! Each execution is a `tracing` span carrying its SQL and row count.

use std::sync::{Arc, Mutex};

use fanless::query;
use fanless_tests::data::Data;
use fanless_tests::{databases, drop_databases, fetch_all, name, setup, Db, Store};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A span seen: its name, then every field as `name=value`.
type Seen = (String, Vec<String>);

/// The spans seen.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Seen>>>);

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut spans = self.0.lock().unwrap();
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        spans.push((span.metadata().name().to_owned(), fields));
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl Recorder {
    /// The fields of the `fanless.query` spans, in order.
    fn queries(&self) -> Vec<Vec<String>> {
        let spans = self.0.lock().unwrap();
        spans
            .iter()
            .filter(|(name, _)| name == "fanless.query")
            .map(|(_, fields)| fields.clone())
            .collect()
    }

    /// How many spans were seen.
    fn mark(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The fields of the `fanless.nested` spans seen since `mark`, and how
    /// many `fanless.query` spans.
    fn nested_since(&self, mark: usize) -> (Vec<Vec<String>>, usize) {
        let spans = self.0.lock().unwrap();
        let since = spans.get(mark..).unwrap_or_default();
        let nested = since
            .iter()
            .filter(|(name, _)| name == "fanless.nested")
            .map(|(_, fields)| fields.clone())
            .collect();
        let ran = since
            .iter()
            .filter(|(name, _)| name == "fanless.query")
            .count();
        (nested, ran)
    }
}

#[tokio::test]
async fn each_execution_is_a_span_with_its_sql_and_row_count() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let dbs = databases("tracing").await;
    let data = Data::generate();
    let db = &dbs[0];
    let Db::Sqlite(pool) = db else {
        panic!("SQLite comes first")
    };
    data.insert(db).await;

    let all = query!(from Store order by id);
    let sql = all.sql::<sqlx::Sqlite>();
    let rows = all.fetch_all(pool).await.unwrap();
    let mut stream = query!(from Store where id > {1_i64}).fetch(pool);
    let mut streamed = 0;
    while stream.try_next().await.unwrap().is_some() {
        streamed += 1;
    }
    drop(stream);

    let spans = recorder.queries();
    assert_eq!(spans.len(), 2, "{spans:?}");
    assert_eq!(
        spans[0],
        [
            format!("db.statement={sql}"),
            format!("rows={}", rows.len())
        ]
    );
    assert_eq!(
        spans[1].last(),
        Some(&format!("rows={streamed}")),
        "{spans:?}"
    );
    assert_eq!(streamed, data.stores.len() - 1);
    drop_databases(dbs).await;
}

#[tokio::test]
async fn a_query_with_collections_counts_the_statements_it_ran() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let (dbs, data) = setup("tracing_nested").await;
    for db in &dbs {
        let sqlite = matches!(db, Db::Sqlite(_));
        // Integers and text: on SQLite both collections come inside the
        // stores' statement, as JSON; elsewhere one statement per level.
        let mark = recorder.mark();
        let q = query!(
            from Store
            select id, departments { id, name, employees { id, name } as staff } as departments
            order by id
        );
        let stores = fetch_all!(db, q).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want = if sqlite { 1 } else { 3 };
        let (nested, ran) = recorder.nested_since(mark);
        assert_eq!(nested, [[format!("statements={want}")]], "{}", name(db));
        assert_eq!(ran, want, "{}", name(db));
        let staff: usize = stores
            .iter()
            .flat_map(|s| &s.departments)
            .map(|d| d.staff.len())
            .sum();
        assert_eq!(staff, data.employees.len(), "{}", name(db));

        // Floats are carried too, as text of 17 digits, and come back
        // exactly.
        let mark = recorder.mark();
        let q = query!(
            from Store
            select id, products { id, price order by id } as products
            order by id
        );
        let stores = fetch_all!(db, q).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let (nested, ran) = recorder.nested_since(mark);
        let want = if sqlite { 1 } else { 2 };
        assert_eq!(nested, [[format!("statements={want}")]], "{}", name(db));
        assert_eq!(ran, want, "{}", name(db));
        for store in &stores {
            let want: Vec<(i64, f64)> = data
                .products
                .iter()
                .filter(|p| p.store_id == store.id)
                .map(|p| (p.id, p.price))
                .collect();
            let got: Vec<(i64, f64)> = store.products.iter().map(|p| (p.id, p.price)).collect();
            assert_eq!(got, want, "{}", name(db));
        }

        // Aggregates of every kind are carried, under a collection.
        let mark = recorder.mark();
        let q = query!(
            from Store
            select departments {
                id, max(employees.salary) as top, avg(employees.salary) as mean,
                employees { id, salary order by id } as staff
            } as departments
        );
        let stores = fetch_all!(db, q).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        let want = if sqlite { 1 } else { 3 };
        let (nested, ran) = recorder.nested_since(mark);
        assert_eq!(nested, [[format!("statements={want}")]], "{}", name(db));
        assert_eq!(ran, want, "{}", name(db));
        let departments: Vec<_> = stores.iter().flat_map(|s| &s.departments).collect();
        assert_eq!(departments.len(), data.departments.len(), "{}", name(db));
        for department in departments {
            let mut staff: Vec<(i64, i64)> = data
                .employees_of_department(department.id)
                .iter()
                .map(|e| (e.id, e.salary))
                .collect();
            staff.sort_unstable();
            let got: Vec<(i64, i64)> = department.staff.iter().map(|e| (e.id, e.salary)).collect();
            assert_eq!(got, staff, "{}", name(db));
            let top = staff.iter().map(|e| e.1).max();
            assert_eq!(department.top, top, "{}", name(db));
            assert_eq!(department.mean.is_some(), top.is_some(), "{}", name(db));
        }
    }
    drop_databases(dbs).await;
}

/// `sql()` of a query with collections shows each statement it runs, in
/// order, as run for one parent row at each level.
#[tokio::test]
async fn sql_of_a_query_with_collections_is_each_statement_it_runs() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let (dbs, data) = setup("tracing_statements").await;
    let department = data.departments[0].clone();
    for db in &dbs {
        let q = || {
            query!(
                from Store
                select id,
                       departments { id, employees { id order by id } as staff where id = {department.id} } as departments,
                       products { id order by id } as products
                where id = {department.store_id}
            )
        };
        let shown = match db {
            Db::Sqlite(_) => q().sql::<sqlx::Sqlite>(),
            Db::Postgres(..) => q().sql::<sqlx::Postgres>(),
            Db::MySql(..) => q().sql::<sqlx::MySql>(),
        };
        let mark = recorder.queries().len();
        let stores = fetch_all!(db, q()).unwrap_or_else(|e| panic!("{}: {e}", name(db)));
        assert_eq!(stores.len(), 1, "{}", name(db));
        let ran: String = recorder.queries()[mark..]
            .iter()
            .filter_map(|fields| fields.iter().find_map(|f| f.strip_prefix("db.statement=")))
            .map(|sql| format!("{sql};\n"))
            .collect();
        let statements = if matches!(db, Db::Sqlite(_)) { 1 } else { 4 };
        assert_eq!(ran.matches(";\n").count(), statements, "{}", name(db));
        assert_eq!(shown, ran, "{}", name(db));
    }
    drop_databases(dbs).await;
}
