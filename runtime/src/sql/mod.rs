//! Rendering a [`Plan`] to SQL text: one shared walk, and per dialect the
//! syntax that differs (quoting, placeholders, casts, `NULL` ordering).
//!
//! Every to-many aggregate becomes a correlated scalar subquery that joins
//! its whole path inside, so no two to-many paths ever share a join. A
//! condition over a to-many path becomes `EXISTS`, so filtering never
//! repeats root rows. To-one paths become `LEFT JOIN`s of the scope they are
//! read in.

mod ddl;
mod mysql;
mod postgres;
mod sqlite;
mod strategy;

pub use ddl::{create_index, create_table, leading_index_columns, ColumnDef};
pub use strategy::Strategy;

use std::fmt::Write;

use crate::model::RelationMeta;
use crate::plan::{Agg, AggFn, CmpOp, ColumnPath, Cond, Expr, JoinedAgg, Plan};

/// The SQL dialects fanless renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectKind {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL and MariaDB.
    MySql,
}

impl DialectKind {
    /// Whether a `FOREIGN KEY` constraint indexes its column by itself.
    pub(crate) fn indexes_foreign_keys(self) -> bool {
        self == Self::MySql
    }

    /// Every dialect, in the order of the per-site cache.
    pub const ALL: [Self; 3] = [Self::Postgres, Self::Sqlite, Self::MySql];

    fn syntax(self) -> &'static dyn Syntax {
        match self {
            Self::Postgres => &postgres::Postgres,
            Self::Sqlite => &sqlite::Sqlite,
            Self::MySql => &mysql::MySql,
        }
    }
}

/// What differs between dialects.
trait Syntax {
    /// Writes an identifier, quoted.
    fn quote(&self, out: &mut String, ident: &str);
    /// Writes the placeholder of argument `index` (from 0).
    fn placeholder(&self, out: &mut String, index: usize);
    /// Whether placeholders name their argument (`$1`) rather than take the
    /// next one (`?`).
    fn numbered(&self) -> bool {
        false
    }
    /// Writes a sum (`NULL` when empty) as 0 when empty, cast to the
    /// 64-bit integer or double type the row decodes.
    fn sum_value(&self, out: &mut String, sum: &str, float: bool);
    /// Writes an average as a double, `NULL` when empty.
    fn avg_value(&self, out: &mut String, avg: &str);
    /// Writes the operand of `AVG`, so that every shape averages the same
    /// type.
    fn avg_operand(&self, out: &mut String, operand: &str) {
        out.push_str(operand);
    }
    /// Writes `a = b` (or `a != b` when `negated`) where either may be
    /// `NULL`, comparing as Rust's `Option` does: `NULL` equals `NULL` and
    /// differs from every value. A plain `a = b` must still be able to use
    /// an index on `a`.
    fn null_safe_eq(&self, out: &mut String, a: &str, b: &str, negated: bool);
    /// Writes `value LIKE pattern` where `%` matches any string, `_` any
    /// one character, `\` makes the next character literal, and letters
    /// match their case only.
    fn like(&self, out: &mut String, value: &str, pattern: &str);
    /// Writes an `order by` key that sorts `NULL` last ascending and first
    /// descending. `key` is the key as rendered.
    fn nullable_order(&self, out: &mut String, key: &str, desc: bool);
    /// The `LIMIT` that means none, for an `OFFSET` without `limit`.
    fn no_limit(&self) -> &'static str;
    /// How a table is restricted to the keys a query selected first: by
    /// `IN (SELECT ...)` rather than by a join.
    fn restricts_by_in(&self) -> bool {
        false
    }
    /// What follows `WITH name AS` so that the planner may push conditions
    /// into the common table expression.
    fn inline_cte(&self) -> &'static str {
        ""
    }
    /// What comes before a statement that joins derived tables.
    fn derived_prefix(&self) -> &'static str {
        ""
    }
}

/// A query's SQL, and the order in which to bind its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The SQL text.
    pub sql: String,
    /// Argument indexes, in the order the placeholders take them.
    pub order: Vec<usize>,
}

/// Renders `plan` for `dialect`, in the shapes the planner chooses.
pub fn render(plan: &Plan, dialect: DialectKind) -> Rendered {
    render_with(plan, dialect, Strategy::Planner)
}

