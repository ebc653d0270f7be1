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
//! * `offset` then `limit` cut the ordered rows;
//! * a collection holds, for each row, the rows its path reaches from that
//!   row (every combination, as an aggregate follows it), evaluated as a
//!   query of their own: its `where`, its order and then its rows'
//!   primary key ascending, its `offset` and `limit`; its values follow
//!   the row's `select` values;
//! * in the join form, each `join` pairs every row with each row its path
//!   reaches (a `left join` keeps a row whose path reaches none, with
//!   `NULL`s), `group by` gathers rows of equal keys (`NULL`s equal), and
//!   an aggregate over joined rows reads its alias's column in each row of
//!   the group (without `group by`, one group of every row, even of none).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use fanless::__private::{Agg, AggFn, CmpOp, ColumnPath, Cond, Expr, Join, Number, Plan};
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
    /// The elements of a list parameter (`in {list}`), never `NULL`.
    List(Vec<Value>),
    /// An optional filter's parameter that is `None` (`{?x}`): the
    /// comparisons that hold it are not written.
    Absent,
    /// A collection's rows, in order.
    Rows(Vec<Vec<Value>>),
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

    /// The row's primary key: its value, or for a composite key one value
    /// equal exactly where every column of the key is.
    fn key(&self) -> Value {
        match self.model.primary_key {
            [column] => self.get(column).clone(),
            columns => {
                let values: Vec<&Value> = columns.iter().map(|c| self.get(c)).collect();
                Value::Text(format!("{values:?}"))
            }
        }
    }
}

/// The rows one alias each: the root's, then one per explicit join; `None`
/// where a `left join` found no row.
type Scope<'d> = Vec<Option<RowRef<'d>>>;

/// The result of `plan` over `data`, with parameter `i` bound to
/// `params[i]`.
pub fn evaluate(plan: &Plan, data: &Dataset, params: &[Value]) -> Vec<Vec<Value>> {
    let eval = Eval { data, params };
    let roots = data
        .rows(plan.root)
        .iter()
        .map(|values| RowRef {
            model: plan.root,
            values,
        })
        .collect();
    eval.rows(plan, roots)
}

