//! Checks on a query that its syntax alone decides. What needs the models
//! (names, types, cardinalities) is left to rustc on the expansion.

use std::collections::HashMap;

use syn::Ident;

use super::ir::{AggFn, Cond, Expr, Lit, Path, Query, Text};
use super::visit::{visit_cond_top, visit_conds, visit_expr, visit_exprs};
use crate::diag::Ctxt;

pub fn check(query: &Query, cx: &mut Ctxt) {
    check_query(query, query.as_type.is_some(), false, cx);
}

/// The checks of a query, or of a collection's rows (`inside`); `as_type`:
/// in `query_as!`.
fn check_query(query: &Query, as_type: bool, inside: bool, cx: &mut Ctxt) {
    check_collections(query, as_type, cx);
    check_select(query, cx);
    check_lists(query, cx);
    check_optionals(query, cx);
    check_order(query, cx);
    for value in [&query.limit, &query.offset].into_iter().flatten() {
        check_count_value(value, cx);
    }
    if query.is_join_form() {
        check_join_form(query, cx);
    } else {
        check_path_form(query, cx);
        if !inside {
            check_whole_table(query, cx);
        }
        visit_exprs(query, &mut |expr| check_agg(expr, cx));
    }
}

// A collection stands in the path form's `select`, has a name of its own,
// and, in `query_as!`, names the type of its rows. Its rows are checked as
// a query of their own, without the aggregates of every row of the query.
fn check_collections(query: &Query, as_type: bool, cx: &mut Ctxt) {
    let items: Vec<String> = query
        .select
        .iter()
        .flatten()
        .filter_map(|item| item.name().map(ToString::to_string))
        .collect();
    let mut names: Vec<String> = Vec::new();
    if let Some(extra) = query.collections.get(MAX_COLLECTIONS) {
        cx.error(
            extra.brace,
            format!(
                "a row holds at most {MAX_COLLECTIONS} collections: nest some in others, or \
                 load them with a query of their own"
            ),
        );
    }
    for order in &query.order {
        let named = match &order.expr {
            Expr::Path(path) if path.segments.len() == 1 => query
                .collections
                .iter()
                .find(|collection| collection.name == path.segments[0]),
            _ => None,
        };
        if let Some(collection) = named {
            let name = &collection.name;
            cx.error(
                order.expr.span(),
                format!(
                    "`{name}` is a collection, which has no one value to sort by: sort by a \
                     column or an aggregate, such as `count({}) as {name}_count`",
                    collection.path
                ),
            );
        }
    }
    for collection in &query.collections {
        let (path, name) = (&collection.path, &collection.name);
        if query.is_join_form() {
            cx.error(
                collection.brace,
                format!(
                    "`{path} {{ ... }}` is a collection, which the path form selects: `from Model select {path} {{ ... }} as {name}`; in the join form each row is one combination of joined rows"
                ),
            );
            continue;
        }
        let text = name.to_string();
        if items.contains(&text) || names.contains(&text) {
            cx.error(
                name.span(),
                format!(
                    "`{text}` is selected twice; give one a different name: `... as other_{text}`"
                ),
            );
        }
        names.push(text);
        match (as_type, &collection.row_type) {
            (true, None) => cx.error(
                name.span(),
                format!(
                    "`query_as!` builds each row of `{name}` as a type of yours: name it, such as `as {name}: {}Row`",
                    upper_first(&name.to_string())
                ),
            ),
            (false, Some(row_type)) => cx.error(
                syn::spanned::Spanned::span(row_type),
                format!(
                    "the rows of `query!` are anonymous structs, and so are those of `{name}`: build them as your own types with `query_as!`, or write `as {name}`"
                ),
            ),
            _ => {}
        }
        visit_exprs(&collection.query, &mut |expr| {
            match expr {
            Expr::Agg(agg) if agg.is_whole_table() => cx.error(
                agg.name.span(),
                format!(
                    "`{}` would aggregate every row of `{path}`, which a collection lists: aggregate them in the row that holds it, such as `count({path}) as {name}_count`",
                    Text { strip: &[] }.expr(expr)
                ),
            ),
            _ => {}
        }
        });
        check_query(&collection.query, as_type, true, cx);
    }
}

/// The most collections one row holds: the loaders of a level are a tuple
/// at most this wide.
const MAX_COLLECTIONS: usize = 8;

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