/// Renders `plan` for `dialect` with every aggregate over a path in the
/// shape `strategy` says: the differential tests force each in turn.
pub fn render_with(plan: &Plan, dialect: DialectKind, strategy: Strategy) -> Rendered {
    let syntax = dialect.syntax();
    let mut renderer = Renderer {
        dialect,
        syntax,
        params: Vec::new(),
        aliases: 0,
        derived: Vec::new(),
    };
    let mut sql = renderer.query(plan, strategy);
    if !renderer.derived.is_empty() {
        sql.insert_str(0, syntax.derived_prefix());
    }
    let mut order = renderer.params;
    if syntax.numbered() {
        // `$n` names its argument: bind them in written order.
        order.sort_unstable();
    }
    Rendered { sql, order }
}

/// The state of one rendering: the parameters in the order the text uses
/// them, and the next table alias.
struct Renderer {
    dialect: DialectKind,
    syntax: &'static dyn Syntax,
    params: Vec<usize>,
    aliases: usize,
    /// The aggregates computed in derived tables: the address of each
    /// plan node, its table's alias and its column.
    derived: Vec<(*const Agg, String, usize)>,
}

/// How a group of aggregates over one path is computed beside the root.
#[derive(Clone, Copy)]
enum Form {
    /// `LEFT JOIN (... GROUP BY key)`, over every key.
    Grouped,
    /// The same, over the keys the query selected first.
    Restricted,
    /// `LEFT JOIN LATERAL (...) ON TRUE`, for the current root row.
    Lateral,
}

/// The common table expression of the root keys a query selects first.
const KEYS: &str = "fanless_keys";

/// A relation path as one chain of inner joins from an outer alias.
struct Chain {
    /// `table AS alias INNER JOIN ...`
    from: String,
    /// How the chain's first table meets the outer alias.
    correlation: String,
    /// The alias of the first table.
    first: String,
    /// The alias of the last table.
    last: String,
}

/// The tables a condition or value is read from (the root's alias, then
/// one per explicit join), and the to-one joins it needed so far, parents
/// before children.
struct Scope {
    aliases: Vec<String>,
    joins: Vec<ToOneJoin>,
}

/// `LEFT JOIN target AS alias` for the to-one path `hops` from the scope's
/// alias `from`.
struct ToOneJoin {
    from: usize,
    hops: Vec<&'static str>,
    rel: RelationMeta,
    alias: String,
}

impl Scope {
    fn new(alias: String) -> Self {
        Self {
            aliases: vec![alias],
            joins: Vec::new(),
        }
    }

    /// The alias that `hops` (a prefix of some path) reaches from `from`.
    fn alias_of(&self, from: usize, hops: &[&str]) -> &str {
        let base = self.aliases[from].as_str();
        if hops.is_empty() {
            return base;
        }
        self.joins
            .iter()
            .find(|join| join.from == from && join.hops == hops)
            .map_or(base, |join| &join.alias)
    }
}

