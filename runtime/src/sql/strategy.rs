//! Which SQL shape each aggregate of a query takes.
//!
//! An aggregate over a relation path is a correlated subquery by default:
//! with an index on each join key it is the fastest form on every
//! database, above all when a `where` or `limit` keeps few root rows. It
//! loses in three cases, measured (BENCHMARKS.md) by `examples/bench.rs`:
//! without an index it scans the related table once per root row (hundreds
//! of times slower over many roots); several aggregates over one path scan
//! it once each; and where root rows share the rows of a path (a to-one
//! hop before a to-many one: the books of each book's publisher, the
//! friends of each book's authors), each root reads them again. There:
//!
//! * over the whole root table, the path's aggregates are computed together
//!   in one pre-aggregated derived table joined on the key;
//! * under a `where` or `limit`, an unindexed path's derived table is
//!   restricted to the root keys the query selects, computed first, unless
//!   the query orders by an aggregate (the keys then depend on every
//!   aggregate: the whole derived table it is);
//! * under a `where` or `limit`, several aggregates over one indexed path
//!   are computed in one pass: a `LATERAL` subquery on PostgreSQL, the
//!   restricted derived table on MySQL; SQLite's correlated subqueries
//!   measured as fast.

use super::DialectKind;
use crate::plan::{Agg, CmpOp, Cond, Expr, Plan};

/// Whether `cond` holds for one root row at most: `key = value`, possibly
/// `and` something else.
fn pins_key(cond: &Cond, plan: &Plan) -> bool {
    let is_key = |expr: &Expr| {
        matches!(expr, Expr::Column(path)
            if path.alias == 0 && path.hops.is_empty() && plan.root.key_column() == Some(path.column))
    };
    let is_value = |expr: &Expr| matches!(expr, Expr::Param(_) | Expr::Int(_));
    match cond {
        Cond::Cmp {
            left,
            op: CmpOp::Eq,
            right,
            ..
        } => (is_key(left) && is_value(right)) || (is_value(left) && is_key(right)),
        Cond::And(all) => all.iter().any(|cond| pins_key(cond, plan)),
        _ => false,
    }
}

/// The shape of a query.
pub(super) struct Choice<'p> {
    /// Root aggregates computed in derived tables, one group per table,
    /// each group sharing one relation path.
    derived: Vec<Vec<&'p Agg>>,
    /// Root aggregates computed in `LATERAL` subqueries, one per group.
    lateral: Vec<Vec<&'p Agg>>,
    /// Whether the root keys are selected first, and the derived tables
    /// restricted to them.
    pub restricted: bool,
}

impl<'p> Choice<'p> {
    /// Each group of aggregates computed beside the root, with its form:
    /// the derived tables first, then the `LATERAL` subqueries. The other
    /// aggregates are correlated subqueries.
    pub fn tables(self) -> Vec<(Form, Vec<&'p Agg>)> {
        let derived = if self.restricted {
            Form::Restricted
        } else {
            Form::Grouped
        };
        let derived = self.derived.into_iter().map(|group| (derived, group));
        let lateral = self.lateral.into_iter().map(|group| (Form::Lateral, group));
        derived.chain(lateral).collect()
    }
}

/// How a group of aggregates over one path is computed beside the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// `LEFT JOIN (... GROUP BY key)`, over every key.
    Grouped,
    /// The same, over the keys the query selected first.
    Restricted,
    /// `LEFT JOIN LATERAL (...) ON TRUE`, for the current root row.
    Lateral,
}

/// Which shapes the aggregates over paths take: as the planner chooses, or
/// one shape for all of them, whatever it costs.
///
/// Every strategy returns the same rows; forcing each in turn is how the
/// differential tests check that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The planner's choice, per path, from the dialect, the indexes and
    /// the query's form.
    Planner,
    /// A correlated subquery per aggregate.
    Correlated,
    /// A derived table per path, over every root key.
    Derived,
    /// A derived table per path, over the root keys the query selects
    /// first; over every key when the query orders by an aggregate, as the
    /// keys then depend on every row's aggregates.
    Restricted,
    /// A `LATERAL` subquery per path (PostgreSQL only).
    Lateral,
}

impl Strategy {
    /// The strategies `dialect` can render.
    pub fn all(dialect: DialectKind) -> &'static [Self] {
        match dialect {
            DialectKind::Postgres => &[
                Self::Planner,
                Self::Correlated,
                Self::Derived,
                Self::Restricted,
                Self::Lateral,
            ],
            DialectKind::Sqlite | DialectKind::MySql => &[
                Self::Planner,
                Self::Correlated,
                Self::Derived,
                Self::Restricted,
            ],
        }
    }
}

