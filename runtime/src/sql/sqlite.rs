//! SQLite: `"quoted"` identifiers, `?` placeholders, casts that fix the
//! storage class of sums, explicit `NULLS LAST`, and `LIMIT -1` for a lone
//! `OFFSET`.

use std::fmt::Write;

use super::{placeholders_or_json, ListForm, Syntax};
use crate::plan::{Number, Temporal};

pub(super) struct Sqlite;

impl Syntax for Sqlite {
    fn quote(&self, out: &mut String, ident: &str) {
        super::quote_with(out, ident, '"');
    }

    fn placeholder(&self, out: &mut String, _: usize) {
        out.push('?');
    }

    fn list_member(&self, out: &mut String, value: &str, param: usize, form: ListForm) {
        placeholders_or_json(self, out, (value, param, form), |out, array| {
            let _ = write!(out, "SELECT value FROM json_each({array})");
        });
    }

    fn number_type(&self, number: Number) -> Option<&'static str> {
        match number {
            Number::Integer => Some("INTEGER"),
            Number::Float => Some("REAL"),
            // sqlx reads no decimal from SQLite.
            Number::Decimal => None,
        }
    }

    fn avg_value(&self, out: &mut String, avg: &str, _: Number) {
        out.push_str(avg);
    }

    fn dates_as_text(&self) -> bool {
        true
    }

    fn instant(&self, out: &mut String, value: &str, temporal: Temporal) {
        super::temporal::sqlite_instant(out, value, temporal);
    }

    fn nullable_order(&self, out: &mut String, key: &str, _: &str, desc: bool) {
        let order = if desc {
            "DESC NULLS FIRST"
        } else {
            "ASC NULLS LAST"
        };
        let _ = write!(out, "{key} {order}");
    }

    fn null_safe_eq(&self, out: &mut String, a: &str, b: &str, negated: bool) {
        let not = if negated { " NOT" } else { "" };
        let _ = write!(out, "{a} IS{not} {b}");
    }

    fn like(&self, out: &mut String, value: &str, pattern: &str) {
        // SQLite's `LIKE` ignores ASCII case; `GLOB` does not, so the
        // pattern is translated to a glob: `[`, `*` and `?` bracketed, `%`
        // and `_` to `*` and `?`, and escaped characters kept as they are
        // (the control characters 1 to 3 stand for `\\`, `\%` and `\_`
        // meanwhile, and any other `\` is dropped).
        let mut glob = pattern.to_owned();
        for (from, to) in [
            ("'\\\\'", "char(1)"),
            ("'\\%'", "char(2)"),
            ("'\\_'", "char(3)"),
            ("'\\'", "''"),
            ("'['", "'[[]'"),
            ("'*'", "'[*]'"),
            ("'?'", "'[?]'"),
            ("'%'", "'*'"),
            ("'_'", "'?'"),
            ("char(1)", "'\\'"),
            ("char(2)", "'%'"),
            ("char(3)", "'_'"),
        ] {
            glob = format!("replace({glob}, {from}, {to})");
        }
        let _ = write!(out, "{value} GLOB {glob}");
    }

    fn no_limit(&self) -> &'static str {
        "-1"
    }

    fn restricts_by_in(&self) -> bool {
        true
    }

    fn row_value(&self, columns: &[String]) -> String {
        format!("json_array({})", columns.join(", "))
    }
}