// `count(*)` and `sum`, `avg`, `min` or `max` of a root column read every
// row the query keeps and make one row of them. They stand at the top of
// `select` and `order by`, beside other such aggregates only: a value of
// each row beside them would need `group by`, the join form's.
fn check_whole_table(query: &Query, cx: &mut Ctxt) {
    let text = Text { strip: &[] };
    let top: Vec<&Expr> = query
        .select
        .iter()
        .flatten()
        .map(|item| &item.expr)
        .chain(query.order.iter().map(|order| &order.expr))
        .collect();
    visit_exprs(query, &mut |expr| match expr {
        Expr::Agg(agg) if agg.is_whole_table() && !top.iter().any(|t| std::ptr::eq(*t, expr)) => {
            cx.error(
                agg.name.span(),
                format!(
                    "`{}` aggregates every row the query keeps into its one row: it stands in \
                     `select` and `order by`, not in a condition",
                    text.expr(expr)
                ),
            );
        }
        _ => {}
    });
    let whole = |expr: &Expr| matches!(expr, Expr::Agg(agg) if agg.is_whole_table());
    let Some(total) = top.iter().copied().find(|expr| whole(expr)) else {
        return;
    };
    let (model, span, total) = (model_name(query), total.span(), text.expr(total));
    let Some(select) = &query.select else {
        cx.error(
            span,
            format!(
                "the rows of this query are each a `{model}`, and `{total}` aggregates all of them \
                 into one: select the aggregates, such as `select {total} as total`"
            ),
        );
        return;
    };
    let outputs: Vec<&Ident> = select.iter().filter_map(|item| item.name()).collect();
    let named = |expr: &Expr| matches!(expr, Expr::Path(path) if path.segments.len() == 1 && outputs.contains(&&path.segments[0]));
    let per_row = select.iter().map(|item| &item.expr).chain(
        query
            .order
            .iter()
            .map(|order| &order.expr)
            .filter(|expr| !named(expr)),
    );
    for expr in per_row.filter(|expr| !whole(expr)) {
        let value = text.expr(expr);
        cx.error(
            expr.span(),
            format!(
                "`{value}` is a value of each `{model}`, and `{total}` aggregates every row into one: \
                 aggregate it too, or group the rows in the join form: \
                 `from {model} m select m.column, count(m) as n group by m.column`"
            ),
        );
    }
    for collection in &query.collections {
        let path = &collection.path;
        cx.error(
            collection.brace,
            format!(
                "`{path} {{ ... }}` lists the rows of each `{model}`, and `{total}` aggregates every \
                 row into one: select `{total}` in a query of its own"
            ),
        );
    }
}

// `group by` and `having` work on joined rows; a path-form aggregate is
// already one value per root row.
fn check_path_form(query: &Query, cx: &mut Ctxt) {
    let model = model_name(query);
    let clause = match (query.group.first(), &query.having) {
        (Some(expr), _) => Some(("group by", expr.span())),
        (None, Some(cond)) => Some(("having", cond_span(cond))),
        (None, None) => None,
    };
    if let Some((clause, span)) = clause {
        cx.error(
            span,
            format!(
                "`{clause}` works on joined rows: name the model (`from {model} m`) and start each path with `m.`; \
                 an aggregate over a path is already one value per `{model}`"
            ),
        );
    }
}