impl Renderer {
    fn query(&mut self, plan: &Plan, strategy: Strategy) -> String {
        let mut scope = Scope::new(self.alias());
        let mut explicit = String::new();
        for join in &plan.joins {
            let alias = self.explicit_join(&mut explicit, join, &scope);
            scope.aliases.push(alias);
        }
        let choice = strategy::choose(plan, self.dialect, strategy);
        let groups = choice.derived;
        let laterals = choice.lateral;
        // With `restricted`, the root keys the query selects come first.
        let keys = choice.restricted.then(|| self.selected_keys(plan));
        let tables = self.place(&groups);
        let lateral_tables = self.place(&laterals);
        let mut select = String::new();
        match &plan.select {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        select.push_str(", ");
                    }
                    let value = self.expr(&item.expr, &mut scope);
                    select.push_str(&value);
                    select.push_str(" AS ");
                    self.syntax.quote(&mut select, item.name);
                }
            }
            None => {
                for (i, column) in plan.root.columns.iter().enumerate() {
                    if i > 0 {
                        select.push_str(", ");
                    }
                    self.column(&mut select, &scope.aliases[0], column);
                }
            }
        }
        // Derived tables come after the select list in the text, and take
        // their parameters in that order.
        if keys.is_some() {
            let _ = write!(explicit, " INNER JOIN {KEYS} ON {KEYS}.k = ");
            self.column(&mut explicit, &scope.aliases[0], plan.root.primary_key);
        }
        let grouped = if keys.is_some() {
            Form::Restricted
        } else {
            Form::Grouped
        };
        let derived = groups
            .iter()
            .zip(&tables)
            .map(|(group, alias)| (group, alias, grouped));
        let lateral = laterals
            .iter()
            .zip(&lateral_tables)
            .map(|(group, alias)| (group, alias, Form::Lateral));
        for (group, alias, form) in derived.chain(lateral) {
            let table = self.derived_table(group, alias, &scope, form);
            explicit.push_str(&table);
        }
        // The selected keys already hold the filter and the limit.
        let filter = match keys {
            Some(_) => None,
            None => plan.filter.as_ref().map(|cond| self.cond(cond, &mut scope)),
        };
        let group: Vec<String> = plan
            .group
            .iter()
            .map(|e| self.expr(e, &mut scope))
            .collect();
        let having = plan.having.as_ref().map(|cond| self.cond(cond, &mut scope));
        let mut order = String::new();
        self.order_by(&mut order, plan, &mut scope, false);
        if keys.is_none() {
            self.limit_offset(&mut order, plan, &mut scope);
        }

        let mut sql: String = match keys {
            Some(keys) => format!("WITH {KEYS} AS{} ({keys}) ", self.syntax.inline_cte()),
            None => String::new(),
        };
        let _ = write!(sql, "SELECT {select} FROM ");
        self.syntax.quote(&mut sql, plan.root.table);
        let _ = write!(sql, " AS {}{explicit}", scope.aliases[0]);
        self.joins(&mut sql, &scope);
        if let Some(filter) = filter {
            sql.push_str(" WHERE ");
            sql.push_str(&filter);
        }
        if !group.is_empty() {
            sql.push_str(" GROUP BY ");
            sql.push_str(&group.join(", "));
        }
        if let Some(having) = having {
            sql.push_str(" HAVING ");
            sql.push_str(&having);
        }
        sql.push_str(&order);
        sql
    }

    /// An alias for each group's table, by which its aggregates are read.
    fn place(&mut self, groups: &[Vec<&Agg>]) -> Vec<String> {
        groups
            .iter()
            .map(|group| {
                let alias = self.alias();
                for (column, agg) in group.iter().enumerate() {
                    self.derived
                        .push((*agg as *const Agg, alias.clone(), column));
                }
                alias
            })
            .collect()
    }

    /// ` ORDER BY ...`; with `resolve`, a key naming a `select` item is
    /// written as the item's value (for a query without that select list).
    fn order_by(&mut self, out: &mut String, plan: &Plan, scope: &mut Scope, resolve: bool) {
        for (i, key) in plan.order.iter().enumerate() {
            out.push_str(if i == 0 { " ORDER BY " } else { ", " });
            let expr = match (&key.expr, resolve) {
                (Expr::Output(name), true) => plan
                    .select
                    .iter()
                    .flatten()
                    .find(|item| item.name == *name)
                    .map_or(&key.expr, |item| &item.expr),
                (expr, _) => expr,
            };
            let value = self.expr(expr, scope);
            if key.nullable {
                self.syntax.nullable_order(out, &value, key.desc);
            } else {
                out.push_str(&value);
                out.push_str(if key.desc { " DESC" } else { " ASC" });
            }
        }
    }

    /// ` LIMIT ... OFFSET ...`, as the dialect spells an offset alone.
    fn limit_offset(&mut self, out: &mut String, plan: &Plan, scope: &mut Scope) {
        let limit = plan.limit.as_ref().map(|e| self.expr(e, scope));
        let offset = plan.offset.as_ref().map(|e| self.expr(e, scope));
        if limit.is_some() || offset.is_some() {
            let limit = limit.as_deref().unwrap_or(self.syntax.no_limit());
            let _ = write!(out, " LIMIT {limit}");
        }
        if let Some(offset) = offset {
            let _ = write!(out, " OFFSET {offset}");
        }
    }

    /// The keys of the root rows the query selects, in its order: its
    /// `where`, `order by`, `limit` and `offset` over the root table alone.
    fn selected_keys(&mut self, plan: &Plan) -> String {
        let mut scope = Scope::new(self.alias());
        let filter = plan.filter.as_ref().map(|cond| self.cond(cond, &mut scope));
        let mut tail = String::new();
        self.order_by(&mut tail, plan, &mut scope, true);
        self.limit_offset(&mut tail, plan, &mut scope);
        let mut sql = String::from("SELECT ");
        self.column(&mut sql, &scope.aliases[0], plan.root.primary_key);
        sql.push_str(" AS k FROM ");
        self.syntax.quote(&mut sql, plan.root.table);
        let _ = write!(sql, " AS {}", scope.aliases[0]);
        self.joins(&mut sql, &scope);
        if let Some(filter) = filter {
            let _ = write!(sql, " WHERE {filter}");
        }
        sql.push_str(&tail);
        sql
    }

    /// Writes an explicit join, one `JOIN` per relation of its path, and
    /// returns the alias of its last table.
    fn explicit_join(
        &mut self,
        out: &mut String,
        join: &crate::plan::Join,
        scope: &Scope,
    ) -> String {
        let kind = if join.left { "LEFT JOIN" } else { "INNER JOIN" };
        let mut previous = scope.aliases[join.parent].clone();
        for rel in &join.hops {
            let current = self.alias();
            let _ = write!(out, " {kind} ");
            self.syntax.quote(out, rel.target.table);
            let _ = write!(out, " AS {current} ON ");
            self.column(out, &current, rel.target_key);
            out.push_str(" = ");
            self.column(out, &previous, rel.source_key);
            previous = current;
        }
        previous
    }

    fn alias(&mut self) -> String {
        let alias = format!("t{}", self.aliases);
        self.aliases += 1;
        alias
    }

    fn column(&self, out: &mut String, alias: &str, column: &str) {
        out.push_str(alias);
        out.push('.');
        self.syntax.quote(out, column);
    }

    /// The scope's to-one joins. A `has_one` joins the related row with
    /// the least key only, so that rows are never repeated where the data
    /// break its uniqueness.
    fn joins(&mut self, out: &mut String, scope: &Scope) {
        for join in &scope.joins {
            let parent = scope.alias_of(join.from, &join.hops[..join.hops.len() - 1]);
            out.push_str(" LEFT JOIN ");
            self.syntax.quote(out, join.rel.target.table);
            let _ = write!(out, " AS {} ON ", join.alias);
            self.column(out, &join.alias, join.rel.target_key);
            out.push_str(" = ");
            self.column(out, parent, join.rel.source_key);
            let rel = join.rel;
            if rel.target_key != rel.target.primary_key {
                let first = self.alias();
                out.push_str(" AND ");
                self.column(out, &join.alias, rel.target.primary_key);
                out.push_str(" = (SELECT MIN(");
                self.column(out, &first, rel.target.primary_key);
                out.push_str(") FROM ");
                self.syntax.quote(out, rel.target.table);
                let _ = write!(out, " AS {first} WHERE ");
                self.column(out, &first, rel.target_key);
                out.push_str(" = ");
                self.column(out, parent, rel.source_key);
                out.push(')');
            }
        }
    }

    /// The alias of the last model of the to-one path `hops` from the
    /// scope's alias `from`, joining what the scope has not joined yet.
    fn join_to_one(&mut self, from: usize, hops: &[RelationMeta], scope: &mut Scope) -> String {
        debug_assert!(hops.iter().all(|hop| !hop.many), "to-many path in a join");
        let names: Vec<&'static str> = hops.iter().map(|hop| hop.name).collect();
        for (depth, rel) in hops.iter().enumerate() {
            let prefix = &names[..=depth];
            if !scope
                .joins
                .iter()
                .any(|join| join.from == from && join.hops == prefix)
            {
                let alias = self.alias();
                scope.joins.push(ToOneJoin {
                    from,
                    hops: prefix.to_vec(),
                    rel: *rel,
                    alias,
                });
            }
        }
        scope.alias_of(from, &names).to_owned()
    }

    /// The path `hops` from `alias` as one chain of inner joins.
    fn chain(&mut self, hops: &[RelationMeta], alias: &str) -> Chain {
        let mut from = String::new();
        let mut correlation = String::new();
        let mut first = String::new();
        let mut previous = String::new();
        for (depth, rel) in hops.iter().enumerate() {
            let current = self.alias();
            if depth == 0 {
                first.clone_from(&current);
                self.syntax.quote(&mut from, rel.target.table);
                let _ = write!(from, " AS {current}");
                self.column(&mut correlation, &current, rel.target_key);
                correlation.push_str(" = ");
                self.column(&mut correlation, alias, rel.source_key);
            } else {
                from.push_str(" INNER JOIN ");
                self.syntax.quote(&mut from, rel.target.table);
                let _ = write!(from, " AS {current} ON ");
                self.column(&mut from, &current, rel.target_key);
                from.push_str(" = ");
                self.column(&mut from, &previous, rel.source_key);
            }
            previous = current;
        }
        Chain {
            from,
            correlation,
            first,
            last: previous,
        }
    }

    fn expr(&mut self, expr: &Expr, scope: &mut Scope) -> String {
        let mut out = String::new();
        match expr {
            Expr::Column(path) => {
                let alias = self.join_to_one(path.alias, &path.hops, scope);
                self.column(&mut out, &alias, path.column);
            }
            Expr::Agg(agg) => out = self.agg(agg, scope),
            Expr::Joined(agg) => out = self.joined(agg, scope),
            Expr::Param(index) => {
                self.params.push(*index);
                self.syntax.placeholder(&mut out, *index);
            }
            Expr::Int(value) => out = value.to_string(),
            Expr::Float(value) => out = format!("{value:?}"),
            Expr::Bool(value) => out.push_str(if *value { "TRUE" } else { "FALSE" }),
            Expr::Output(name) => self.syntax.quote(&mut out, name),
        }
        out
    }

    /// An aggregate over joined rows.
    fn joined(&mut self, agg: &JoinedAgg, scope: &Scope) -> String {
        let mut operand = String::new();
        self.column(&mut operand, &scope.aliases[agg.alias], agg.column);
        let mut out = String::new();
        self.aggregate(&mut out, agg.func, agg.distinct, &operand);
        out
    }

    /// `func([DISTINCT] operand)` with the casts and defaults the row
    /// decodes.
    fn aggregate(&self, out: &mut String, func: AggFn, distinct: bool, operand: &str) {
        let mut arg = String::from(if distinct { "DISTINCT " } else { "" });
        match func {
            AggFn::Avg => self.syntax.avg_operand(&mut arg, operand),
            _ => arg.push_str(operand),
        }
        match func {
            AggFn::Count => {
                let _ = write!(out, "COUNT({arg})");
            }
            AggFn::Sum { float } => self.syntax.sum_value(out, &format!("SUM({arg})"), float),
            AggFn::Avg => self.syntax.avg_value(out, &format!("AVG({arg})")),
            AggFn::Min => {
                let _ = write!(out, "MIN({arg})");
            }
            AggFn::Max => {
                let _ = write!(out, "MAX({arg})");
            }
            AggFn::Exists => {
                let _ = write!(out, "(COUNT({arg}) > 0)");
            }
        }
    }

    /// An aggregate as its own correlated subquery over its whole path,
    /// from the scope's root alias.
    fn agg(&mut self, agg: &Agg, scope: &Scope) -> String {
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
                self.column(&mut operand, &inner.aliases[0], model.primary_key)
            }
            (None, _) => operand.push('*'),
        }
        if agg.func == AggFn::Exists {
            return format!("EXISTS (SELECT 1 FROM {from} WHERE {condition})");
        }
        let mut value = String::new();
        self.aggregate(&mut value, agg.func, agg.distinct, &operand);
        format!("(SELECT {value} FROM {from} WHERE {condition})")
    }

    /// `LEFT JOIN (SELECT key, aggregates ... GROUP BY key) AS alias ON ...`
    /// computing every aggregate of `group` (which share one path) in one
    /// pass; a filtered aggregate reads only the rows its `CASE` keeps.
    /// As `form` says, over every key, the selected keys, or the current
    /// root row.
    fn derived_table(&mut self, group: &[&Agg], alias: &str, scope: &Scope, form: Form) -> String {
        let hops = &group[0].hops;
        let Chain {
            mut from,
            correlation,
            first,
            last,
        } = self.chain(hops, &scope.aliases[0]);
        let mut inner = Scope::new(last);
        let mut columns = String::new();
        for (column, agg) in group.iter().enumerate() {
            let filter = agg.filter.as_ref().map(|cond| self.cond(cond, &mut inner));
            let mut operand = String::new();
            match (agg.column, agg.distinct) {
                (Some(name), _) => self.column(&mut operand, &inner.aliases[0], name),
                (None, true) => {
                    let key = hops[hops.len() - 1].target.primary_key;
                    self.column(&mut operand, &inner.aliases[0], key);
                }
                (None, false) => operand.push_str(if filter.is_some() { "1" } else { "*" }),
            }
            if let Some(filter) = filter {
                operand = format!("CASE WHEN {filter} THEN {operand} END");
            }
            if let AggFn::Avg = agg.func {
                let mut cast = String::new();
                self.syntax.avg_operand(&mut cast, &operand);
                operand = cast;
            }
            let distinct = if agg.distinct { "DISTINCT " } else { "" };
            let func = match agg.func {
                AggFn::Count | AggFn::Exists => "COUNT",
                AggFn::Sum { .. } => "SUM",
                AggFn::Avg => "AVG",
                AggFn::Min => "MIN",
                AggFn::Max => "MAX",
            };
            let _ = write!(columns, ", {func}({distinct}{operand}) AS a{column}");
        }
        if let Form::Lateral = form {
            self.joins(&mut from, &inner);
            let columns = columns.trim_start_matches(", ");
            return format!(
                " LEFT JOIN LATERAL (SELECT {columns} FROM {from} WHERE {correlation}) AS {alias} ON TRUE"
            );
        }
        let rel = &hops[0];
        let mut key = String::new();
        self.column(&mut key, &first, rel.target_key);
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
        if rel.source_key == root.primary_key {
            return None;
        }
        let alias = self.alias();
        let mut sql = String::from("SELECT DISTINCT ");
        self.column(&mut sql, &alias, rel.source_key);
        sql.push_str(" AS k FROM ");
        self.syntax.quote(&mut sql, root.table);
        let _ = write!(sql, " AS {alias} INNER JOIN {KEYS} ON {KEYS}.k = ");
        self.column(&mut sql, &alias, root.primary_key);
        Some(sql)
    }

    /// The value of an aggregate computed in a derived table, if it is one.
    fn derived_value(&self, agg: &Agg) -> Option<String> {
        let (_, alias, column) = self
            .derived
            .iter()
            .find(|(node, ..)| std::ptr::eq(*node, agg))?;
        let value = format!("{alias}.a{column}");
        let mut out = String::new();
        match agg.func {
            AggFn::Count => {
                let _ = write!(out, "COALESCE({value}, 0)");
            }
            AggFn::Exists => {
                let _ = write!(out, "(COALESCE({value}, 0) > 0)");
            }
            AggFn::Sum { float } => self.syntax.sum_value(&mut out, &value, float),
            AggFn::Avg => self.syntax.avg_value(&mut out, &value),
            AggFn::Min | AggFn::Max => out = value,
        }
        Some(out)
    }

    fn cond(&mut self, cond: &Cond, scope: &mut Scope) -> String {
        match cond {
            Cond::Not(inner) => format!("NOT ({})", self.cond(inner, scope)),
            Cond::And(all) => self.conds(all, " AND ", scope),
            Cond::Or(any) => self.conds(any, " OR ", scope),
            atom => self.atom(atom, scope),
        }
    }

    /// `(a op b op ...)`, in parenthesized groups of at most 16 when
    /// longer: databases parse a chain as a tree as deep as it is long,
    /// and SQLite refuses trees over 1,000 deep.
    fn conds(&mut self, conds: &[Cond], op: &str, scope: &mut Scope) -> String {
        const GROUP: usize = 16;
        let mut terms: Vec<String> = conds.iter().map(|cond| self.cond(cond, scope)).collect();
        while terms.len() > GROUP {
            terms = terms
                .chunks(GROUP)
                .map(|group| format!("({})", group.join(op)))
                .collect();
        }
        format!("({})", terms.join(op))
    }

    /// A condition without `and`/`or`/`not`. Each operand read through a
    /// to-many path wraps the atom in `EXISTS` over that path, so the root
    /// row matches once however many related rows do.
    fn atom(&mut self, atom: &Cond, scope: &mut Scope) -> String {
        let mut exists = Vec::new();
        let body = match atom {
            Cond::Cmp {
                left,
                op,
                right,
                nullable,
            } => {
                let a = self.operand(left, scope, &mut exists);
                let b = self.operand(right, scope, &mut exists);
                match op {
                    CmpOp::Eq | CmpOp::Ne if *nullable => {
                        let mut out = String::new();
                        self.syntax.null_safe_eq(&mut out, &a, &b, *op == CmpOp::Ne);
                        out
                    }
                    _ => format!("{a} {} {b}", op.sql()),
                }
            }
            Cond::Null { expr, negated } => {
                let expr = self.operand(expr, scope, &mut exists);
                let not = if *negated { " NOT" } else { "" };
                format!("{expr} IS{not} NULL")
            }
            Cond::In {
                expr,
                list,
                negated,
                nullable,
            } => {
                let before = self.params.len();
                let expr = self.operand(expr, scope, &mut exists);
                let expr_params = self.params.len() - before;
                let list: Vec<String> = list
                    .iter()
                    .map(|e| self.operand(e, scope, &mut exists))
                    .collect();
                if *nullable && expr_params > 0 && !self.syntax.numbered() {
                    // The value once (its placeholders bind once), the
                    // candidates as rows it meets: the text then takes the
                    // candidates' parameters first.
                    let mut params = self.params.split_off(before);
                    let candidates = params.split_off(expr_params);
                    self.params.extend(candidates);
                    self.params.extend(params);
                    let rows: Vec<String> =
                        list.iter().map(|c| format!("SELECT {c} AS v")).collect();
                    let alias = self.alias();
                    let mut eq = String::new();
                    self.syntax
                        .null_safe_eq(&mut eq, &format!("{alias}.v"), &expr, false);
                    let not = if *negated { "NOT " } else { "" };
                    format!(
                        "{not}EXISTS (SELECT 1 FROM ({}) AS {alias} WHERE {eq})",
                        rows.join(" UNION ALL ")
                    )
                } else if *nullable {
                    // As many `=` as candidates, each comparing `NULL`s as
                    // equal.
                    let mut any = String::from(if *negated { "NOT (" } else { "(" });
                    for (i, candidate) in list.iter().enumerate() {
                        if i > 0 {
                            any.push_str(" OR ");
                        }
                        self.syntax.null_safe_eq(&mut any, &expr, candidate, false);
                    }
                    any.push(')');
                    any
                } else {
                    let not = if *negated { " NOT" } else { "" };
                    format!("{expr}{not} IN ({})", list.join(", "))
                }
            }
            Cond::Like {
                expr,
                pattern,
                negated,
            } => {
                let expr = self.operand(expr, scope, &mut exists);
                let pattern = self.operand(pattern, scope, &mut exists);
                let mut out = String::new();
                self.syntax.like(&mut out, &expr, &pattern);
                if *negated {
                    out = format!("NOT ({out})");
                }
                out
            }
            Cond::Truth(expr) => self.operand(expr, scope, &mut exists),
            Cond::Not(_) | Cond::And(..) | Cond::Or(..) => self.cond(atom, scope),
        };
        let mut out = String::new();
        for (from, correlation) in &exists {
            let _ = write!(out, "EXISTS (SELECT 1 FROM {from} WHERE {correlation} AND ");
        }
        out.push_str(&body);
        out.push_str(&")".repeat(exists.len()));
        out
    }

    /// An operand of an atom. A column through a to-many path is read from
    /// a new `EXISTS` level pushed on `exists`.
    fn operand(
        &mut self,
        expr: &Expr,
        scope: &mut Scope,
        exists: &mut Vec<(String, String)>,
    ) -> String {
        match expr {
            Expr::Column(path) if path.is_many() => self.many_column(path, scope, exists),
            _ => self.expr(expr, scope),
        }
    }

    fn many_column(
        &mut self,
        path: &ColumnPath,
        scope: &Scope,
        exists: &mut Vec<(String, String)>,
    ) -> String {
        let chain = self.chain(&path.hops, &scope.aliases[path.alias]);
        exists.push((chain.from, chain.correlation));
        let mut out = String::new();
        self.column(&mut out, &chain.last, path.column);
        out
    }
}

/// Writes `ident` between `quote`s, doubling any `quote` inside. The derive
/// already rejects such names; quoting stays total all the same.
fn quote_with(out: &mut String, ident: &str, quote: char) {
    out.push(quote);
    for c in ident.chars() {
        if c == quote {
            out.push(quote);
        }
        out.push(c);
    }
    out.push(quote);
}

#[cfg(test)]
mod tests;
