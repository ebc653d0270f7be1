//! The path generated code reaches the runtime through.

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

/// `::fanless::__private`. A type of its own rather than a `TokenStream`,
/// so that `quote!` repetitions take it as one value, not as tokens to zip.
#[derive(Clone, Copy)]
pub struct Private;

impl ToTokens for Private {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote!(::fanless::__private));
    }
}
