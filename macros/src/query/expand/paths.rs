//! Paths: each relation segment bound once to a typed local, and the
//! column at the end; the explicit joins of the join form.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Ident;

use super::{Gen, Scope};
use crate::query::ir::{Path, Query};

/// A column path as walked: where it starts, its relation segments as
/// written, and the locals they are bound to.
pub(super) struct Walked {
    pub(super) scope: ScopeKey,
    pub(super) relations: Vec<String>,
    pub(super) rels: Vec<Ident>,
    pub(super) path: Path,
}

/// Which scope a path starts from, to compare paths.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum ScopeKey {
    Alias(usize),
    Filter(String),
}

impl Scope<'_> {
    pub(super) fn key(self) -> ScopeKey {
        match self {
            Self::Alias(alias) => ScopeKey::Alias(alias),
            Self::Filter(end) => ScopeKey::Filter(end.to_string()),
        }
    }
}

impl Gen {
    /// The last relation of the join that made `alias`; `None` for the root.
    pub(super) fn join_rel(&self, alias: usize) -> Option<&Ident> {
        alias
            .checked_sub(1)
            .and_then(|join| self.joined.get(join))
            .and_then(|(rels, _)| rels.last())
    }

    pub(super) fn relations(&self, scope: Scope<'_>) -> TokenStream {
        let fl = &self.fl;
        match scope {
            Scope::Alias(alias) => match self.join_rel(alias).or(self.root.as_ref()) {
                Some(rel) => quote!(#fl::relations_of(&#rel)),
                None => quote!(<__FanlessRoot as ::fanless::Model>::RELATIONS),
            },
            Scope::Filter(end) => quote!(#fl::filter_scope(&#end)),
        }
    }

    pub(super) fn columns(&self, scope: Scope<'_>) -> TokenStream {
        let fl = &self.fl;
        match scope {
            Scope::Alias(alias) => match self.join_rel(alias).or(self.root.as_ref()) {
                Some(rel) => quote!(#fl::columns_of(&#rel)),
                None => quote!(<__FanlessRoot as ::fanless::Model>::COLUMNS),
            },
            Scope::Filter(end) => quote!(#fl::filter_scope(&#end)),
        }
    }

    /// A column path: relations, then a column. In `select` and `order by`
    /// (`to_one`) every relation must be to-one, and the column's type
    /// becomes `Option` through a nullable one.
    pub(super) fn column(
        &mut self,
        path: &Path,
        scope: Scope<'_>,
        to_one: bool,
    ) -> (TokenStream, TokenStream) {
        let (plan, witness, _) = self.column_local(path, scope, to_one);
        (plan, witness)
    }

    /// [`Self::column`], with the local bound to the column.
    pub(super) fn column_local(
        &mut self,
        path: &Path,
        scope: Scope<'_>,
        to_one: bool,
    ) -> (TokenStream, TokenStream, Ident) {
        let fl = self.fl;
        // In the join form a path of the query's scope starts with an alias.
        let (scope, path, nullable) = match (&self.tree, scope) {
            (Some(tree), Scope::Alias(_)) => {
                let alias = tree.index_of(&path.segments[0]).unwrap_or(0);
                let rest = Path {
                    segments: path.segments[1..].to_vec(),
                };
                (Scope::Alias(alias), rest, tree.aliases[alias].nullable)
            }
            _ => (scope, path.clone(), false),
        };
        let alias = scope.alias();
        let (hops, last) = path.segments.split_at(path.segments.len() - 1);
        let rels = self.hops(hops, scope, to_one);
        self.walked.push(Walked {
            scope: scope.key(),
            relations: hops.iter().map(ToString::to_string).collect(),
            rels: rels.clone(),
            path: path.clone(),
        });
        let last = &last[0];
        let columns = match rels.last() {
            Some(rel) => quote!(#fl::columns_of(&#rel)),
            None => self.columns(scope),
        };
        let column = self.local("c");
        let fla = fl.at(last.span());
        self.bind(
            &column,
            quote_spanned!(last.span()=> #fla::column(&(#columns).#last)),
        );
        // Through a nullable relation or a `left join` the column may be
        // `NULL` even where its own type is not an `Option`.
        let mut witness = quote!(#fl::witness(&#column));
        for rel in rels.iter().rev() {
            witness = quote!(#fl::through(&#rel, #witness));
        }
        if nullable {
            witness = quote!(#fl::nullable(#witness));
        }
        let temporal = self.temporal(quote!(#fl::witness(&#column)), &column);
        let plan = quote! {
            #fl::Expr::Column(#fl::ColumnPath {
                alias: #alias,
                hops: #fl::hops(&[#(#rels.hops()),*]),
                column: #column.name(),
                temporal: #temporal,
            })
        };
        (plan, witness, column)
    }

    /// Binds each relation segment of a path; returns the locals.
    pub(super) fn hops(&mut self, hops: &[Ident], scope: Scope<'_>, to_one: bool) -> Vec<Ident> {
        let fl = self.fl;
        let mut base = self.relations(scope);
        let mut rels = Vec::new();
        for segment in hops {
            let rel = self.local("r");
            let fl = fl.at(segment.span());
            let value = if to_one {
                quote_spanned!(segment.span()=> #fl::to_one(&(#base).#segment))
            } else {
                quote_spanned!(segment.span()=> #fl::relation(&(#base).#segment))
            };
            self.bind(&rel, value);
            base = quote!(#fl::relations_of(&#rel));
            rels.push(rel);
        }
        rels
    }

    /// Walks each explicit join once: its relations, and whether it is
    /// to-many, as a type rustc infers. Returns the plan's joins.
    pub(super) fn joins(&mut self, query: &Query) -> Vec<TokenStream> {
        let fl = self.fl;
        let mut plans = Vec::new();
        for join in &query.joins {
            let parent = self
                .tree
                .as_ref()
                .and_then(|tree| tree.index_of(&join.path.segments[0]))
                .unwrap_or(0);
            let rels = self.hops(&join.path.segments[1..], Scope::Alias(parent), false);
            let flag = self.local("m");
            let many = rels.iter().rev().fold(
                quote!(#fl::no()),
                |rest, rel| quote!(#fl::edge(&#rel, #rest)),
            );
            self.bind(&flag, many);
            let left = join.left;
            plans.push(quote! {
                #fl::Join { parent: #parent, hops: #fl::hops(&[#(#rels.hops()),*]), left: #left }
            });
            self.joined.push((rels, flag));
        }
        plans
    }
}
