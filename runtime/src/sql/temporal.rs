//! Dates and times on a database that stores them as text (SQLite): in
//! comparisons, `in`, `order by`, `min` and `max`, values are read by the
//! instant they mean rather than by their text, which other programs
//! write with `T` or a space, with fractions of a second or none, with
//! `Z`, an offset or none. A column the model says holds Unix times is
//! compared as stored, and its parameters read as Unix times.

use std::fmt::Write;

use super::{ListForm, Renderer};
use crate::plan::{AggFn, Expr, Item, Temporal};

/// SQLite's text of `value` that sorts as the instants do: its time of
/// day, in UTC where it has an offset, as `HH:MM:SS` (after `YYYY-MM-DD `
/// for a date and time), then its fraction of a second without trailing
/// zeros (`.5` for `.500000`). `strftime` reads every text form, but
/// rounds the seconds to milliseconds (`59.999999` to the next minute):
/// the fraction, which no offset changes, is read from the text as a
/// number, taken off before `strftime` keeps whole seconds, and written
/// after them to 9 digits. An integer is a Unix time and a real a Julian
/// day, as sqlx reads them.
pub(super) fn sqlite_instant(out: &mut String, value: &str, temporal: Temporal) {
    let fraction = format!(
        "CASE WHEN instr({value}, '.') > 0 THEN CAST(substr({value}, instr({value}, '.')) AS REAL) ELSE 0 END"
    );
    let format = match temporal {
        Temporal::Plain => {
            out.push_str(value);
            return;
        }
        Temporal::DateTime => "%Y-%m-%d %H:%M:%S",
        Temporal::Time => "%H:%M:%S",
        // Seconds since the epoch, fractions too.
        Temporal::Unix => {
            let _ = write!(
                out,
                "(CASE typeof({value}) WHEN 'integer' THEN {value} \
                 WHEN 'real' THEN ({value} - 2440587.5) * 86400.0 \
                 ELSE unixepoch({value}, printf('%+.9f seconds', -{fraction})) + {fraction} END)"
            );
            return;
        }
    };
    let _ = write!(
        out,
        "(CASE typeof({value}) WHEN 'integer' THEN strftime('{format}', {value}, 'unixepoch') \
         WHEN 'real' THEN strftime('{format}', {value}) \
         ELSE strftime('{format}', {value}, printf('%+.9f seconds', -{fraction})) \
         || rtrim(rtrim(substr(printf('%.9f', {fraction}), 2), '0'), '.') END)"
    );
}

impl Renderer<'_> {
    /// `value`, of kind `temporal`, as the dialect compares such values;
    /// where `once`, `value` binds a parameter, so it is read once through
    /// a row of its own.
    pub(super) fn instant(&self, value: String, temporal: Temporal, once: bool) -> String {
        // A column of Unix times is compared as stored, its parameters
        // read as Unix times.
        if !self.by_instant(temporal) || (temporal == Temporal::Unix && !once) {
            return value;
        }
        let mut out = String::new();
        if once {
            out.push_str("(SELECT ");
            self.syntax.instant(&mut out, "v", temporal);
            let _ = write!(out, " FROM (SELECT {value} AS v))");
        } else {
            self.syntax.instant(&mut out, &value, temporal);
        }
        out
    }

    /// Whether the dialect reads values of kind `temporal` otherwise than
    /// as they are stored.
    pub(super) fn by_instant(&self, temporal: Temporal) -> bool {
        temporal != Temporal::Plain && self.syntax.dates_as_text()
    }

    /// What `expr` holds: dates and times for a column of them and for
    /// `min` and `max` of one (which [`Self::call`] already reads by
    /// instant).
    pub(super) fn temporal_of(expr: &Expr) -> Temporal {
        match expr {
            Expr::Column(path) => path.temporal,
            Expr::Agg(agg) if matches!(agg.func, AggFn::Min | AggFn::Max) => agg.temporal,
            Expr::Joined(agg) if matches!(agg.func, AggFn::Min | AggFn::Max) => agg.temporal,
            _ => Temporal::Plain,
        }
    }

    /// What two values that meet hold: dates and times where either does.
    pub(super) fn either_temporal(a: &Expr, b: &Expr) -> Temporal {
        Self::either(Self::temporal_of(a), b)
    }

    /// `temporal`, or what `expr` holds where that is plain.
    pub(super) fn either(temporal: Temporal, expr: &Expr) -> Temporal {
        match temporal {
            Temporal::Plain => Self::temporal_of(expr),
            temporal => temporal,
        }
    }

    /// The elements of a list parameter bound at `position` in `form`, as a
    /// subquery of dates and times read by instant, where the dialect
    /// reads them so: `SELECT ... FROM (SELECT ? AS v UNION ALL ...)`.
    pub(super) fn instant_rows(
        &self,
        temporal: Temporal,
        position: usize,
        form: ListForm,
    ) -> Option<String> {
        let ListForm::Placeholders(class @ 1..) = form else {
            return None;
        };
        if !self.by_instant(temporal) {
            return None;
        }
        let mut read = String::new();
        self.syntax.instant(&mut read, "v", temporal);
        let mut rows = Vec::with_capacity(class);
        for _ in 0..class {
            let mut placeholder = String::new();
            self.syntax.placeholder(&mut placeholder, position);
            rows.push(format!("SELECT {placeholder} AS v"));
        }
        Some(format!(
            "SELECT {read} FROM ({}) AS tl",
            rows.join(" UNION ALL ")
        ))
    }

    /// `rendered`, the text of `expr`, as it compares with values of kind
    /// `temporal`: a column or a parameter read by instant; `min` and `max`
    /// already are.
    pub(super) fn compared(&self, expr: &Expr, rendered: String, temporal: Temporal) -> String {
        match expr {
            Expr::Column(_) => self.instant(rendered, temporal, false),
            Expr::Param(_) => self.instant(rendered, temporal, true),
            _ => rendered,
        }
    }

    /// What an `order by` key holds: a select item's name what the column
    /// it selects holds (`min` and `max` are already read by instant).
    pub(super) fn order_temporal(expr: &Expr, items: &[Item]) -> Temporal {
        let expr = named(expr, items).map_or(expr, |(_, item)| &item.expr);
        match expr {
            Expr::Column(path) => path.temporal,
            _ => Temporal::Plain,
        }
    }

    /// `value`, the text of the `order by` key `expr`, as it sorts.
    pub(super) fn ordered(&self, expr: &Expr, value: String, items: &[Item]) -> String {
        self.instant(value, Self::order_temporal(expr, items), false)
    }
}

/// The select item an `order by` key names, with its index.
pub(super) fn named<'i>(expr: &Expr, items: &'i [Item]) -> Option<(usize, &'i Item)> {
    match expr {
        Expr::Output(name) => items
            .iter()
            .enumerate()
            .find(|(_, item)| item.name == *name),
        _ => None,
    }
}
