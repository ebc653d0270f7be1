//! `#[derive(Model)]`: attributes → IR → checks → the `Model` impl and its
//! companion types.

mod attr;
mod check;
mod expand;
mod ir;
mod names;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::Ctxt;

/// Expands `#[derive(Model)]` on `input`.
pub fn expand(input: TokenStream) -> TokenStream {
    let (impls, errors) = try_expand(input);
    let errors = errors.map(|errors| errors.to_compile_error());
    quote!(#errors #impls)
}

/// The impls of `#[derive(Model)]` on `input`, and every error found in
/// it. The impls are emitted after errors too, so that queries over the
/// model do not each report that it is not a model.
pub fn try_expand(input: TokenStream) -> (TokenStream, Option<syn::Error>) {
    let mut cx = Ctxt::default();
    if let Err(error) = crate::diag::check_nesting(&input) {
        return (TokenStream::new(), Some(error));
    }
    let model = syn::parse2::<syn::DeriveInput>(input)
        .map_err(|error| cx.push(error))
        .ok()
        .and_then(|input| ir::Model::from_ast(&input, &mut cx));
    if let Some(model) = &model {
        check::check(model, &mut cx);
    }
    let impls = model.as_ref().map(expand::expand).unwrap_or_default();
    (impls, cx.finish().err())
}
