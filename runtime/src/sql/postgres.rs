//! PostgreSQL: `"quoted"` identifiers, `$n` placeholders, and casts back to
//! `BIGINT`/`DOUBLE PRECISION` where `SUM` and `AVG` return `NUMERIC`.

use std::fmt::Write;

use super::{ListForm, Syntax};
use crate::plan::Number;

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

    fn list_member(&self, out: &mut String, value: &str, param: usize, _: ListForm) {
        // One array parameter, whatever the list's length.
        let _ = write!(out, "{value} = ANY(");
        self.placeholder(out, param);
        out.push(')');
    }

    fn number_type(&self, number: Number) -> Option<&'static str> {
        match number {
            Number::Integer => Some("BIGINT"),
            Number::Float => Some("DOUBLE PRECISION"),
            Number::Decimal => None,
        }
    }

    fn avg(&self, out: &mut String, distinct: bool, operand: &str, number: Number) {
        // `AVG` of a `NUMERIC` has 16 significant digits: the sum, widened
        // to 28 decimals, divides into at least as many, rounded to the 28
        // that `Decimal` holds.
        let distinct = if distinct { "DISTINCT " } else { "" };
        match number {
            Number::Decimal => {
                let _ = write!(
                    out,
                    "ROUND(CAST(SUM({distinct}{operand}) AS NUMERIC(1000, 28)) / COUNT({distinct}{operand}), 28)"
                );
            }
            Number::Integer | Number::Float => {
                let _ = write!(out, "AVG({distinct}{operand})");
            }
        }
    }

    fn nullable_order(&self, out: &mut String, key: &str, _: &str, desc: bool) {
        // PostgreSQL's own order: NULL is larger than every value.
        let _ = write!(out, "{key} {}", if desc { "DESC" } else { "ASC" });
    }

    fn null_safe_eq(&self, out: &mut String, a: &str, b: &str, negated: bool) {
        // `IS NOT DISTINCT FROM` cannot use a btree index; `=` or-ed with
        // both `IS NULL` can (a bitmap or of two index scans). Each branch
        // is false, never `NULL`, when one side is `NULL`, so that `not`
        // around it holds.
        if negated {
            let _ = write!(out, "{a} IS DISTINCT FROM {b}");
        } else {
            let _ = write!(
                out,
                "(({a} = {b} AND {a} IS NOT NULL AND {b} IS NOT NULL) OR ({a} IS NULL AND {b} IS NULL))"
            );
        }
    }

    fn like(&self, out: &mut String, value: &str, pattern: &str) {
        let _ = write!(out, "{value} LIKE {pattern} ESCAPE '\\'");
    }

    fn no_limit(&self) -> &'static str {
        "ALL"
    }

    fn inline_cte(&self) -> &'static str {
        " NOT MATERIALIZED"
    }

    fn row_value(&self, columns: &[String]) -> String {
        format!("({})", columns.join(", "))
    }
}
