//! Procedural macros of fanless: `#[derive(Model)]`, `query!` and
//! `query_as!`. Use them through the `fanless` crate, which re-exports them
//! with the runtime their expansions need.
//!
//! Each macro is a pipeline of plain functions over `proc_macro2` tokens:
//! parse → IR → check → expand, so each stage is unit-tested without a
//! compiler run.

#![warn(missing_docs)]

mod diag;
#[cfg(test)]
mod fuzz;
mod model;
mod private;
mod query;

use proc_macro::TokenStream;

/// Describes a table, its columns and its relations. See the `fanless` crate
/// for examples of each attribute.
///
/// On the struct:
///
/// * `#[model(table = "name")]`: the table (default: the struct's name in
///   snake_case).
/// * `#[model(has_many(name = Target))]`: the rows of `Target` whose
///   `belongs_to` named after this model points here (`via = relation`
///   names another); `has_one(name = Target)` the same through a `unique`
///   key, at most one row.
/// * `#[model(has_many(name = Target, through = a.b))]`: the relations
///   `a.b` of this model, then the relation `name` (or `via`) of the model
///   they lead to.
/// * `#[model(many_to_many(name = Target, through = JoinModel))]`: through
///   the join model's `belongs_to` named after this model (`via = relation`)
///   and its `belongs_to` named after `Target` (`to = relation`).
///
/// On a field:
///
/// * `#[model(primary_key)]` on the key field, or on each field of a
///   composite key; `#[model(column = "name")]`;
/// * `#[model(belongs_to(Target))]` on a foreign key, a to-one relation
///   named after the field without `_id` (`belongs_to(name = Target)`
///   names it), nullable if the field is an `Option`; `indexed = false`
///   tells the planner the key has no index, `unique` that no two rows
///   hold one key.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::expand(input.into()).into()
}

/// A query over models, returning rows of an anonymous struct (or the model
/// itself without `select`). See the `fanless` crate.
#[proc_macro]
pub fn query(input: TokenStream) -> TokenStream {
    query::expand(input.into(), false).into()
}

/// `query_as!(Type, ...)`: a query whose rows are built as `Type`, one field
/// per `select` item. See the `fanless` crate.
#[proc_macro]
pub fn query_as(input: TokenStream) -> TokenStream {
    query::expand(input.into(), true).into()
}
