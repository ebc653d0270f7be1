//! Aggregates: over a relation path, each its own subquery in the plan,
//! and over the rows of an explicit join; `limit` and `offset` values.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;

use super::values::{param_span, Probe};
use super::{Gen, Scope};
use crate::private::located;
use crate::query::ir::{Agg, AggFn, Expr};

impl Gen {
    /// An aggregate: its plan expression and its type witness.
    pub(super) fn agg(&mut self, agg: &Agg, scope: Scope<'_>) -> (TokenStream, TokenStream) {
        let segments = &agg.path.segments;
        if let (Some(tree), Scope::Alias(_)) = (&self.tree, scope) {
            let alias = segments
                .first()
                .and_then(|first| tree.index_of(first))
                .unwrap_or(0);
            return self.joined_agg(agg, alias, segments.get(1), Scope::Alias(alias));
        }
        let (Some((last, hops)), false) = (segments.split_last(), agg.is_whole_table()) else {
            // The root's rows, as the join form's alias 0.
            return self.joined_agg(agg, 0, segments.first(), Scope::ROOT);
        };
        let fl = self.fl;
        let rels = self.hops(hops, scope, false);
        let base = match rels.last() {
            Some(rel) => quote!(#fl::relations_of(&#rel)),
            None => self.relations(scope),
        };
        let columns = match rels.last() {
            Some(rel) => quote!(#fl::columns_of(&#rel)),
            None => self.columns(scope),
        };
        let end = self.local("e");
        let span = last.span();
        // `count(x)` counts the rows of a relation path, or the values of a
        // column at its end; `exists` takes a relation path; the others a
        // column.
        let end_value = match agg.func {
            AggFn::Count if !hops.is_empty() => {
                quote_spanned!(span=> #fl::path_end(&(#base).#last))
            }
            AggFn::Count | AggFn::Exists => quote_spanned!(span=> #fl::relation(&(#base).#last)),
            AggFn::Sum | AggFn::Avg | AggFn::Min | AggFn::Max => {
                quote_spanned!(span=> #fl::column(&(#columns).#last))
            }
        };
        self.bind(&end, end_value);
        let (func, witness, temporal) = self.typed_agg(agg.func, &end, span);
        let filter = match &agg.filter {
            Some(cond) => {
                let cond = self.cond(cond, Scope::Filter(&end));
                quote!(::core::option::Option::Some(#cond))
            }
            None => quote!(::core::option::Option::None),
        };
        let distinct = agg.distinct.is_some();
        let plan = quote! {
            #fl::agg(#fl::AggFn::#func, #distinct, #fl::hops(&[#(#rels.hops()),*]), #end, #temporal, #filter)
        };
        (plan, witness)
    }

    /// The plan's `AggFn` of `func` over `end` (the path's last segment,
    /// written at `span`), the witness of its value bound to a local
    /// (`sum` and `avg` read the kind of number off it, and `min` and `max`
    /// refuse the types without an order), and whether the column holds
    /// dates and times (for `min` and `max`).
    fn typed_agg(
        &mut self,
        func: AggFn,
        end: &Ident,
        span: Span,
    ) -> (TokenStream, TokenStream, TokenStream) {
        let fl = self.fl;
        // Every token of the witness call at the segment, in one syntax
        // context, so that a type error is reported on the segment.
        let at = end.span().located_at(span);
        let (fl_at, end_at) = (fl.at(at), located(end, span));
        let witness = match func {
            AggFn::Count => quote!(#fl::count()),
            AggFn::Exists => quote!(#fl::exists()),
            AggFn::Sum => quote_spanned!(at=> #fl_at::sum(#end_at)),
            AggFn::Avg => quote_spanned!(at=> #fl_at::avg(#end_at)),
            AggFn::Min | AggFn::Max => quote_spanned!(at=> #fl_at::min_max(&#end_at)),
        };
        let local = self.local("w");
        self.bind(&local, witness);
        let witness = quote!(#local);
        let plan_func = match func {
            AggFn::Count => quote!(Count),
            AggFn::Exists => quote!(Exists),
            AggFn::Sum => quote!(Sum { number: #fl::number_of(&#local) }),
            AggFn::Avg => quote!(Avg { number: #fl::number_of(&#local) }),
            AggFn::Min => quote!(Min),
            AggFn::Max => quote!(Max),
        };
        let temporal = if matches!(func, AggFn::Min | AggFn::Max) {
            self.probe(span, Probe::Extremum, &witness);
            let temporal = self.temporal(witness.clone(), end);
            quote!(#temporal)
        } else {
            quote!(#fl::Temporal::Plain)
        };
        (plan_func, witness, temporal)
    }

    /// An aggregate over the joined rows of `alias` (read in `scope`):
    /// `count(e)` or `func([distinct] e.column)` of its `column`; in the
    /// path form, over every root row: `count(*)` or `func(column)`.
    fn joined_agg(
        &mut self,
        agg: &Agg,
        alias: usize,
        column: Option<&Ident>,
        scope: Scope<'_>,
    ) -> (TokenStream, TokenStream) {
        let fl = self.fl;
        let distinct = agg.distinct.is_some();
        let Some(last) = column else {
            let (func, witness) = match agg.func {
                AggFn::Exists => (quote!(Exists), quote!(#fl::exists())),
                _ => (quote!(Count), quote!(#fl::count())),
            };
            let plan = quote! {
                #fl::Expr::Joined(::std::boxed::Box::new(#fl::JoinedAgg {
                    func: #fl::AggFn::#func, distinct: #distinct, alias: #alias,
                    column: ::core::option::Option::None, temporal: #fl::Temporal::Plain,
                }))
            };
            return (plan, witness);
        };
        let columns = self.columns(scope);
        let column = self.local("c");
        let span = last.span();
        let fla = fl.at(span);
        self.bind(
            &column,
            quote_spanned!(span=> #fla::column(&(#columns).#last)),
        );
        let (func, witness, temporal) = self.typed_agg(agg.func, &column, span);
        let plan = quote! {
            #fl::Expr::Joined(::std::boxed::Box::new(#fl::JoinedAgg {
                func: #fl::AggFn::#func, distinct: #distinct, alias: #alias,
                column: ::core::option::Option::Some(#column.name()), temporal: #temporal,
            }))
        };
        (plan, witness)
    }

    /// `limit` or `offset`: an integer literal or an `i64` parameter.
    pub(super) fn count_value(&mut self, value: &Expr) -> TokenStream {
        let fl = self.fl;
        match value {
            Expr::Param(param) => {
                let span = param_span(param);
                let value = self.param(quote!(#param), span);
                let fla = fl.at(span);
                if let Some((slot, arg, span)) = value.slot {
                    self.args[slot] = quote_spanned!(span=> #fla::row_count(#arg));
                }
                value.plan
            }
            Expr::Lit(lit) => self.literal(lit),
            // Rejected by the checks.
            Expr::Path(_) | Expr::Agg(_) | Expr::Optional(_) => quote!(#fl::Expr::Int(0)),
        }
    }
}
