//! Which SQL shape each aggregate of a query takes.
//!
//! An aggregate over a relation path is a correlated subquery by default:
//! with an index on each join key it is the fastest form on every
//! database, above all when a `where` or `limit` keeps few root rows. It
//! loses in two cases, measured in BENCH-NOTES.md and by
//! `examples/bench.rs`: without an index it scans the related table once per
//! root row (hundreds of times slower over many roots), and several
//! aggregates over one path scan it once each. There, when the query reads
//! the whole root table, the path's aggregates are computed together in one
//! pre-aggregated derived table joined on the key.

use crate::plan::{Agg, Expr, Plan};

/// The root aggregates to compute in derived tables, one group per table:
/// each group shares one relation path.
pub(super) fn derived_groups(plan: &Plan) -> Vec<Vec<&Agg>> {
    let whole_table = plan.joins.is_empty()
        && plan.filter.is_none()
        && plan.limit.is_none()
        && plan.offset.is_none();
    if !whole_table {
        return Vec::new();
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
    groups.retain(|group| group.len() > 1 || group[0].hops.iter().any(|hop| !hop.target_indexed));
    groups
}
