//! Aggregates over relation paths, in each of their shapes: a correlated
//! subquery, a derived table over every key or the selected ones, a
//! `LATERAL` subquery; and aggregates over joined rows.

use std::fmt::Write;

use super::strategy::Form;
use super::{Chain, Renderer, Scope, KEYS};
use crate::model::{ModelMeta, RelationMeta};
use crate::plan::{Agg, AggFn, JoinedAgg, Temporal};

impl<'p> Renderer<'p> {
    /// An aggregate over joined rows.
    pub(super) fn joined(&mut self, agg: &JoinedAgg, scope: &Scope) -> String {
        let alias = &scope.aliases[agg.alias];
        let mut operand = String::new();
        match (agg.column, self.explicit.get(agg.alias)) {
            (Some(column), _) => self.column(&mut operand, alias, column),
            (None, Some(model)) if agg.distinct => operand = self.row_key(alias, model, None),
            // A key column is `NULL` exactly where a left join found no row.
            (None, Some(model)) => match model.primary_key.first() {
                Some(key) => self.column(&mut operand, alias, key),
                None => operand.push('*'),
            },
            (None, None) => operand.push('*'),
        }
        let mut out = String::new();
        self.aggregate(&mut out, agg.func, agg.distinct, &operand, agg.temporal);
        out
    }

    /// The rows of `model` read at `alias` as one value that `COUNT(DISTINCT
    /// ...)` tells apart: its key; `NULL` where `filter` does not hold.
    fn row_key(&self, alias: &str, model: &ModelMeta, filter: Option<&str>) -> String {
        let key: Vec<String> = model
            .primary_key
            .iter()
            .map(|column| {
                let mut out = String::new();
                self.column(&mut out, alias, column);
                out
            })
            .collect();
        let mut out = String::new();
        self.syntax.distinct_key(&mut out, &key, filter);
        out
    }

    /// `func([DISTINCT] operand)` with the casts and defaults the row
    /// decodes.
    fn aggregate(
        &self,
        out: &mut String,
        func: AggFn,
        distinct: bool,
        operand: &str,
        temporal: Temporal,
    ) {
        let call = self.call(func, distinct, operand, temporal);
        self.decoded(out, func, &call, false);
    }

    /// `func([DISTINCT] operand)`, as the dialect computes `func` (see
    /// [`function`]); `min` and `max` of dates and times (as `temporal`
    /// says) by instant, which returns the value in the text that sorts
    /// by instant.
    fn call(&self, func: AggFn, distinct: bool, operand: &str, temporal: Temporal) -> String {
        let mut out = String::new();
        match func {
            AggFn::Avg { number } => self.syntax.avg(&mut out, distinct, operand, number),
            AggFn::Min | AggFn::Max => {
                let distinct = if distinct { "DISTINCT " } else { "" };
                let operand = self.instant(operand.to_owned(), temporal, false);
                let _ = write!(out, "{}({distinct}{operand})", function(func));
            }
            _ => {
                let distinct = if distinct { "DISTINCT " } else { "" };
                let _ = write!(out, "{}({distinct}{operand})", function(func));
            }
        }
        out
    }

    /// `value`, computed by [`function`] for `func`, as the row decodes it:
    /// cast where a database widens it, and where `outer` (read through a
    /// `LEFT JOIN` that may find no row) `0` for a count of nothing.
    fn decoded(&self, out: &mut String, func: AggFn, value: &str, outer: bool) {
        let count = if outer {
            format!("COALESCE({value}, 0)")
        } else {
            value.to_owned()
        };
        match func {
            AggFn::Count => out.push_str(&count),
            AggFn::Exists => {
                let _ = write!(out, "({count} > 0)");
            }
            AggFn::Sum { number } => self.syntax.sum_value(out, value, number),
            AggFn::Avg { number } => self.syntax.avg_value(out, value, number),
            AggFn::Min | AggFn::Max => out.push_str(value),
        }
    }

    /// An aggregate as its own correlated subquery over its whole path,
    /// from the scope's root alias.
    pub(super) fn agg(&mut self, agg: &Agg, scope: &Scope) -> String {
        if let Some(value) = self.derived_value(agg) {
            return value;
        }
        let Chain {
            mut from,
            correlation,
            last,
            ..
        } = self.chain(&agg.hops, &scope.aliases[0]);
        let mut inner = Scope::new(last);
        let filter = agg.filter.as_ref().map(|cond| self.cond(cond, &mut inner));
        // The filter's to-one joins hang off the chain's last model.
        self.joins(&mut from, &inner);
        let mut condition = correlation;
        if let Some(filter) = filter {
            let _ = write!(condition, " AND {filter}");
        }

        let target = agg.hops.last().map(|hop| hop.target);
        let mut operand = String::new();
        match (agg.column, target) {
            (Some(column), _) => self.column(&mut operand, &inner.aliases[0], column),
            (None, Some(model)) if agg.distinct => {
                operand = self.row_key(&inner.aliases[0], model, None);
            }
            (None, _) => operand.push('*'),
        }
        if agg.func == AggFn::Exists {
            return format!("EXISTS (SELECT 1 FROM {from} WHERE {condition})");
        }
        let mut value = String::new();
        self.aggregate(&mut value, agg.func, agg.distinct, &operand, agg.temporal);
        format!("(SELECT {value} FROM {from} WHERE {condition})")
    }

