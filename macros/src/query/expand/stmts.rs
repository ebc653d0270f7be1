//! The shape of the generated code: statements, vectors and argument
//! tuples nested so that no limit of rustc or LLVM binds on long queries.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

/// A statement of the expansion, before the plan: a local bound, or a
/// check that binds nothing.
pub enum Stmt {
    Let(Ident, TokenStream),
    Check(TokenStream),
}

/// The statements, so that they nest as few scopes as they can: each
/// `let` is a scope nested in the previous one in the debug info, and
/// thousands overflow LLVM's stack (a query of 4,000 conditions did). So
/// past 16 statements, runs of 16 are computed in a closure of their own
/// (its temporaries in its own stack frame), whose locals one `let` then
/// binds together.
pub fn chunked(stmts: &[Stmt]) -> TokenStream {
    const RUN: usize = 16;
    let plain = |stmt: &Stmt| match stmt {
        Stmt::Let(name, value) => quote!(let #name = #value;),
        Stmt::Check(check) => check.clone(),
    };
    if stmts.len() <= RUN {
        return stmts.iter().map(plain).collect();
    }
    let mut out = TokenStream::new();
    for run in stmts.chunks(RUN) {
        let names: Vec<&Ident> = run
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Let(name, _) => Some(name),
                Stmt::Check(_) => None,
            })
            .collect();
        let body = run.iter().map(plain);
        out.extend(if names.is_empty() {
            quote! {
                #[allow(clippy::redundant_closure_call)]
                (|| { #(#body)* })();
            }
        } else {
            quote! {
                #[allow(unused_parens, clippy::redundant_closure_call)]
                let (#(#names),*) = (|| { #(#body)* (#(#names),*) })();
            }
        });
    }
    out
}

/// `vec![items...]`, built by a tree of closures of at most 16 items each
/// when longer: in a debug build every temporary of a function has a
/// stack slot of its own, so a plan of thousands of conditions built in
/// one function would overflow a thread's stack.
pub fn vec_of(items: Vec<TokenStream>) -> TokenStream {
    const WIDTH: usize = 16;
    if items.len() <= WIDTH {
        return quote!(::std::vec![#(#items),*]);
    }
    let size = items.len().div_ceil(WIDTH);
    let parts = items
        .chunks(size.max(WIDTH))
        .map(|chunk| vec_of(chunk.to_vec()));
    quote! {
        (move || {
            let mut all = ::std::vec::Vec::new();
            #(all.extend((move || #parts)());)*
            all
        })()
    }
}

/// The parameters as tuples of at most 16, nested as little as that
/// allows: rustc's limits on type depth then never bind.
pub fn args_tree(mut nodes: Vec<TokenStream>) -> TokenStream {
    const WIDTH: usize = 16;
    while nodes.len() > WIDTH {
        nodes = nodes
            .chunks(WIDTH)
            .map(|chunk| quote!((#(#chunk,)*)))
            .collect();
    }
    quote!((#(#nodes,)*))
}
