//! `#[derive(Model)]`: attributes → IR → checks → the `Model` impl and its
//! companion types.

mod attr;
mod check;
mod expand;
mod ir;

use proc_macro2::TokenStream;

use crate::diag::Ctxt;

/// Expands `#[derive(Model)]` on `input`.
pub fn expand(input: TokenStream) -> TokenStream {
    let mut cx = Ctxt::default();
    let model = syn::parse2::<syn::DeriveInput>(input)
        .map_err(|error| cx.push(error))
        .ok()
        .and_then(|input| ir::Model::from_ast(&input, &mut cx));
    if let Some(model) = &model {
        check::check(model, &mut cx);
    }
    match (model, cx.finish()) {
        (Some(model), Ok(())) => expand::expand(&model),
        (_, Err(errors)) => errors.to_compile_error(),
        (None, Ok(())) => unreachable!("`from_ast` returns `None` only after an error"),
    }
}
