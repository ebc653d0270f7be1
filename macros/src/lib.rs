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

/// `#[derive(Model)]`: the reference is in the `fanless` crate, which
/// re-exports it.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::expand(input.into()).into()
}

/// `query!`: the reference is in the `fanless` crate, which re-exports it.
#[proc_macro]
pub fn query(input: TokenStream) -> TokenStream {
    query::expand(input.into(), false).into()
}

/// `query_as!`: the reference is in the `fanless` crate, which re-exports it.
#[proc_macro]
pub fn query_as(input: TokenStream) -> TokenStream {
    query::expand(input.into(), true).into()
}
