//! MySQL and MariaDB: `` `quoted` `` identifiers, `?` placeholders, casts to
//! `SIGNED`/`DOUBLE` where `SUM` and `AVG` return `DECIMAL`, an `IS NULL` key
//! for PostgreSQL's `NULL` order, and a maximal `LIMIT` for a lone `OFFSET`.

use std::fmt::Write;

use super::{placeholders_or_json, ListForm, Syntax};
use crate::plan::Number;

pub(super) struct MySql;

impl Syntax for MySql {
    fn quote(&self, out: &mut String, ident: &str) {
        super::quote_with(out, ident, '`');
    }

    fn placeholder(&self, out: &mut String, _: usize) {
        out.push('?');
    }

    fn list_member(&self, out: &mut String, value: &str, param: usize, form: ListForm) {
        placeholders_or_json(self, out, (value, param, form), |out, array| {
            let _ = write!(
                out,
                "SELECT fanless_list.v FROM JSON_TABLE({array}, '$[*]' COLUMNS (v BIGINT PATH '$')) AS fanless_list"
            );
        });
    }

    fn number_type(&self, number: Number) -> Option<&'static str> {
        match number {
            Number::Integer => Some("SIGNED"),
            Number::Float => Some("DOUBLE"),
            Number::Decimal => None,
        }
    }

    fn sum_value(&self, out: &mut String, sum: &str, number: Number) {
        // `SUM` of integers is a `DECIMAL`, which `CAST(... AS SIGNED)`
        // would clamp to the range of `BIGINT` with a mere warning: out of
        // that range the sum is `NULL` instead, which the row decodes as
        // an error.
        let mut value = String::new();
        super::cast_sum(self.number_type(number), &mut value, sum);
        if number == Number::Integer {
            let _ = write!(
                out,
                "CASE WHEN COALESCE({sum}, 0) BETWEEN {} AND {} THEN {value} END",
                i64::MIN,
                i64::MAX
            );
        } else {
            out.push_str(&value);
        }
    }

    fn nullable_order(&self, out: &mut String, key: &str, value: &str, desc: bool) {
        let order = if desc { "DESC" } else { "ASC" };
        let _ = write!(out, "{value} IS NULL {order}, {key} {order}");
    }

    fn names_in_expressions(&self) -> bool {
        false
    }

    fn avg(&self, out: &mut String, distinct: bool, operand: &str, number: Number) {
        // `AVG` of a decimal keeps 4 decimals more than the column (39.62
        // / 38 is 1.042632): the sum, widened to 28 decimals, divides into
        // 30 (MySQL) or 32 (MariaDB), which `Decimal` rounds to what it
        // holds. `AVG` of an integer is a `DECIMAL` of 4 more decimals,
        // rounded before the cast outside: average doubles instead.
        let distinct = if distinct { "DISTINCT " } else { "" };
        match number {
            Number::Decimal => {
                let _ = write!(
                    out,
                    "CAST(SUM({distinct}{operand}) AS DECIMAL(65, 28)) / COUNT({distinct}{operand})"
                );
            }
            Number::Integer | Number::Float => {
                let _ = write!(out, "AVG({distinct}CAST({operand} AS DOUBLE))");
            }
        }
    }

    fn null_safe_eq(&self, out: &mut String, a: &str, b: &str, negated: bool) {
        let not = if negated { "NOT " } else { "" };
        let _ = write!(out, "{not}({a} <=> {b})");
    }

    fn like(&self, out: &mut String, value: &str, pattern: &str) {
        // The column's collation decides case; `create_table` makes text
        // columns binary.
        let _ = write!(out, "{value} LIKE {pattern} ESCAPE '\\\\'");
    }

    fn derived_prefix(&self) -> &'static str {
        // MariaDB may compute a grouped derived table once per outer row
        // ("split materialization", `LATERAL DERIVED` in `EXPLAIN`), and
        // then returns the previous row's aggregates for a row whose group
        // is empty (seen on 10.11). Computing it once for every key is the
        // plan fanless chose it for. MySQL reads the `/*M! */` comment as a
        // comment.
        "/*M!100300 SET STATEMENT optimizer_switch='split_materialized=off' FOR */ "
    }

    fn no_limit(&self) -> &'static str {
        "18446744073709551615"
    }

    fn row_value(&self, columns: &[String]) -> String {
        columns.join(", ")
    }

    /// `COUNT(DISTINCT a, b)` takes the columns as arguments, and skips the
    /// rows where any is `NULL`: the first is `NULL` where `filter` fails
    /// (once, as its parameters are bound once).
    fn distinct_key(&self, out: &mut String, key: &[String], filter: Option<&str>) {
        for (i, column) in key.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match filter {
                Some(filter) if i == 0 => {
                    let _ = write!(out, "CASE WHEN {filter} THEN {column} END");
                }
                _ => out.push_str(column),
            }
        }
    }
}