    /// `LEFT JOIN (SELECT key, aggregates ... GROUP BY key) AS alias ON ...`
    /// computing every aggregate of `group` (which share one path) in one
    /// pass; a filtered aggregate reads only the rows its `CASE` keeps.
    /// As `form` says, over every key, the selected keys, or the current
    /// root row.
    pub(super) fn derived_table(
        &mut self,
        group: &[&Agg],
        alias: &str,
        scope: &Scope,
        form: Form,
    ) -> String {
        let hops = &group[0].hops;
        let Chain {
            mut from,
            correlation,
            key,
            last,
            ..
        } = self.chain(hops, &scope.aliases[0]);
        let mut inner = Scope::new(last);
        let mut columns = String::new();
        for (column, agg) in group.iter().enumerate() {
            let filter = agg.filter.as_ref().map(|cond| self.cond(cond, &mut inner));
            let target = hops[hops.len() - 1].target;
            let mut operand = String::new();
            match (agg.column, agg.distinct) {
                (Some(name), _) => self.column(&mut operand, &inner.aliases[0], name),
                (None, true) => {
                    operand = self.row_key(&inner.aliases[0], target, filter.as_deref());
                }
                (None, false) => operand.push_str(if filter.is_some() { "1" } else { "*" }),
            }
            match filter {
                Some(filter) if !(agg.column.is_none() && agg.distinct) => {
                    operand = format!("CASE WHEN {filter} THEN {operand} END");
                }
                _ => {}
            }
            let value = self.call(agg.func, agg.distinct, &operand, agg.temporal);
            let _ = write!(columns, ", {value} AS a{column}");
        }
        if let Form::Lateral = form {
            self.joins(&mut from, &inner);
            let columns = columns.trim_start_matches(", ");
            return format!(
                " LEFT JOIN LATERAL (SELECT {columns} FROM {from} WHERE {correlation}) AS {alias} ON TRUE"
            );
        }
        let rel = &hops[0];
        let mut filter = String::new();
        if let Form::Restricted = form {
            match self.restriction(rel) {
                keys if self.syntax.restricts_by_in() => {
                    let keys = keys.unwrap_or_else(|| format!("SELECT k FROM {KEYS}"));
                    let _ = write!(filter, " WHERE {key} IN ({keys})");
                }
                Some(keys) => {
                    let table = self.alias();
                    let _ = write!(from, " INNER JOIN ({keys}) AS {table} ON {table}.k = {key}");
                }
                None => {
                    let _ = write!(from, " INNER JOIN {KEYS} ON {KEYS}.k = {key}");
                }
            }
        }
        self.joins(&mut from, &inner);
        let mut on = String::new();
        self.column(&mut on, &scope.aliases[0], rel.source_key);
        format!(
            " LEFT JOIN (SELECT {key} AS k{columns} FROM {from}{filter} GROUP BY {key}) AS {alias} \
             ON {alias}.k = {on}"
        )
    }

    /// The values of `rel`'s source key over the selected root rows, as
    /// the column `k`, when they are not the selected keys themselves: the
    /// distinct values of the root's column a to-one hop starts from (many
    /// roots may share them).
    fn restriction(&mut self, rel: &RelationMeta) -> Option<String> {
        let root = rel.source;
        // The strategy restricts only a root whose key is one column.
        let key = root.key_column()?;
        if rel.source_key == key {
            return None;
        }
        let alias = self.alias();
        let mut sql = String::from("SELECT DISTINCT ");
        self.column(&mut sql, &alias, rel.source_key);
        sql.push_str(" AS k FROM ");
        self.syntax.quote(&mut sql, root.table);
        let _ = write!(sql, " AS {alias} INNER JOIN {KEYS} ON {KEYS}.k = ");
        self.column(&mut sql, &alias, key);
        Some(sql)
    }

    /// The value of an aggregate computed in a derived table, if it is one.
    fn derived_value(&self, agg: &Agg) -> Option<String> {
        let (_, alias, column) = self.derived.iter().find(|(node, ..)| *node == agg)?;
        let mut out = String::new();
        self.decoded(&mut out, agg.func, &format!("{alias}.a{column}"), true);
        Some(out)
    }
}

/// The SQL aggregate function that computes `func` (`exists` counts;
/// `avg` as the dialect says).
fn function(func: AggFn) -> &'static str {
    match func {
        AggFn::Count | AggFn::Exists => "COUNT",
        AggFn::Sum { .. } => "SUM",
        AggFn::Avg { .. } => "AVG",
        AggFn::Min => "MIN",
        AggFn::Max => "MAX",
    }
}
