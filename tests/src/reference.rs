//! The reference semantics of `query!`, implemented a second time: a
//! plain-Rust evaluator of a [`Plan`] over rows held in memory, with no SQL.
//!
//! It follows the meaning the `query!` documentation gives, not the
//! renderer:
//!
//! * the rows are the root model's rows that the `where` holds for
//!   (`NULL`, SQL's unknown, does not hold), each once;
//! * a column path follows to-one relations; a missing related row makes
//!   the value `NULL`; where a `has_one`'s data break its uniqueness, the
//!   related row with the least key is read;
//! * an aggregate follows its whole path from the row (every combination
//!   of related rows, as inner joins do), keeps the rows its `where` holds
//!   for, and computes over them: `count` the rows (or the non-`NULL`
//!   values of its column), `sum` the values or 0, `avg` their mean or
//!   `NULL`, `min`/`max` or `NULL`, `exists` whether there is any row;
//!   `distinct` first removes repeated values (rows: repeated keys);
//! * a condition that reads a column through a to-many path holds when
//!   some related row makes it hold, and otherwise is false;
//! * `=` and `!=` compare as Rust's `Option` does (`NULL = NULL` holds);
//!   `<`, `<=`, `>`, `>=` and `like` with a `NULL` are unknown; `and`,
//!   `or` and `not` follow SQL's three-valued logic; `x in (a, b)` is
//!   `x = a or x = b`;
//! * `like` matches `%` against any string, `_` against one character,
//!   `\` makes the next character literal, and case matters;
//! * `order by` sorts `NULL` after every value ascending, before them
//!   descending; text sorts by code point;
//! * `offset` then `limit` cut the ordered rows.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use fanless::__private::{Agg, AggFn, CmpOp, ColumnPath, Cond, Expr, Plan};
use fanless::{ModelMeta, RelationMeta};

/// A value of a row or a result.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `NULL`.
    Null,
    /// An integer.
    Int(i64),
    /// A floating point number.
    Float(f64),
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
}

impl Value {
    fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The order of two non-`NULL` values of one kind.
    fn compare(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Int(a), Self::Int(b)) => a.cmp(b),
            (Self::Float(a), Self::Float(b)) => a.total_cmp(b),
            (Self::Int(a), Self::Float(b)) => (*a as f64).total_cmp(b),
            (Self::Float(a), Self::Int(b)) => a.total_cmp(&(*b as f64)),
            (Self::Text(a), Self::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Self::Bool(a), Self::Bool(b)) => a.cmp(b),
            (a, b) => panic!("comparing {a:?} with {b:?}"),
        }
    }

    /// `NULL` after every value.
    fn order(&self, other: &Self) -> Ordering {
        match (self.is_null(), other.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.compare(other),
        }
    }

    /// `=` as Rust's `Option` compares.
    fn same(&self, other: &Self) -> bool {
        match (self.is_null(), other.is_null()) {
            (true, true) => true,
            (false, false) => self.compare(other) == Ordering::Equal,
            _ => false,
        }
    }
}

/// The rows of every table, each in its model's column order.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Rows by table name.
    pub tables: BTreeMap<&'static str, Vec<Vec<Value>>>,
}

impl Dataset {
    fn rows(&self, model: &ModelMeta) -> &[Vec<Value>] {
        self.tables.get(model.table).map_or(&[], Vec::as_slice)
    }
}

/// A row of a table.
#[derive(Clone, Copy)]
struct RowRef<'d> {
    model: &'static ModelMeta,
    values: &'d [Value],
}

impl<'d> RowRef<'d> {
    fn get(&self, column: &str) -> &'d Value {
        let index = self
            .model
            .columns
            .iter()
            .position(|c| *c == column)
            .unwrap_or_else(|| panic!("no column {column} on {}", self.model.name));
        &self.values[index]
    }
}

