//! Walks over a query's IR: its values and its conditions.

use super::ir::{Cond, Expr, Query};

/// Calls `f` on every expression of the query, aggregates' inner ones too.
pub fn visit_exprs(query: &Query, f: &mut dyn FnMut(&Expr)) {
    for item in query.select.iter().flatten() {
        visit_expr(&item.expr, f);
    }
    if let Some(cond) = &query.filter {
        visit_cond(cond, f);
    }
    for expr in &query.group {
        visit_expr(expr, f);
    }
    if let Some(cond) = &query.having {
        visit_cond(cond, f);
    }
    for order in &query.order {
        visit_expr(&order.expr, f);
    }
}

pub fn visit_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    if let Expr::Agg(agg) = expr {
        if let Some(cond) = &agg.filter {
            visit_cond(cond, f);
        }
    }
}

/// Calls `f` on the values of a condition, aggregates' inner ones too.
pub fn visit_cond(cond: &Cond, f: &mut dyn FnMut(&Expr)) {
    visit_cond_top(cond, &mut |expr| visit_expr(expr, f));
}

/// Calls `f` on every condition of the query, each node of every tree:
/// `where`, `having`, and the filters of aggregates wherever they are.
pub fn visit_conds(query: &Query, f: &mut dyn FnMut(&Cond)) {
    visit_exprs(query, &mut |expr| {
        if let Expr::Agg(agg) = expr {
            if let Some(cond) = &agg.filter {
                visit_cond_nodes(cond, f);
            }
        }
    });
    for cond in query.filter.iter().chain(&query.having) {
        visit_cond_nodes(cond, f);
    }
}

fn visit_cond_nodes(cond: &Cond, f: &mut dyn FnMut(&Cond)) {
    f(cond);
    match cond {
        Cond::Not(inner) => visit_cond_nodes(inner, f),
        Cond::And(conds) | Cond::Or(conds) => {
            for cond in conds {
                visit_cond_nodes(cond, f);
            }
        }
        _ => {}
    }
}

/// Calls `f` on the values of a condition, not inside aggregates.
pub fn visit_cond_top(cond: &Cond, f: &mut dyn FnMut(&Expr)) {
    match cond {
        Cond::Cmp(a, _, b) => {
            f(a);
            f(b);
        }
        Cond::Null { expr, .. } | Cond::Truth(expr) | Cond::InList { expr, .. } => f(expr),
        Cond::In { expr, list, .. } => {
            f(expr);
            for e in list {
                f(e);
            }
        }
        Cond::Like { expr, pattern, .. } => {
            f(expr);
            f(pattern);
        }
        Cond::Not(inner) => visit_cond_top(inner, f),
        Cond::And(conds) | Cond::Or(conds) => {
            for cond in conds {
                visit_cond_top(cond, f);
            }
        }
    }
}
