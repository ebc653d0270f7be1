//! The statements fanless runs, as its `tracing` spans report them: each
//! statement's SQL (`fanless.query`), and how many statements a query with
//! collections ran (`fanless.nested`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// What the spans said since the last [`Log::take`].
#[derive(Debug, Default)]
pub struct Taken {
    /// The SQL of each statement, in order.
    pub statements: Vec<String>,
    /// The `statements` count each `fanless.nested` span recorded.
    pub counted: Vec<u64>,
}

/// The log the subscriber writes, shared with the program.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Taken>>);

impl Log {
    /// Installs a subscriber that writes to a new log, for the whole
    /// program.
    pub fn install() -> Result<Self, Box<dyn std::error::Error>> {
        let log = Self::default();
        tracing::subscriber::set_global_default(Spans {
            log: log.clone(),
            next: AtomicU64::new(1),
        })?;
        Ok(log)
    }

    /// What was logged since the last call.
    pub fn take(&self) -> Taken {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

struct Spans {
    log: Log,
    next: AtomicU64,
}

/// Reads the one field it looks for.
struct Find {
    name: &'static str,
    text: Option<String>,
    number: Option<u64>,
}

impl Find {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            text: None,
            number: None,
        }
    }
}

impl Visit for Find {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == self.name {
            self.text = Some(value.to_owned());
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == self.name {
            self.number = Some(value);
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, u64::try_from(value).unwrap_or_default());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == self.name {
            self.text = Some(format!("{value:?}"));
        }
    }
}

impl Subscriber for Spans {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.name().starts_with("fanless.")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        if span.metadata().name() == "fanless.query" {
            let mut find = Find::new("db.statement");
            span.record(&mut find);
            if let Some(sql) = find.text {
                let mut log = self.log.0.lock().unwrap_or_else(PoisonError::into_inner);
                log.statements.push(sql);
            }
        }
        Id::from_u64(self.next.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut find = Find::new("statements");
        values.record(&mut find);
        if let Some(count) = find.number {
            let mut log = self.log.0.lock().unwrap_or_else(PoisonError::into_inner);
            log.counted.push(count);
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