// In the join form every path starts with an alias, each join from an
// alias named before it, and an aggregate takes a joined alias (`count(e)`)
// or one of its columns (`sum(e.salary)`): its rows are the joined rows.
fn check_join_form(query: &Query, cx: &mut Ctxt) {
    let model = model_name(query);
    let Some(root) = &query.alias else {
        if let Some(join) = query.joins.first() {
            cx.error(
                join.keyword,
                format!("name the model to join from it: `from {model} m`, then `join m.relation alias`"),
            );
        }
        return;
    };
    let mut aliases: Vec<&Ident> = vec![root];
    for join in &query.joins {
        let from = &join.path.segments[0];
        if !aliases.contains(&from) {
            cx.error(
                from.span(),
                format!(
                    "unknown alias `{from}`; the aliases before this join are {}",
                    list(&aliases)
                ),
            );
        }
        if aliases.contains(&&join.alias) {
            cx.error(
                join.alias.span(),
                format!(
                    "the alias `{}` is already taken; name these rows differently",
                    join.alias
                ),
            );
        }
        aliases.push(&join.alias);
    }
    let outputs: Vec<String> = query
        .select
        .iter()
        .flatten()
        .filter_map(|item| item.name().map(ToString::to_string))
        .collect();
    let check_expr = |expr: &Expr, clause: Clause, cx: &mut Ctxt| match expr {
        Expr::Path(path)
            if clause == Clause::Order
                && path.segments.len() == 1
                && outputs.contains(&path.segments[0].to_string()) => {}
        Expr::Path(path) => check_alias_path(path, &aliases, cx),
        Expr::Agg(agg) => check_joined_agg(agg, clause, &aliases, cx),
        Expr::Param(_) | Expr::Optional(_) | Expr::Lit(_) => {}
    };
    for item in query.select.iter().flatten() {
        check_expr(&item.expr, Clause::Select, cx);
    }
    if let Some(cond) = &query.filter {
        visit_cond_top(cond, &mut |expr| check_expr(expr, Clause::Where, cx));
    }
    for expr in &query.group {
        check_expr(expr, Clause::Group, cx);
    }
    if let Some(cond) = &query.having {
        visit_cond_top(cond, &mut |expr| check_expr(expr, Clause::Having, cx));
    }
    for order in &query.order {
        check_expr(&order.expr, Clause::Order, cx);
    }
    check_grouping(query, &outputs, cx);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Clause {
    Select,
    Where,
    Group,
    Having,
    Order,
}

fn check_alias_path(path: &Path, aliases: &[&Ident], cx: &mut Ctxt) {
    let first = &path.segments[0];
    if !aliases.contains(&first) {
        cx.error(
            first.span(),
            format!(
                "in a query with aliases, start each path with one: {}",
                aliases
                    .iter()
                    .map(|alias| format!("`{alias}.{path}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        );
    } else if path.segments.len() == 1 {
        cx.error(
            first.span(),
            format!("`{first}` is an alias: name one of its columns, such as `{first}.id`"),
        );
    }
}

fn check_joined_agg(agg: &super::ir::Agg, clause: Clause, aliases: &[&Ident], cx: &mut Ctxt) {
    let name = &agg.name;
    let root = aliases
        .first()
        .map_or(String::from("m"), ToString::to_string);
    let (Some(first), None) = (agg.path.segments.first(), agg.star) else {
        cx.error(
            agg.star.unwrap_or_else(|| name.span()),
            format!("with aliases, count the rows of one: `count({root})`"),
        );
        return;
    };
    if clause == Clause::Where || clause == Clause::Group {
        cx.error(
            name.span(),
            "an aggregate over joined rows is computed after grouping: use it in `select`, `having` or `order by`",
        );
    } else if !aliases.contains(&first) {
        cx.error(
            first.span(),
            format!(
                "aggregate over a joined alias or one of its columns, such as `{name}({}.id)`",
                aliases[aliases.len() - 1]
            ),
        );
    } else if agg.path.segments.len() > 2 {
        let (relation, column) = (&agg.path.segments[1], &agg.path.segments[2]);
        cx.error(
            column.span(),
            format!(
                "with joins, an aggregate takes a joined alias's column: `join {first}.{relation} x`, \
                 then `{name}(x.{column})`; or drop the joins and aggregate over the path, each path \
                 aggregate being its own subquery"
            ),
        );
    } else if agg.path.segments.len() == 1 && !matches!(agg.func, AggFn::Count | AggFn::Exists) {
        cx.error(
            first.span(),
            format!("`{name}` takes a column: `{name}({first}.column)`"),
        );
    } else if let Some(cond) = &agg.filter {
        cx.error(
            cond_span(cond),
            "an aggregate over joined rows takes no `where`: filter the rows in the query's `where`",
        );
    }
}

// When a query aggregates, every other value it outputs, orders by or
// tests in `having` must be a `group by` key: otherwise PostgreSQL rejects
// it and MySQL silently picks any row's value.
fn check_grouping(query: &Query, outputs: &[String], cx: &mut Ctxt) {
    let mut aggregates = false;
    visit_exprs(query, &mut |expr| {
        aggregates |= matches!(expr, Expr::Agg(_))
    });
    if !aggregates && query.group.is_empty() {
        return;
    }
    let grouped: Vec<String> = query
        .group
        .iter()
        .filter_map(|expr| match expr {
            Expr::Path(path) => Some(path.to_string()),
            _ => None,
        })
        .collect();
    // In `select` and `order by`, a column may be grouped through its
    // model's primary key; `having` tests what is grouped.
    let check = |expr: &Expr, by_key: bool, cx: &mut Ctxt| {
        if let Expr::Path(path) = expr {
            let text = path.to_string();
            let is_output = path.segments.len() == 1 && outputs.contains(&text);
            let by_key = by_key && query.key_grouped(path).is_some();
            if !is_output && !grouped.contains(&text) && !by_key {
                cx.error(
                    path.span(),
                    format!(
                        "`{text}` is neither grouped nor aggregated: add it to `group by`, aggregate it, \
                         or group by its model's primary key alone"
                    ),
                );
            }
        }
    };
    for item in query.select.iter().flatten() {
        check(&item.expr, true, cx);
    }
    if let Some(cond) = &query.having {
        visit_cond_top(cond, &mut |expr| check(expr, false, cx));
    }
    for order in &query.order {
        check(&order.expr, true, cx);
    }
}

fn cond_span(cond: &Cond) -> proc_macro2::Span {
    match cond {
        Cond::Cmp(a, ..) | Cond::Null { expr: a, .. } | Cond::In { expr: a, .. } => a.span(),
        Cond::InList { expr: a, .. } => a.span(),
        Cond::Like { expr: a, .. } | Cond::Truth(a) => a.span(),
        Cond::Not(inner) => cond_span(inner),
        Cond::And(conds) | Cond::Or(conds) => conds
            .first()
            .map_or_else(proc_macro2::Span::call_site, cond_span),
    }
}

fn model_name(query: &Query) -> String {
    query
        .from
        .segments
        .last()
        .map_or(String::new(), |segment| segment.ident.to_string())
}

fn list(names: &[&Ident]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

// A `select` item is a column or an aggregate, and has a name the row field
// can take: an aggregate needs `as name`, and no two items share a name.
/// The prefix of the names of the columns fanless adds to a statement.
const RESERVED: &str = "fanless_";

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
            Expr::Param(_) | Expr::Optional(_) | Expr::Lit(_) => cx.error(
                item.expr.span(),
                "select a column or an aggregate; values belong in `where`",
            ),
            _ => {}
        }
        if let Some(name) = item.name() {
            let key = name.to_string();
            // Statements of collections add columns of these names beside
            // the items: one named alike would be read in their place.
            if let Some(rest) = key.trim_start_matches("r#").strip_prefix(RESERVED) {
                let other = if rest.is_empty() { "value" } else { rest };
                cx.error(
                    name.span(),
                    format!(
                        "names that begin with `{RESERVED}` are fanless's own, for the columns it adds to a statement: name this item otherwise, such as `... as {other}`"
                    ),
                );
            }
            if seen.insert(key.clone(), ()).is_some() {
                cx.error(
                    name.span(),
                    format!("`{key}` is selected twice; give one a different name: `... as other_{key}`"),
                );
            }
        }
    }
}

// `{?x}` stands on one side of a comparison (`=`, `<`, ..., `like`), which
// is dropped when `x` is `None`; anywhere else there is nothing to drop.
fn check_optionals(query: &Query, cx: &mut Ctxt) {
    let mut compared: Vec<*const Expr> = Vec::new();
    visit_conds(query, &mut |cond| match cond {
        Cond::Cmp(a, _, b)
        | Cond::Like {
            expr: a,
            pattern: b,
            ..
        } => compared.extend([a as *const Expr, b as *const Expr]),
        _ => {}
    });
    // (`limit` and `offset` take a value of their own: their check says so.)
    visit_exprs(query, &mut |expr| {
        if matches!(expr, Expr::Optional(_)) && !compared.contains(&(expr as *const Expr)) {
            cx.error(
                expr.span(),
                "`{?...}` is an optional filter: it stands on one side of a comparison, \
                 such as `name = {?name}`, which is dropped when it is `None`; \
                 bind other values as `{...}`",
            );
        }
    });
}

// `value in {list}` tests a column or an aggregate: the list's elements take
// its type.
fn check_lists(query: &Query, cx: &mut Ctxt) {
    visit_conds(query, &mut |cond| {
        if let Cond::InList {
            expr: value @ (Expr::Param(_) | Expr::Optional(_) | Expr::Lit(_)),
            ..
        } = cond
        {
            cx.error(
                value.span(),
                "`in {list}` tests a column or an aggregate, such as `id in {ids}`: \
                 compare this value with `=` instead",
            );
        }
    });
}

// An `order by` key is a column, an aggregate or a `select` name. Literals
// would mean column positions in SQL, and a parameter would have to be bound
// twice by dialects that repeat the key to sort `NULL` alike.
fn check_order(query: &Query, cx: &mut Ctxt) {
    for order in &query.order {
        let mut bad = None;
        visit_expr(&order.expr, &mut |expr| {
            if matches!(expr, Expr::Param(_) | Expr::Optional(_) | Expr::Lit(_)) && bad.is_none() {
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
            "`limit` and `offset` take a non-negative integer or a parameter of an integer type, such as `{page_size}`",
        ),
    }
}

// `exists` asks for a row: `distinct` changes nothing there.
fn check_agg(expr: &Expr, cx: &mut Ctxt) {
    let Expr::Agg(agg) = expr else { return };
    if let (AggFn::Exists, Some(span)) = (agg.func, agg.distinct) {
        cx.error(span, "`exists` takes no `distinct`: remove it");
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
    fn whole_table_aggregates_stand_beside_each_other_only() {
        let found = errors(quote::quote! {
            from Product select count(*) as n, sum(price) as total, max(name) as last
            where price > 1.0 order by n
        });
        assert!(found.is_empty(), "{found:?}");
        let found = errors(quote::quote! {
            from Product select name, count(*) as n, count(reviews) as r order by price
        });
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("`name` is a value of each `Product`"));
        assert!(found[1].starts_with("`count(reviews)` is a value of each `Product`"));
        assert!(found[2].starts_with("`price` is a value of each `Product`"));
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
