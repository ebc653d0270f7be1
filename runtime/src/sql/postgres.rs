//! PostgreSQL: `"quoted"` identifiers, `$n` placeholders, and casts back to
//! `BIGINT`/`DOUBLE PRECISION` where `SUM` and `AVG` return `NUMERIC`.

use std::fmt::Write;

use super::Syntax;

pub(super) struct Postgres;

impl Syntax for Postgres {
    fn quote(&self, out: &mut String, ident: &str) {
        super::quote_with(out, ident, '"');
    }

    fn placeholder(&self, out: &mut String, index: usize) {
        let _ = write!(out, "${}", index + 1);
    }

    fn numbered(&self) -> bool {
        true
    }

    fn sum_value(&self, out: &mut String, sum: &str, float: bool) {
        let ty = if float { "DOUBLE PRECISION" } else { "BIGINT" };
        let _ = write!(out, "CAST(COALESCE({sum}, 0) AS {ty})");
    }

    fn avg_value(&self, out: &mut String, avg: &str) {
        let _ = write!(out, "CAST({avg} AS DOUBLE PRECISION)");
    }

    fn nullable_order(&self, out: &mut String, key: &str, desc: bool) {
        // PostgreSQL's own order: NULL is larger than every value.
        let _ = write!(out, "{key} {}", if desc { "DESC" } else { "ASC" });
    }

    fn no_limit(&self) -> &'static str {
        "ALL"
    }

    fn inline_cte(&self) -> &'static str {
        " NOT MATERIALIZED"
    }
}
