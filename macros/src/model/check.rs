//! Checks on a model that need no other item: names valid for every
//! dialect, one primary key, no name used twice.

use std::collections::HashMap;

use proc_macro2::Span;

use syn::ext::IdentExt;

use super::attr::InverseKind;
use super::ir::Model;
use super::names::{ident, snake_case};
use crate::diag::{did_you_mean, Ctxt};

pub fn check(model: &Model, cx: &mut Ctxt) {
    check_primary_key(model, cx);
    check_names(model, cx);
    check_unique_columns(model, cx);
    check_unique_members(model, cx);
    check_inverse_via(model, cx);
    check_through(model, cx);
}

// A model has a primary key: one field, or several for a composite key
// (a join model's two foreign keys, say).
fn check_primary_key(model: &Model, cx: &mut Ctxt) {
    if model.primary_keys.is_empty() {
        cx.error(
            model.ident.span(),
            format!(
                "`{}` needs a primary key: mark its key field `#[model(primary_key)]`, or each field of a composite key",
                model.ident
            ),
        );
    }
}

// Table and column names are quoted when rendered, but a name is also kept
// to what every dialect accepts unquoted-safe: ASCII letters, digits and `_`,
// not starting with a digit, at most 63 bytes (PostgreSQL's limit). This
// keeps identifiers a closed set that needs no escaping at all.
fn check_names(model: &Model, cx: &mut Ctxt) {
    let (table, span) = &model.table;
    check_name("table", table, *span, cx);
    for column in &model.columns {
        let (name, span) = &column.name;
        check_name("column", name, *span, cx);
        if let Some(sql_type) = &column.sql_type {
            check_sql_type(&sql_type.value(), sql_type.span(), cx);
        }
        if let Some(form) = &column.sqlite_text {
            check_sqlite_text(form, cx);
        }
    }
}

// `sqlite_text` names the one form a column's dates and times take in
// SQLite, so that they compare as stored and an index on them serves: the
// text sqlx writes, which sorts by instant, or Unix times.
fn check_sqlite_text(form: &syn::LitStr, cx: &mut Ctxt) {
    if !matches!(form.value().as_str(), "sqlx" | "unix") {
        cx.error(
            form.span(),
            format!(
                "unknown `sqlite_text` form `{}`: `\"sqlx\"` says SQLite holds the column as sqlx writes it, \
                 `\"unix\"` as integers of Unix time; leave it out for any form, compared by instant",
                form.value()
            ),
        );
    }
}

// An SQL type is written into `CREATE TABLE` as it is: it is kept to the
// characters of a type name with its parameters, so that it cannot end
// the column's definition.
fn check_sql_type(sql_type: &str, span: Span, cx: &mut Ctxt) {
    let valid = sql_type
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '(' | ')' | ','));
    let balanced = sql_type.chars().try_fold(0u32, |depth, c| match c {
        '(' => Some(depth + 1),
        ')' => depth.checked_sub(1),
        _ => Some(depth),
    }) == Some(0);
    if !valid || !balanced || sql_type.trim().is_empty() {
        cx.error(
            span,
            format!(
                "invalid SQL type `{sql_type}`: write a type name with its parameters, \
                 such as `DECIMAL(10, 2)`, in ASCII letters, digits, `_`, spaces, \
                 commas and balanced parentheses"
            ),
        );
    }
}

fn check_name(what: &str, name: &str, span: Span, cx: &mut Ctxt) {
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let valid_rest = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_start || !valid_rest {
        cx.error(
            span,
            format!(
                "invalid {what} name `{name}`: use ASCII letters, digits and `_`, \
                 not starting with a digit"
            ),
        );
    } else if name.len() > 63 {
        cx.error(
            span,
            format!("{what} name `{name}` is longer than 63 bytes, PostgreSQL's limit"),
        );
    }
}

// Two fields may not map to one column: the row would decode one twice.
fn check_unique_columns(model: &Model, cx: &mut Ctxt) {
    let mut seen = HashMap::new();
    for column in &model.columns {
        let (name, span) = &column.name;
        if let Some(first) = seen.insert(name.as_str(), &column.field) {
            cx.error(
                *span,
                format!("column `{name}` is already the column of field `{first}`; rename one with `column = \"...\"`"),
            );
        }
    }
}

// Relations and columns share one namespace in paths (`count(x)` may name
// either), so no relation may share a name with a field or another relation.
fn check_unique_members(model: &Model, cx: &mut Ctxt) {
    let mut seen: HashMap<String, &str> = model
        .columns
        .iter()
        .map(|column| (column.field.unraw().to_string(), "a field"))
        .collect();
    for name in model.relation_names() {
        if let Some(first) = seen.insert(name.unraw().to_string(), "a relation") {
            cx.error(
                name.span(),
                format!(
                    "`{name}` is already {first} of `{}`; give the relation another name",
                    model.ident
                ),
            );
        }
    }
}

