//! SQLite: `"quoted"` identifiers, `?` placeholders, casts that fix the
//! storage class of sums, explicit `NULLS LAST`, and `LIMIT -1` for a lone
//! `OFFSET`.

use std::fmt::Write;

use super::Syntax;

pub(super) struct Sqlite;

impl Syntax for Sqlite {
    fn quote(&self, out: &mut String, ident: &str) {
        super::quote_with(out, ident, '"');
    }

    fn placeholder(&self, out: &mut String, _: usize) {
        out.push('?');
    }

    fn sum_value(&self, out: &mut String, sum: &str, float: bool) {
        let ty = if float { "REAL" } else { "INTEGER" };
        let _ = write!(out, "CAST(COALESCE({sum}, 0) AS {ty})");
    }

    fn avg_value(&self, out: &mut String, avg: &str) {
        out.push_str(avg);
    }

    fn nullable_order(&self, out: &mut String, key: &str, desc: bool) {
        let order = if desc {
            "DESC NULLS FIRST"
        } else {
            "ASC NULLS LAST"
        };
        let _ = write!(out, "{key} {order}");
    }

    fn no_limit(&self) -> &'static str {
        "-1"
    }

    fn restricts_by_in(&self) -> bool {
        true
    }
}
