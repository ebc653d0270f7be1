//! `query!` and `query_as!`: grammar → IR → syntax checks → expansion.

mod check;
mod expand;
mod fanout;
mod ir;
mod literals;
mod parse;
mod visit;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::Ctxt;

/// Expands `query!` (or `query_as!` when `as_type`) on `input`.
pub fn expand(input: TokenStream, as_type: bool) -> TokenStream {
    try_expand(input, as_type).unwrap_or_else(fallback)
}

/// The expansion of `query!` on `input`, or every error found in it.
pub fn try_expand(input: TokenStream, as_type: bool) -> Result<TokenStream, syn::Error> {
    crate::diag::check_nesting(&input)?;
    let query = if as_type {
        syn::parse2::<parse::QueryAs>(input).map(|query| query.0)?
    } else {
        syn::parse2::<ir::Query>(input)?
    };
    // What the syntax alone decides is checked here; the expansion leaves
    // the rest (names, types, cardinalities) to rustc.
    let mut cx = Ctxt::default();
    check::check(&query, &mut cx);
    literals::check(&query, &mut cx);
    cx.finish()?;
    Ok(expand::expand(&query))
}

/// The errors, in an expression of any type, so that one mistake in a
/// query does not cascade into errors on the code around it.
fn fallback(errors: syn::Error) -> TokenStream {
    let errors = errors.to_compile_error();
    quote!({ #errors ::core::unreachable!() })
}