// Without `via`, an inverse goes through the target's relation named after
// this model in snake_case, which must then be an identifier.
fn check_inverse_via(model: &Model, cx: &mut Ctxt) {
    let relation = snake_case(&model.ident.unraw().to_string());
    if ident(&relation, model.ident.span()).is_some() {
        return;
    }
    for inverse in model
        .inverses
        .iter()
        .filter(|inverse| inverse.via.is_none() && !matches!(inverse.kind, InverseKind::Through(_)))
    {
        let name = &inverse.name;
        cx.error(
            name.span(),
            format!(
                "`{relation}` cannot name the relation `{name}` goes through; \
                 name the target's `belongs_to`: `via = relation`"
            ),
        );
    }
}

// A `through` path starts at another relation of this model; a
// `many_to_many` without `to` goes through the join model's relation named
// after the target, which must then be an identifier.
fn check_through(model: &Model, cx: &mut Ctxt) {
    let own: Vec<String> = model
        .relation_names()
        .map(|name| name.unraw().to_string())
        .collect();
    for inverse in &model.inverses {
        let name = &inverse.name;
        match &inverse.kind {
            InverseKind::Through(path) => {
                let Some(first) = path.first() else { continue };
                if model.goes_through(first, name) {
                    continue;
                }
                let text = first.unraw().to_string();
                if first.unraw() == name.unraw() {
                    cx.error(
                        first.span(),
                        format!("`{name}` cannot go through itself: name the relations it follows"),
                    );
                    continue;
                }
                let this = name.unraw().to_string();
                let others = own.iter().filter(|rel| **rel != this);
                let hint = match did_you_mean(&text, others.clone().map(String::as_str)) {
                    hint if !hint.is_empty() => hint,
                    _ => {
                        let listed: Vec<String> = others.map(|rel| format!("`{rel}`")).collect();
                        match listed.is_empty() {
                            true => "; it has no other relation".to_owned(),
                            false => format!("; its relations are {}", listed.join(", ")),
                        }
                    }
                };
                cx.error(
                    first.span(),
                    format!(
                        "`{}` has no relation `{text}` for `{name}` to go through{hint}",
                        model.ident
                    ),
                );
            }
            InverseKind::ManyToMany { to: None, .. } => {
                let target = inverse
                    .target
                    .segments
                    .last()
                    .map(|s| s.ident.unraw().to_string());
                let relation = target.as_deref().map(snake_case).unwrap_or_default();
                if ident(&relation, name.span()).is_none() {
                    cx.error(
                        name.span(),
                        format!(
                            "`{relation}` cannot name the join model's relation `{name}` leads through; \
                             name it: `to = relation`"
                        ),
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(input: syn::DeriveInput) -> Vec<String> {
        let mut cx = Ctxt::default();
        let model = Model::from_ast(&input, &mut cx).unwrap();
        check(&model, &mut cx);
        cx.finish()
            .err()
            .map(|e| e.into_iter().map(|e| e.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn accepts_a_valid_model() {
        let input = syn::parse_quote! {
            #[model(table = "order")]
            struct Order { #[model(primary_key)] id: i64, #[model(column = "group")] group_name: String }
        };
        assert!(errors(input).is_empty());
    }

    #[test]
    fn requires_a_primary_key_of_one_field_or_several() {
        assert_eq!(
            errors(syn::parse_quote! { struct Store { id: i64 } }),
            ["`Store` needs a primary key: mark its key field `#[model(primary_key)]`, or each field of a composite key"]
        );
        let two = errors(syn::parse_quote! {
            struct Credit { #[model(primary_key)] a: i64, #[model(primary_key)] b: i64 }
        });
        assert!(two.is_empty(), "{two:?}");
    }

    #[test]
    fn rejects_names_that_need_escaping() {
        let found = errors(syn::parse_quote! {
            #[model(table = "shop\"store")]
            struct Store { #[model(primary_key)] id: i64, #[model(column = "1st")] first: i64 }
        });
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("invalid table name"));
        assert!(found[1].starts_with("invalid column name"));
    }

    #[test]
    fn rejects_names_used_twice() {
        let found = errors(syn::parse_quote! {
            #[model(has_many(name = Other))]
            struct Store {
                #[model(primary_key)] id: i64,
                #[model(column = "id")] other: i64,
                name: String,
            }
        });
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("column `id` is already"));
        assert!(found[1].starts_with("`name` is already a field"));
    }
}
