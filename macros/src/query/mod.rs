//! `query!` and `query_as!`: grammar → IR → syntax checks → expansion.

mod check;
mod expand;
mod fanout;
mod ir;
mod parse;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::Ctxt;

/// Expands `query!` (or `query_as!` when `as_type`) on `input`.
pub fn expand(input: TokenStream, as_type: bool) -> TokenStream {
    let parsed = if as_type {
        syn::parse2::<parse::QueryAs>(input).map(|query| query.0)
    } else {
        syn::parse2::<ir::Query>(input)
    };
    let query = match parsed {
        Ok(query) => query,
        Err(error) => return fallback(error),
    };
    // The expansion relies on the checks: it only ever sees a valid query.
    let mut cx = Ctxt::default();
    check::check(&query, &mut cx);
    if let Err(errors) = cx.finish() {
        return fallback(errors);
    }
    let mut cx = Ctxt::default();
    let tokens = expand::expand(&query, &mut cx);
    match cx.finish() {
        Ok(()) => tokens,
        Err(errors) => fallback(errors),
    }
}

/// The errors, in an expression of any type, so that one mistake in a
/// query does not cascade into errors on the code around it.
fn fallback(errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    quote!({ #errors ::core::unreachable!() })
}
