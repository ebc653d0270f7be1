//! Checks on a query that its syntax alone decides. What needs the models
//! (names, types, cardinalities) is left to rustc on the expansion.

use std::collections::HashMap;

use super::ir::{AggFn, Cond, Expr, Lit, Query};
use crate::diag::Ctxt;

pub fn check(query: &Query, cx: &mut Ctxt) {
    check_select(query, cx);
    check_order(query, cx);
    for value in [&query.limit, &query.offset].into_iter().flatten() {
        check_count_value(value, cx);
    }
    visit_exprs(query, &mut |expr| check_agg(expr, cx));
}

// A `select` item is a column or an aggregate, and has a name the row field
// can take: an aggregate needs `as name`, and no two items share a name.
fn check_select(query: &Query, cx: &mut Ctxt) {
    let Some(items) = &query.select else {
        if let Some(as_type) = &query.as_type {
            cx.error(
                syn::spanned::Spanned::span(as_type),
                "`query_as!` needs a `select` list naming the fields to build",
            );
        }
        return;
    };
    let mut seen = HashMap::new();
    for item in items {
        match &item.expr {
            Expr::Agg(agg) if item.alias.is_none() => {
                let suggestion = agg
                    .path
                    .segments
                    .last()
                    .map_or(String::new(), |s| s.to_string());
                cx.error(
                    agg.name.span(),
                    format!(
                        "name this aggregate's field: `{}(...) as {}_{suggestion}`",
                        agg.name, agg.name
                    ),
                );
            }
            Expr::Param(_) | Expr::Lit(_) => cx.error(
                item.expr.span(),
                "select a column or an aggregate; values belong in `where`",
            ),
            _ => {}
        }
        if let Some(name) = item.name() {
            let key = name.to_string();
            if seen.insert(key.clone(), ()).is_some() {
                cx.error(
                    name.span(),
                    format!("`{key}` is selected twice; give one a different name: `... as other_{key}`"),
                );
            }
        }
    }
}

// An `order by` key is a column, an aggregate or a `select` name. Literals
// would mean column positions in SQL, and a parameter would have to be bound
// twice by dialects that repeat the key to sort `NULL` alike.
fn check_order(query: &Query, cx: &mut Ctxt) {
    for order in &query.order {
        let mut bad = None;
        visit_expr(&order.expr, &mut |expr| {
            if matches!(expr, Expr::Param(_) | Expr::Lit(_)) && bad.is_none() {
                bad = Some(expr.span());
            }
        });
        if let Some(span) = bad {
            cx.error(
                span,
                "order by a column, an aggregate or a selected name; to order by a value \
                 computed with parameters, select it `as name` and order by `name`",
            );
        }
    }
}

// `limit` and `offset` take a non-negative integer literal or a parameter.
fn check_count_value(value: &Expr, cx: &mut Ctxt) {
    match value {
        Expr::Lit(Lit::Int {
            negative: false, ..
        })
        | Expr::Param(_) => {}
        other => cx.error(
            other.span(),
            "`limit` and `offset` take a non-negative integer or an `{i64}` parameter",
        ),
    }
}

// `sum`, `avg`, `min` and `max` read a column reached through at least one
// relation (`sum(products.price)`); `count` and `exists` take a relation
// path. An aggregate over the root's own columns would collapse the root
// rows, which needs `group by`.
fn check_agg(expr: &Expr, cx: &mut Ctxt) {
    let Expr::Agg(agg) = expr else { return };
    let name = &agg.name;
    match agg.func {
        AggFn::Sum | AggFn::Avg | AggFn::Min | AggFn::Max if agg.path.segments.len() < 2 => {
            cx.error(
                agg.path.span(),
                format!(
                    "`{name}` reads a column through a relation: `{name}(relation.column)`, such as `{name}(products.price)`"
                ),
            );
        }
        AggFn::Exists if agg.distinct.is_some() => {
            if let Some(span) = agg.distinct {
                cx.error(span, "`exists` takes no `distinct`: remove it");
            }
        }
        _ => {}
    }
}

/// Calls `f` on every expression of the query, aggregates' inner ones too.
fn visit_exprs(query: &Query, f: &mut dyn FnMut(&Expr)) {
    for item in query.select.iter().flatten() {
        visit_expr(&item.expr, f);
    }
    if let Some(cond) = &query.filter {
        visit_cond(cond, f);
    }
    for order in &query.order {
        visit_expr(&order.expr, f);
    }
}

fn visit_expr(expr: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(expr);
    if let Expr::Agg(agg) = expr {
        if let Some(cond) = &agg.filter {
            visit_cond(cond, f);
        }
    }
}

fn visit_cond(cond: &Cond, f: &mut dyn FnMut(&Expr)) {
    match cond {
        Cond::Cmp(a, _, b) => {
            visit_expr(a, f);
            visit_expr(b, f);
        }
        Cond::Null { expr, .. } | Cond::Truth(expr) => visit_expr(expr, f),
        Cond::In { expr, list, .. } => {
            visit_expr(expr, f);
            list.iter().for_each(|e| visit_expr(e, f));
        }
        Cond::Like { expr, pattern, .. } => {
            visit_expr(expr, f);
            visit_expr(pattern, f);
        }
        Cond::Not(inner) => visit_cond(inner, f),
        Cond::And(a, b) | Cond::Or(a, b) => {
            visit_cond(a, f);
            visit_cond(b, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(tokens: proc_macro2::TokenStream) -> Vec<String> {
        let query: Query = syn::parse2(tokens).unwrap();
        let mut cx = Ctxt::default();
        check(&query, &mut cx);
        cx.finish()
            .err()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn accepts_the_design_query() {
        let found = errors(quote::quote! {
            from Store
            select id, name,
                   count(departments.employees) as total_employees,
                   count(products where price > {min_price}) as expensive,
                   avg(products.price) as avg_price,
                   exists(products where discontinued) as has_discontinued
            where name != {excluded}
            order by total_employees desc, id
            limit 20 offset {skip}
        });
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn requires_names_for_aggregates() {
        let found = errors(quote::quote! { from Store select count(products) });
        assert_eq!(
            found,
            ["name this aggregate's field: `count(...) as count_products`"]
        );
    }

    #[test]
    fn rejects_a_name_selected_twice() {
        let found = errors(quote::quote! { from Employee select name, department.name });
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("`name` is selected twice"));
    }

    #[test]
    fn rejects_sum_without_a_relation() {
        let found = errors(quote::quote! { from Product select sum(price) as total });
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("`sum` reads a column through a relation"));
    }

    #[test]
    fn rejects_values_in_order_by_and_negative_limits() {
        let found = errors(quote::quote! { from Store order by {key} limit -1 });
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("order by a column"));
        assert!(found[1].starts_with("`limit` and `offset`"));
    }

    #[test]
    fn rejects_distinct_exists() {
        let found = errors(quote::quote! { from Store where exists(distinct products) });
        assert_eq!(found, ["`exists` takes no `distinct`: remove it"]);
    }
}