/// The result of `plan` over `data`, with parameter `i` bound to
/// `params[i]`. Only the path form: a plan with joins is refused.
pub fn evaluate(plan: &Plan, data: &Dataset, params: &[Value]) -> Vec<Vec<Value>> {
    assert!(
        plan.joins.is_empty(),
        "the reference evaluates the path form"
    );
    let eval = Eval { data, params };
    let mut rows: Vec<(Vec<Value>, Vec<Value>)> = Vec::new();
    for values in data.rows(plan.root) {
        let row = RowRef {
            model: plan.root,
            values,
        };
        if let Some(cond) = &plan.filter {
            if eval.cond(cond, row) != Some(true) {
                continue;
            }
        }
        let output: Vec<Value> = match &plan.select {
            Some(items) => items
                .iter()
                .map(|item| eval.expr(&item.expr, row))
                .collect(),
            None => values.clone(),
        };
        let keys = plan
            .order
            .iter()
            .map(|order| match &order.expr {
                Expr::Output(name) => {
                    let items = plan.select.as_deref().unwrap_or_default();
                    let index = items
                        .iter()
                        .position(|item| item.name == *name)
                        .unwrap_or_else(|| panic!("no output {name}"));
                    output[index].clone()
                }
                expr => eval.expr(expr, row),
            })
            .collect();
        rows.push((keys, output));
    }
    rows.sort_by(|(a, _), (b, _)| {
        plan.order
            .iter()
            .zip(a.iter().zip(b))
            .map(|(order, (a, b))| {
                let ordering = a.order(b);
                if order.desc {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    let count = |expr: &Option<Expr>| {
        expr.as_ref().map(|expr| match eval.constant(expr) {
            Value::Int(n) => usize::try_from(n).expect("a negative limit or offset"),
            other => panic!("limit or offset {other:?}"),
        })
    };
    let offset = count(&plan.offset).unwrap_or(0);
    let limit = count(&plan.limit).unwrap_or(usize::MAX);
    rows.into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, output)| output)
        .collect()
}

struct Eval<'d> {
    data: &'d Dataset,
    params: &'d [Value],
}

impl<'d> Eval<'d> {
    fn constant(&self, expr: &Expr) -> Value {
        match expr {
            Expr::Param(index) => self.params[*index].clone(),
            Expr::Int(value) => Value::Int(*value),
            Expr::Float(value) => Value::Float(*value),
            Expr::Bool(value) => Value::Bool(*value),
            other => panic!("not a constant: {other:?}"),
        }
    }

    /// The rows `hops` lead to from `row`, one per combination of related
    /// rows.
    fn reach(&self, row: RowRef<'d>, hops: &[RelationMeta]) -> Vec<RowRef<'d>> {
        let mut rows = vec![row];
        for hop in hops {
            let mut next = Vec::new();
            for row in rows {
                let key = row.get(hop.source_key);
                if key.is_null() {
                    continue;
                }
                for values in self.data.rows(hop.target) {
                    let target = RowRef {
                        model: hop.target,
                        values,
                    };
                    if target.get(hop.target_key).same(key) {
                        next.push(target);
                    }
                }
            }
            rows = next;
        }
        rows
    }

    fn expr(&self, expr: &Expr, row: RowRef<'d>) -> Value {
        match expr {
            Expr::Column(path) => self.column(path, row),
            Expr::Agg(agg) => self.agg(agg, row),
            Expr::Joined(_) | Expr::Output(_) => panic!("not in the path form: {expr:?}"),
            constant => self.constant(constant),
        }
    }

    /// A column through to-one relations; `NULL` without a related row.
    /// Where a `has_one`'s data break its uniqueness, the related row with
    /// the least key is read.
    fn column(&self, path: &ColumnPath, row: RowRef<'d>) -> Value {
        assert!(!path.is_many(), "a to-many column outside a condition");
        let mut current = row;
        for hop in &path.hops {
            let key = |row: &RowRef<'d>| row.get(hop.target.primary_key).clone();
            let next = self
                .reach(current, std::slice::from_ref(hop))
                .into_iter()
                .min_by(|a, b| key(a).order(&key(b)));
            match next {
                Some(next) => current = next,
                None => return Value::Null,
            }
        }
        current.get(path.column).clone()
    }

    fn agg(&self, agg: &Agg, row: RowRef<'d>) -> Value {
        let mut rows = self.reach(row, &agg.hops);
        if let Some(filter) = &agg.filter {
            rows.retain(|row| self.cond(filter, *row) == Some(true));
        }
        let key = |row: &RowRef<'d>| row.get(row.model.primary_key).clone();
        let mut values: Vec<Value> = match agg.column {
            Some(column) => rows
                .iter()
                .map(|row| row.get(column).clone())
                .filter(|value| !value.is_null())
                .collect(),
            None => rows.iter().map(key).collect(),
        };
        if agg.distinct {
            let mut unique: Vec<Value> = Vec::new();
            for value in values {
                if !unique.iter().any(|seen| seen.same(&value)) {
                    unique.push(value);
                }
            }
            values = unique;
        }
        match agg.func {
            AggFn::Count => Value::Int(values.len() as i64),
            AggFn::Exists => Value::Bool(!values.is_empty()),
            AggFn::Sum { float: true } => Value::Float(values.iter().map(as_float).sum::<f64>()),
            AggFn::Sum { float: false } => Value::Int(
                values
                    .iter()
                    .map(|value| match value {
                        Value::Int(n) => *n,
                        other => panic!("an integer sum of {other:?}"),
                    })
                    .sum(),
            ),
            AggFn::Avg if values.is_empty() => Value::Null,
            AggFn::Avg => {
                Value::Float(values.iter().map(as_float).sum::<f64>() / values.len() as f64)
            }
            AggFn::Min => values
                .into_iter()
                .min_by(Value::compare)
                .unwrap_or(Value::Null),
            AggFn::Max => values
                .into_iter()
                .max_by(Value::compare)
                .unwrap_or(Value::Null),
        }
    }

    /// A condition at `row`: `Some(true)`, `Some(false)`, or `None` for
    /// SQL's unknown.
    fn cond(&self, cond: &Cond, row: RowRef<'d>) -> Option<bool> {
        match cond {
            Cond::Not(inner) => self.cond(inner, row).map(|holds| !holds),
            Cond::And(all) => {
                let values: Vec<Option<bool>> = all.iter().map(|c| self.cond(c, row)).collect();
                if values.contains(&Some(false)) {
                    Some(false)
                } else if values.contains(&None) {
                    None
                } else {
                    Some(true)
                }
            }
            Cond::Or(any) => {
                let values: Vec<Option<bool>> = any.iter().map(|c| self.cond(c, row)).collect();
                if values.contains(&Some(true)) {
                    Some(true)
                } else if values.contains(&None) {
                    None
                } else {
                    Some(false)
                }
            }
            atom => self.atom(atom, row),
        }
    }

    /// An atom: when an operand is read through a to-many path, it holds
    /// if some combination of related rows makes it hold.
    fn atom(&self, atom: &Cond, row: RowRef<'d>) -> Option<bool> {
        let operands: Vec<&Expr> = match atom {
            Cond::Cmp { left, right, .. } => vec![left, right],
            Cond::Null { expr, .. } | Cond::Truth(expr) => vec![expr],
            Cond::In { expr, list, .. } => std::iter::once(expr).chain(list).collect(),
            Cond::Like { expr, pattern, .. } => vec![expr, pattern],
            Cond::Not(_) | Cond::And(..) | Cond::Or(..) => unreachable!("not an atom"),
        };
        // Each operand's possible values: one, or one per related row.
        let choices: Vec<Vec<Value>> = operands
            .iter()
            .map(|expr| match expr {
                Expr::Column(path) if path.is_many() => self
                    .reach(row, &path.hops)
                    .iter()
                    .map(|end| end.get(path.column).clone())
                    .collect(),
                expr => vec![self.expr(expr, row)],
            })
            .collect();
        let many = operands
            .iter()
            .any(|expr| matches!(expr, Expr::Column(path) if path.is_many()));
        let mut any_true = false;
        let mut result = None;
        for_each_combination(&choices, &mut |values| {
            let holds = apply(atom, values);
            any_true |= holds == Some(true);
            result = holds;
        });
        if many {
            Some(any_true)
        } else {
            result
        }
    }
}

/// Calls `f` with each combination of one value per choice.
fn for_each_combination(choices: &[Vec<Value>], f: &mut dyn FnMut(&[Value])) {
    fn walk(choices: &[Vec<Value>], prefix: &mut Vec<Value>, f: &mut dyn FnMut(&[Value])) {
        match choices.split_first() {
            None => f(prefix),
            Some((first, rest)) => {
                for value in first {
                    prefix.push(value.clone());
                    walk(rest, prefix, f);
                    prefix.pop();
                }
            }
        }
    }
    walk(choices, &mut Vec::new(), f);
}

/// An atom over its operands' values, in the order [`Eval::atom`] lists
/// them.
fn apply(atom: &Cond, values: &[Value]) -> Option<bool> {
    match atom {
        Cond::Cmp { op, .. } => {
            let (a, b) = (&values[0], &values[1]);
            match op {
                CmpOp::Eq => Some(a.same(b)),
                CmpOp::Ne => Some(!a.same(b)),
                _ if a.is_null() || b.is_null() => None,
                CmpOp::Lt => Some(a.compare(b).is_lt()),
                CmpOp::Le => Some(a.compare(b).is_le()),
                CmpOp::Gt => Some(a.compare(b).is_gt()),
                CmpOp::Ge => Some(a.compare(b).is_ge()),
            }
        }
        Cond::Null { negated, .. } => Some(values[0].is_null() != *negated),
        Cond::In { negated, .. } => {
            let found = values[1..]
                .iter()
                .any(|candidate| values[0].same(candidate));
            Some(found != *negated)
        }
        Cond::Like { negated, .. } => match (&values[0], &values[1]) {
            (Value::Text(text), Value::Text(pattern)) => {
                let text: Vec<char> = text.chars().collect();
                Some(like(&text, &pattern_of(pattern)) != *negated)
            }
            _ => None,
        },
        Cond::Truth(_) => match &values[0] {
            Value::Bool(holds) => Some(*holds),
            Value::Null => None,
            other => panic!("a condition of {other:?}"),
        },
        Cond::Not(_) | Cond::And(..) | Cond::Or(..) => unreachable!("not an atom"),
    }
}

fn as_float(value: &Value) -> f64 {
    match value {
        Value::Int(n) => *n as f64,
        Value::Float(x) => *x,
        other => panic!("a number of {other:?}"),
    }
}

/// One element of a `like` pattern.
#[derive(Debug, PartialEq)]
enum Piece {
    /// `%`.
    Any,
    /// `_`.
    One,
    /// A character to match as it is.
    Char(char),
}

fn pattern_of(pattern: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        pieces.push(match c {
            '%' => Piece::Any,
            '_' => Piece::One,
            '\\' => Piece::Char(chars.next().expect("a pattern ends in a lone `\\`")),
            c => Piece::Char(c),
        });
    }
    pieces
}

fn like(text: &[char], pattern: &[Piece]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((Piece::Any, rest)) => (0..=text.len()).any(|skip| like(&text[skip..], rest)),
        Some((Piece::One, rest)) => !text.is_empty() && like(&text[1..], rest),
        Some((Piece::Char(c), rest)) => text.first() == Some(c) && like(&text[1..], rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(text: &str, pattern: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        like(&text, &pattern_of(pattern))
    }

    #[test]
    fn like_matches_wildcards_and_escapes() {
        assert!(matches("50% off", "50\\%%"));
        assert!(!matches("500 off", "50\\%%"));
        assert!(matches("snake_case", "%\\_%"));
        assert!(!matches("snakecase", "%\\_%"));
        assert!(matches("日本語", "_本%"));
        assert!(matches("back\\slash", "back\\\\%"));
        assert!(!matches("Abc", "abc"));
        assert!(matches("", "%"));
        assert!(!matches("", "_"));
    }

    #[test]
    fn equality_is_null_safe_and_order_is_not() {
        assert!(Value::Null.same(&Value::Null));
        assert!(!Value::Null.same(&Value::Int(1)));
        let lt = Cond::Cmp {
            left: Expr::Int(0),
            op: CmpOp::Lt,
            right: Expr::Int(0),
            nullable: true,
        };
        assert_eq!(apply(&lt, &[Value::Null, Value::Int(1)]), None);
        assert_eq!(apply(&lt, &[Value::Int(0), Value::Int(1)]), Some(true));
    }

    #[test]
    fn nulls_sort_last() {
        let mut values = vec![Value::Null, Value::Int(2), Value::Int(-1)];
        values.sort_by(Value::order);
        assert_eq!(values, [Value::Int(-1), Value::Int(2), Value::Null]);
    }
}