pub(super) fn choose(plan: &Plan, dialect: DialectKind, strategy: Strategy) -> Choice<'_> {
    let mut choice = Choice {
        derived: Vec::new(),
        lateral: Vec::new(),
        restricted: false,
    };
    // A collection's statement reads the rows of some parents: a
    // correlated subquery reads just theirs.
    if !plan.joins.is_empty() || (plan.parent.is_some() && strategy == Strategy::Planner) {
        return choice;
    }
    let mut groups: Vec<Vec<&Agg>> = Vec::new();
    let items = plan.select.iter().flatten().map(|item| &item.expr);
    let keys = plan.order.iter().map(|order| &order.expr);
    for expr in items.chain(keys) {
        let Expr::Agg(agg) = expr else { continue };
        match groups.iter_mut().find(|group| group[0].hops == agg.hops) {
            Some(group) => group.push(agg),
            None => groups.push(vec![agg]),
        }
    }
    // Ordered by an aggregate, the selected keys depend on every root row's
    // aggregates: the whole derived table it is. A composite key is not
    // selected as one value: there too. And the keys selected first would
    // cut a collection's rows by its `limit` over every parent, not per
    // parent.
    let whole_table = plan.root.key_column().is_none()
        || plan.parent.is_some()
        || plan.order.iter().any(|order| match &order.expr {
            Expr::Agg(_) => true,
            Expr::Output(name) => plan
                .select
                .iter()
                .flatten()
                .any(|item| item.name == *name && matches!(item.expr, Expr::Agg(_))),
            _ => false,
        });
    match strategy {
        Strategy::Planner => {}
        Strategy::Correlated => return choice,
        Strategy::Derived | Strategy::Restricted => {
            choice.restricted =
                strategy == Strategy::Restricted && !groups.is_empty() && !whole_table;
            choice.derived = groups;
            return choice;
        }
        Strategy::Lateral => {
            choice.lateral = groups;
            return choice;
        }
    }
    let unindexed = |group: &Vec<&Agg>| group[0].hops.iter().any(|hop| !hop.target_indexed);
    let several = |group: &Vec<&Agg>| group.len() > 1;
    // A to-one hop before a to-many one: root rows share the rows past it
    // (the books of a book's publisher, the friends of a book's authors),
    // which a correlated subquery reads again for each root.
    let shared = |group: &Vec<&Agg>| {
        let hops = &group[0].hops;
        hops.iter()
            .position(|hop| !hop.many)
            .is_some_and(|one| hops[one..].iter().any(|hop| hop.many))
    };

    // The whole root table: each costly path in one pass over its table.
    if plan.filter.is_none() && plan.limit.is_none() && plan.offset.is_none() {
        // On PostgreSQL, once the query joins a derived table, the other
        // paths' aggregates are cheaper in derived tables too (measured on
        // many small stores; on few large ones within 1.15×).
        let costly = |g: &Vec<&Agg>| several(g) || unindexed(g) || shared(g);
        let any = groups.iter().any(costly);
        choice.derived = groups
            .into_iter()
            .filter(|g| costly(g) || (any && dialect == DialectKind::Postgres))
            .collect();
        return choice;
    }
    // One root row when its key is pinned: a correlated subquery reads just
    // its related rows, whatever the indexes (on SQLite, even for several
    // aggregates over one path); several aggregates over one path read them
    // once in a `LATERAL` subquery on PostgreSQL, or over the selected key on
    // MySQL.
    let pinned = plan
        .filter
        .as_ref()
        .is_some_and(|cond| pins_key(cond, plan));
    let mut correlated = Vec::new();
    for group in groups {
        let form = match dialect {
            _ if pinned && !several(&group) => None,
            DialectKind::Sqlite if pinned => None,
            DialectKind::Postgres if several(&group) && (pinned || !unindexed(&group)) => {
                Some(Form::Lateral)
            }
            DialectKind::Sqlite if !unindexed(&group) => None,
            DialectKind::Sqlite | DialectKind::Postgres | DialectKind::MySql => {
                if unindexed(&group) || several(&group) {
                    Some(Form::Grouped)
                } else {
                    None
                }
            }
        };
        match form {
            Some(Form::Lateral) => choice.lateral.push(group),
            Some(Form::Grouped | Form::Restricted) => choice.derived.push(group),
            None => correlated.push(group),
        }
    }
    // As for derived tables, once PostgreSQL joins a `LATERAL` subquery the
    // other paths' aggregates are cheaper in one too.
    if dialect == DialectKind::Postgres && !choice.lateral.is_empty() {
        choice.lateral.append(&mut correlated);
    }
    choice.restricted = !choice.derived.is_empty() && !whole_table;
    choice
}