impl<'d> Eval<'d> {
    /// The rows of `plan` over the root rows `roots`: every row of the
    /// root model, or the rows a collection's path reaches from one
    /// parent. Each row's collections follow its `select` values, one
    /// [`Value::Rows`] each.
    fn rows(&self, plan: &Plan, roots: Vec<RowRef<'d>>) -> Vec<Vec<Value>> {
        let eval = self;
        let mut scopes: Vec<Scope<'d>> = roots.into_iter().map(|row| vec![Some(row)]).collect();
        for join in &plan.joins {
            scopes = scopes
                .into_iter()
                .flat_map(|scope| eval.join(join, scope))
                .collect();
        }
        if let Some(cond) = plan.filter.as_ref().filter(|cond| eval.written(cond)) {
            scopes.retain(|scope| eval.cond(cond, scope) == Some(true));
        }
        // With `group by` or an aggregate over joined rows, one output row per
        // group (one group of every row without `group by`, even of none);
        // otherwise one per row.
        let items = plan.select.as_deref().unwrap_or_default();
        let aggregates = items.iter().map(|item| &item.expr).any(joined)
            || plan.order.iter().any(|order| joined(&order.expr))
            || plan.having.as_ref().is_some_and(cond_joined);
        let groups: Vec<Vec<Scope<'_>>> = if !plan.group.is_empty() {
            let mut groups: Vec<(Vec<Value>, Vec<Scope<'_>>)> = Vec::new();
            for scope in scopes {
                let key: Vec<Value> = plan.group.iter().map(|e| eval.expr(e, &scope)).collect();
                let same = |other: &Vec<Value>| other.iter().zip(&key).all(|(a, b)| a.same(b));
                match groups.iter_mut().find(|(other, _)| same(other)) {
                    Some((_, group)) => group.push(scope),
                    None => groups.push((key, vec![scope])),
                }
            }
            groups.into_iter().map(|(_, group)| group).collect()
        } else if aggregates {
            vec![scopes]
        } else {
            scopes.into_iter().map(|scope| vec![scope]).collect()
        };
        let mut rows: Vec<(Vec<Value>, Vec<Value>, Vec<Value>)> = Vec::new();
        for group in &groups {
            if let Some(cond) = plan.having.as_ref().filter(|cond| eval.written(cond)) {
                if eval.grouped_cond(cond, group) != Some(true) {
                    continue;
                }
            }
            let mut output: Vec<Value> = match &plan.select {
                Some(items) => items
                    .iter()
                    .map(|item| eval.grouped(&item.expr, group))
                    .collect(),
                None => match group[0][0] {
                    Some(row) => row.values.to_vec(),
                    None => unreachable!("the root row is always there"),
                },
            };
            let keys = plan
                .order
                .iter()
                .map(|order| match &order.expr {
                    Expr::Output(name) => {
                        let index = items
                            .iter()
                            .position(|item| item.name == *name)
                            .unwrap_or_else(|| panic!("no output {name}"));
                        output[index].clone()
                    }
                    expr => eval.grouped(expr, group),
                })
                .collect();
            // A collection's rows tie-break on their primary key, column by
            // column; the rows of one parent only are ordered, so one row of
            // each group it is.
            let row = group.first().and_then(|scope| scope[0]);
            let tie: Vec<Value> = match (&plan.parent, row) {
                (Some(_), Some(row)) => row
                    .model
                    .primary_key
                    .iter()
                    .map(|column| row.get(column).clone())
                    .collect(),
                _ => Vec::new(),
            };
            for collection in &plan.collections {
                let (Some(parent), Some(row)) = (&collection.plan.parent, row) else {
                    panic!("a collection without its parent");
                };
                let reached = eval.reach(row, &parent.hops);
                output.push(Value::Rows(eval.rows(&collection.plan, reached)));
            }
            rows.push((keys, tie, output));
        }
        rows.sort_by(|(a, tie_a, _), (b, tie_b, _)| {
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
                .unwrap_or_else(|| {
                    // The key's columns in turn, ascending.
                    tie_a
                        .iter()
                        .zip(tie_b)
                        .map(|(a, b)| a.order(b))
                        .find(|ordering| ordering.is_ne())
                        .unwrap_or(Ordering::Equal)
                })
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
            .map(|(_, _, output)| output)
            .collect()
    }
}

/// Whether `expr` aggregates joined rows.
fn joined(expr: &Expr) -> bool {
    matches!(expr, Expr::Joined(_))
}

fn cond_joined(cond: &Cond) -> bool {
    match cond {
        Cond::Cmp { left, right, .. } => joined(left) || joined(right),
        Cond::Null { expr, .. } | Cond::Truth(expr) | Cond::InList { expr, .. } => joined(expr),
        Cond::In { expr, list, .. } => joined(expr) || list.iter().any(joined),
        Cond::Like { expr, pattern, .. } => joined(expr) || joined(pattern),
        Cond::Not(inner) => cond_joined(inner),
        Cond::And(conds) | Cond::Or(conds) => conds.iter().any(cond_joined),
    }
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

    /// The scopes `join` makes of `scope`: one per row its path reaches
    /// (each hop an inner join, or a left one that keeps a `None` where
    /// it finds no row).
    fn join(&self, join: &Join, scope: Scope<'d>) -> Vec<Scope<'d>> {
        let mut ends = vec![scope[join.parent]];
        for hop in &join.hops {
            let mut next = Vec::new();
            for end in ends {
                let found = match end {
                    Some(row) => self.reach(row, std::slice::from_ref(hop)),
                    None => Vec::new(),
                };
                if found.is_empty() && join.left {
                    next.push(None);
                }
                next.extend(found.into_iter().map(Some));
            }
            ends = next;
        }
        ends.into_iter()
            .map(|end| {
                let mut scope = scope.clone();
                scope.push(end);
                scope
            })
            .collect()
    }

    fn expr(&self, expr: &Expr, scope: &[Option<RowRef<'d>>]) -> Value {
        match expr {
            Expr::Column(path) => self.column(path, scope),
            Expr::Agg(agg) => self.agg(agg, scope),
            Expr::Joined(_) | Expr::Output(_) => panic!("not a value of one row: {expr:?}"),
            constant => self.constant(constant),
        }
    }

    /// A value of a group of rows: an aggregate over them, or a value of
    /// its first (a grouped one, the same in every row).
    fn grouped(&self, expr: &Expr, group: &[Scope<'d>]) -> Value {
        let Expr::Joined(agg) = expr else {
            return match group.first() {
                Some(scope) => self.expr(expr, scope),
                None => Value::Null,
            };
        };
        let values: Vec<Value> = group
            .iter()
            .map(|scope| match (scope[agg.alias], agg.column) {
                (Some(row), Some(column)) => row.get(column).clone(),
                (Some(row), None) => row.key(),
                (None, _) => Value::Null,
            })
            .filter(|value| !value.is_null())
            .collect();
        let func = match agg.func {
            AggFn::Exists => AggFn::Count,
            func => func,
        };
        match (agg.func, aggregate(func, agg.distinct, values)) {
            (AggFn::Exists, Value::Int(n)) => Value::Bool(n > 0),
            (_, value) => value,
        }
    }

    /// A condition over a group (`having`).
    fn grouped_cond(&self, cond: &Cond, group: &[Scope<'d>]) -> Option<bool> {
        match cond {
            Cond::Not(inner) => self.grouped_cond(inner, group).map(|holds| !holds),
            Cond::And(all) => all_of(self.kept(all).map(|c| self.grouped_cond(c, group))),
            Cond::Or(any) => any_of(self.kept(any).map(|c| self.grouped_cond(c, group))),
            atom => {
                let values: Vec<Value> = operands(atom)
                    .into_iter()
                    .map(|expr| self.grouped(expr, group))
                    .collect();
                apply(atom, &values, self.params)
            }
        }
    }

    /// A column through to-one relations; `NULL` without a related row.
    /// Where a `has_one`'s data break its uniqueness, the related row with
    /// the least key is read.
    fn column(&self, path: &ColumnPath, scope: &[Option<RowRef<'d>>]) -> Value {
        assert!(!path.is_many(), "a to-many column outside a condition");
        let Some(mut current) = scope[path.alias] else {
            return Value::Null;
        };
        for hop in &path.hops {
            let key = |row: &RowRef<'d>| row.key();
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

    fn agg(&self, agg: &Agg, scope: &[Option<RowRef<'d>>]) -> Value {
        let Some(row) = scope[0] else {
            return aggregate(agg.func, agg.distinct, Vec::new());
        };
        let mut rows = self.reach(row, &agg.hops);
        if let Some(filter) = agg.filter.as_ref().filter(|cond| self.written(cond)) {
            rows.retain(|row| self.cond(filter, &[Some(*row)]) == Some(true));
        }
        let values: Vec<Value> = match agg.column {
            Some(column) => rows
                .iter()
                .map(|row| row.get(column).clone())
                .filter(|value| !value.is_null())
                .collect(),
            None => rows.iter().map(RowRef::key).collect(),
        };
        aggregate(agg.func, agg.distinct, values)
    }

    /// Whether `cond` is written: not an atom comparing an absent optional
    /// parameter, nor made of such atoms only. (What is not written is
    /// skipped where it stands; a condition of nothing keeps every row.)
    fn written(&self, cond: &Cond) -> bool {
        let absent = |expr: &Expr| matches!(expr, Expr::Param(index) if self.params[*index] == Value::Absent);
        match cond {
            Cond::Not(inner) => self.written(inner),
            Cond::And(conds) | Cond::Or(conds) => conds.iter().any(|c| self.written(c)),
            Cond::InList { param, .. } if self.params[*param] == Value::Absent => false,
            atom => !operands(atom).into_iter().any(absent),
        }
    }

    /// The written conditions of an `and` or an `or`.
    fn kept<'c>(&self, conds: &'c [Cond]) -> impl Iterator<Item = &'c Cond> + use<'c, '_, 'd> {
        conds.iter().filter(|cond| self.written(cond))
    }

    /// A condition in `scope`: `Some(true)`, `Some(false)`, or `None` for
    /// SQL's unknown.
    fn cond(&self, cond: &Cond, scope: &[Option<RowRef<'d>>]) -> Option<bool> {
        match cond {
            Cond::Not(inner) => self.cond(inner, scope).map(|holds| !holds),
            Cond::And(all) => all_of(self.kept(all).map(|c| self.cond(c, scope))),
            Cond::Or(any) => any_of(self.kept(any).map(|c| self.cond(c, scope))),
            atom => self.atom(atom, scope),
        }
    }

    /// An atom: when an operand is read through a to-many path, it holds
    /// if some combination of related rows makes it hold.
    fn atom(&self, atom: &Cond, scope: &[Option<RowRef<'d>>]) -> Option<bool> {
        let operands = operands(atom);
        // Each operand's possible values: one, or one per related row.
        let choices: Vec<Vec<Value>> = operands
            .iter()
            .map(|expr| match expr {
                Expr::Column(path) if path.is_many() => match scope[path.alias] {
                    Some(row) => self
                        .reach(row, &path.hops)
                        .iter()
                        .map(|end| end.get(path.column).clone())
                        .collect(),
                    None => Vec::new(),
                },
                expr => vec![self.expr(expr, scope)],
            })
            .collect();
        let many = operands
            .iter()
            .any(|expr| matches!(expr, Expr::Column(path) if path.is_many()));
        let mut any_true = false;
        let mut result = None;
        for_each_combination(&choices, &mut |values| {
            let holds = apply(atom, values, self.params);
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

/// `and` in three-valued logic.
fn all_of(values: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    let mut unknown = false;
    for value in values {
        match value {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    (!unknown).then_some(true)
}

/// `or` in three-valued logic.
fn any_of(values: impl Iterator<Item = Option<bool>>) -> Option<bool> {
    all_of(values.map(|value| value.map(|holds| !holds))).map(|holds| !holds)
}

/// The operands of an atom, in the order [`apply`] takes their values.
fn operands(atom: &Cond) -> Vec<&Expr> {
    match atom {
        Cond::Cmp { left, right, .. } => vec![left, right],
        Cond::Null { expr, .. } | Cond::Truth(expr) => vec![expr],
        Cond::In { expr, list, .. } => std::iter::once(expr).chain(list).collect(),
        Cond::InList { expr, .. } => vec![expr],
        Cond::Like { expr, pattern, .. } => vec![expr, pattern],
        Cond::Not(_) | Cond::And(..) | Cond::Or(..) => unreachable!("not an atom"),
    }
}

/// `func([distinct] values)` over the non-`NULL` values (for `count` of
/// rows, their keys).
fn aggregate(func: AggFn, distinct: bool, mut values: Vec<Value>) -> Value {
    if distinct {
        let mut unique: Vec<Value> = Vec::new();
        for value in values {
            if !unique.iter().any(|seen| seen.same(&value)) {
                unique.push(value);
            }
        }
        values = unique;
    }
    match func {
        AggFn::Count => Value::Int(values.len() as i64),
        AggFn::Exists => Value::Bool(!values.is_empty()),
        // `+ 0.0` makes the sum of nothing 0, not Rust's -0.
        AggFn::Sum {
            number: Number::Integer,
        } => Value::Int(
            values
                .iter()
                .map(|value| match value {
                    Value::Int(n) => *n,
                    other => panic!("an integer sum of {other:?}"),
                })
                .sum(),
        ),
        // The library's models hold no decimals.
        AggFn::Sum { .. } => Value::Float(values.iter().map(as_float).sum::<f64>() + 0.0),
        AggFn::Avg { .. } if values.is_empty() => Value::Null,
        AggFn::Avg { .. } => {
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

/// Whether `got` holds the rows of `want`: in the same order when
/// `ordered`, floats within 1e-12 relative.
pub fn same_rows(got: &[Vec<Value>], want: &[Vec<Value>], ordered: bool) -> bool {
    let (mut got, mut want) = (got.to_vec(), want.to_vec());
    if !ordered {
        got.sort_by_key(|row| sort_key(row));
        want.sort_by_key(|row| sort_key(row));
    }
    got.len() == want.len()
        && got
            .iter()
            .zip(&want)
            .all(|(a, b)| a.len() == b.len() && a.iter().zip(b).all(|(a, b)| close(a, b)))
}

/// Whether two values are equal, floats up to rounding; a collection's
/// rows in their order.
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(a), Value::Float(b)) => (a - b).abs() <= 1e-12 * a.abs().max(b.abs()),
        (Value::Rows(a), Value::Rows(b)) => same_rows(a, b, true),
        (a, b) => a == b,
    }
}

/// A row as text for sorting, floats to 9 digits, so that answers equal
/// up to rounding sort alike.
fn sort_key(row: &[Value]) -> String {
    let values: Vec<String> = row
        .iter()
        .map(|value| match value {
            Value::Float(x) => format!("{:.9e}", x + 0.0),
            Value::Rows(rows) => {
                let rows: Vec<String> = rows.iter().map(|row| sort_key(row)).collect();
                format!("[{}]", rows.join(";"))
            }
            other => format!("{other:?}"),
        })
        .collect();
    values.join("|")
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
fn apply(atom: &Cond, values: &[Value], params: &[Value]) -> Option<bool> {
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
        Cond::InList { param, negated, .. } => {
            let found = match &params[*param] {
                Value::List(list) => list.iter().any(|candidate| values[0].same(candidate)),
                other => panic!("a list parameter of {other:?}"),
            };
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
        assert_eq!(apply(&lt, &[Value::Null, Value::Int(1)], &[]), None);
        assert_eq!(apply(&lt, &[Value::Int(0), Value::Int(1)], &[]), Some(true));
    }

    #[test]
    fn nulls_sort_last() {
        let mut values = vec![Value::Null, Value::Int(2), Value::Int(-1)];
        values.sort_by(Value::order);
        assert_eq!(values, [Value::Int(-1), Value::Int(2), Value::Null]);
    }
}
