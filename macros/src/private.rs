//! The path generated code reaches the runtime through.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::Ident;

/// `::fanless::__private`. A type of its own rather than a `TokenStream`,
/// so that `quote!` repetitions take it as one value, not as tokens to zip.
#[derive(Clone, Copy)]
pub struct Private;

impl ToTokens for Private {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote!(::fanless::__private));
    }
}

impl Private {
    /// The path with every token at `span`, so that an error about a call
    /// through it points at the user's token.
    pub fn at(self, span: Span) -> TokenStream {
        quote_spanned!(span=> ::fanless::__private)
    }
}

/// `local` (a hygienic local of the expansion) located at `span`: it still
/// resolves to the same binding, but errors about it point at the user's
/// token.
pub fn located(local: &Ident, span: Span) -> Ident {
    Ident::new(&local.to_string(), local.span().located_at(span))
}

/// `tokens` (an expression of the expansion) with every token located at
/// `span`: it still resolves as before, but an error about it points at
/// the user's token. It needs no `let` of its own: each `let` of an
/// expansion is one more scope nested in the debug info, and thousands of
/// them overflow LLVM's stack.
pub fn located_tokens(tokens: &TokenStream, span: Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let mut located =
                    Group::new(group.delimiter(), located_tokens(&group.stream(), span));
                located.set_span(group.span().located_at(span));
                TokenTree::Group(located)
            }
            mut token => {
                token.set_span(token.span().located_at(span));
                token
            }
        })
        .collect()
}
