//! Optional filters: a condition that compares a `{?param}` which is
//! `None` is dropped before rendering, as if it had not been written.
//!
//! A dropped atom leaves the `and` or `or` around it; an `and`, `or` or
//! `not` left with nothing is dropped in turn; a `where` (or `having`, or
//! an aggregate's `where`) left with nothing keeps every row.

use crate::plan::{Cond, Expr, Plan};

/// The arguments `plan` still reads, in order: what a dialect whose
/// placeholders name their argument numbers from 1.
pub(super) fn params(plan: &Plan) -> Vec<usize> {
    let mut params: Vec<usize> = plan.parent.iter().map(|parent| parent.keys).collect();
    let conds = plan.filter.iter().chain(&plan.having);
    for cond in conds {
        cond_params(cond, &mut params);
    }
    let items = plan.select.iter().flatten().map(|item| &item.expr);
    let keys = plan.order.iter().map(|order| &order.expr);
    let values = plan.group.iter().chain(&plan.limit).chain(&plan.offset);
    for expr in items.chain(keys).chain(values) {
        expr_params(expr, &mut params);
    }
    params.sort_unstable();
    params.dedup();
    params
}

fn expr_params(expr: &Expr, params: &mut Vec<usize>) {
    match expr {
        Expr::Param(index) => params.push(*index),
        Expr::Agg(agg) => {
            if let Some(cond) = &agg.filter {
                cond_params(cond, params);
            }
        }
        _ => {}
    }
}

fn cond_params(cond: &Cond, params: &mut Vec<usize>) {
    match cond {
        Cond::Not(inner) => cond_params(inner, params),
        Cond::And(conds) | Cond::Or(conds) => {
            for cond in conds {
                cond_params(cond, params);
            }
        }
        atom => {
            if let Cond::InList { param, .. } = atom {
                params.push(*param);
            }
            for operand in operands(atom) {
                expr_params(operand, params);
            }
        }
    }
}

/// `plan` without the conditions that hold one of the `absent` arguments.
pub(super) fn prune(plan: &Plan, absent: &[usize]) -> Plan {
    let mut plan = plan.clone();
    prune_in(&mut plan, absent);
    plan
}

fn prune_in(plan: &mut Plan, absent: &[usize]) {
    let pruned = |cond: Option<Cond>| cond.and_then(|cond| prune_cond(cond, absent));
    plan.filter = pruned(plan.filter.take());
    plan.having = pruned(plan.having.take());
    for item in plan.select.iter_mut().flatten() {
        prune_expr(&mut item.expr, absent);
    }
    for order in &mut plan.order {
        prune_expr(&mut order.expr, absent);
    }
    // A collection carried inside the statement is written with it.
    for collection in &mut plan.collections {
        prune_in(&mut collection.plan, absent);
    }
}

/// The filters of the aggregates in `expr`, pruned.
fn prune_expr(expr: &mut Expr, absent: &[usize]) {
    if let Expr::Agg(agg) = expr {
        agg.filter = agg.filter.take().and_then(|cond| prune_cond(cond, absent));
    }
}

fn prune_cond(cond: Cond, absent: &[usize]) -> Option<Cond> {
    let kept = |conds: Vec<Cond>| -> Vec<Cond> {
        conds
            .into_iter()
            .filter_map(|cond| prune_cond(cond, absent))
            .collect()
    };
    match cond {
        Cond::Not(inner) => prune_cond(*inner, absent).map(|inner| Cond::Not(Box::new(inner))),
        Cond::And(all) => joined(kept(all), Cond::And),
        Cond::Or(any) => joined(kept(any), Cond::Or),
        mut atom => {
            if holds_absent(&atom, absent) {
                return None;
            }
            for operand in operands_mut(&mut atom) {
                prune_expr(operand, absent);
            }
            Some(atom)
        }
    }
}

/// `conds` joined by `join`: nothing, one condition, or several.
fn joined(mut conds: Vec<Cond>, join: fn(Vec<Cond>) -> Cond) -> Option<Cond> {
    match conds.len() {
        0 => None,
        1 => conds.pop(),
        _ => Some(join(conds)),
    }
}

/// Whether an operand of `atom` is one of the `absent` arguments.
fn holds_absent(atom: &Cond, absent: &[usize]) -> bool {
    let param = |expr: &Expr| matches!(expr, Expr::Param(index) if absent.contains(index));
    match atom {
        Cond::InList {
            expr, param: list, ..
        } => absent.contains(list) || param(expr),
        Cond::Cmp { left, right, .. } => param(left) || param(right),
        Cond::Like { expr, pattern, .. } => param(expr) || param(pattern),
        Cond::In { expr, list, .. } => param(expr) || list.iter().any(param),
        Cond::Null { expr, .. } | Cond::Truth(expr) => param(expr),
        Cond::Not(_) | Cond::And(_) | Cond::Or(_) => false,
    }
}

fn operands_mut(atom: &mut Cond) -> Vec<&mut Expr> {
    match atom {
        Cond::Cmp { left, right, .. } => vec![left, right],
        Cond::Like { expr, pattern, .. } => vec![expr, pattern],
        Cond::In { expr, list, .. } => std::iter::once(expr).chain(list.iter_mut()).collect(),
        Cond::InList { expr, .. } | Cond::Null { expr, .. } | Cond::Truth(expr) => vec![expr],
        Cond::Not(_) | Cond::And(_) | Cond::Or(_) => Vec::new(),
    }
}

fn operands(atom: &Cond) -> Vec<&Expr> {
    match atom {
        Cond::Cmp { left, right, .. } => vec![left, right],
        Cond::Like { expr, pattern, .. } => vec![expr, pattern],
        Cond::In { expr, list, .. } => std::iter::once(expr).chain(list).collect(),
        Cond::InList { expr, .. } | Cond::Null { expr, .. } | Cond::Truth(expr) => vec![expr],
        Cond::Not(_) | Cond::And(_) | Cond::Or(_) => Vec::new(),
    }
}
