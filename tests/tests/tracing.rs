//! Each execution is a `tracing` span carrying its SQL and row count.

use std::sync::{Arc, Mutex};

use fanless::query;
use fanless_tests::data::Data;
use fanless_tests::{databases, drop_databases, Db, Store};
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
