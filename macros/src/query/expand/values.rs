//! Values: columns, aggregates, parameters and literals, each with the
//! type rustc infers for it, and the checks that two values that meet
//! have one type.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use super::{Gen, Scope, Stmt};
use crate::private::{located, located_tokens, Private};
use crate::query::ir::{Expr, Lit};
use syn::Ident;

/// A value: its plan expression and, when known, its type witness.
pub(super) struct Value {
    pub(super) plan: TokenStream,
    pub(super) witness: Option<TokenStream>,
    /// The argument slot, the argument and its span, for a parameter
    /// still waiting for its type.
    pub(super) slot: Option<(usize, TokenStream, Span)>,
    /// What kind of literal the value is, if it is one (a string literal
    /// is a parameter).
    pub(super) literal: Option<LitKind>,
    /// Where the user wrote it.
    pub(super) span: Span,
}

/// The column types a [`Gen::probe`] refuses.
#[derive(Clone, Copy)]
pub(super) enum Probe {
    /// Compared or sorted: not JSON.
    Comparable,
    /// Read by `min` or `max`: not booleans, bytes, UUIDs or JSON.
    Extremum,
}

/// The literals that are written into the SQL.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum LitKind {
    Int,
    Float,
    Bool,
}

impl Value {
    /// The type a parameter meeting this value must fit: the value's own,
    /// or a literal's.
    pub(super) fn typed(&self, fl: Private) -> Option<TokenStream> {
        self.witness.clone().or_else(|| {
            self.literal.map(|kind| match kind {
                LitKind::Int => quote!(#fl::Witness::<i64>::new()),
                LitKind::Float => quote!(#fl::Witness::<f64>::new()),
                LitKind::Bool => quote!(#fl::Witness::<bool>::new()),
            })
        })
    }
}

impl Gen {
    /// An operand of a condition. A parameter (or a string literal, which
    /// is bound as one too) reserves its argument slot in written order.
    pub(super) fn value(&mut self, expr: &Expr, scope: Scope<'_>) -> Value {
        let (plan, witness) = match expr {
            Expr::Path(path) => self.column(path, scope, false),
            Expr::Agg(agg) => self.agg(agg, scope),
            Expr::Param(param) => return self.param(quote!(#param), param_span(param)),
            Expr::Optional(param) => return self.optional(quote!(#param), param_span(param)),
            Expr::Lit(lit) => {
                let kind = match lit {
                    Lit::Int { .. } => LitKind::Int,
                    Lit::Float { .. } => LitKind::Float,
                    Lit::Bool(_) => LitKind::Bool,
                    // Bound as a parameter, so that it needs no escaping.
                    Lit::Str(lit) => return self.param(quote!(#lit), lit.span()),
                };
                return Value {
                    plan: self.literal(lit),
                    witness: None,
                    slot: None,
                    literal: Some(kind),
                    span: lit.span(),
                };
            }
        };
        Value {
            plan,
            witness: Some(witness),
            slot: None,
            literal: None,
            span: expr.span(),
        }
    }

    /// Fits each of two values that meet to the other: a parameter takes
    /// the other's type, a literal must suit it, and two typed values
    /// must have one type.
    pub(super) fn meet(&mut self, a: &Value, b: &Value) {
        let fl = self.fl;
        self.settle(a, b.typed(fl).as_ref());
        self.settle(b, a.typed(fl).as_ref());
        self.check_types(a, b);
    }

    /// The type checks of [`Self::meet`], without fitting parameters.
    pub(super) fn check_types(&mut self, a: &Value, b: &Value) {
        for value in [a, b] {
            if let Some(typed) = &value.witness {
                self.probe(value.span, Probe::Comparable, typed);
            }
        }
        match (&a.witness, &b.witness, a.literal, b.literal) {
            (Some(first), Some(typed), ..) => {
                let first = first.clone();
                self.typed_check(b.span, quote!(same_type), &[first], typed);
            }
            (Some(typed), None, _, Some(kind)) => self.literal_check(kind, b.span, typed),
            (None, Some(typed), Some(kind), _) => self.literal_check(kind, a.span, typed),
            _ => {}
        }
    }

    fn literal_check(&mut self, kind: LitKind, span: Span, typed: &TokenStream) {
        let check = match kind {
            LitKind::Int => quote!(int_literal),
            LitKind::Float => quote!(float_literal),
            LitKind::Bool => quote!(bool_literal),
        };
        self.typed_check(span, check, &[], typed);
    }

    /// `check(&before..., &typed)`, reported at `span`: each argument is
    /// bound to a local located there, in a block of its own (so that the
    /// locals nest no scope around the rest).
    pub(super) fn typed_check(
        &mut self,
        span: Span,
        check: TokenStream,
        before: &[TokenStream],
        typed: &TokenStream,
    ) {
        let values: Vec<&TokenStream> = before.iter().chain(std::iter::once(typed)).collect();
        let locals: Vec<Ident> = values.iter().map(|_| self.local("w")).collect();
        // Every token of the call in the locals' syntax context, at the
        // user's token, so that rustc reports the error there.
        let at = locals[0].span().located_at(span);
        let (fla, check) = (self.fl.at(at), located_tokens(&check, at));
        let args = locals.iter().map(|local| located(local, span));
        let call = quote_spanned!(at=> #fla::#check(#(&#args),*););
        self.lets.push(Stmt::Check(quote! {{
            #(let #locals = #values;)*
            #call
        }}));
    }

    /// `(&typed).method()`, reported at `span`: the autoref probe that
    /// refuses the few column types fanless lists for `probe`, and accepts
    /// any other without a trait implemented for it.
    pub(super) fn probe(&mut self, span: Span, probe: Probe, typed: &TokenStream) {
        let local = self.local("w");
        let at = local.span().located_at(span);
        let fla = self.fl.at(at);
        let (method, refuse, accept) = match probe {
            Probe::Comparable => (
                quote_spanned!(at=> comparable),
                quote_spanned!(at=> RefuseComparison),
                quote_spanned!(at=> AcceptComparison),
            ),
            Probe::Extremum => (
                quote_spanned!(at=> extremum),
                quote_spanned!(at=> RefuseExtremum),
                quote_spanned!(at=> AcceptExtremum),
            ),
        };
        let receiver = located(&local, span);
        self.lets.push(Stmt::Check(quote_spanned! {at=> {
            #[allow(unused_imports)]
            use #fla::{#refuse as _, #accept as _};
            let #local = #typed;
            (&#receiver).#method();
        }}));
    }

    /// A list parameter (`value in {list}`, or `{?list}` when `optional`):
    /// its argument index, checked to hold values that fit `value`'s type.
    pub(super) fn list_param(
        &mut self,
        (list, optional): (TokenStream, bool),
        span: Span,
        value: &Value,
    ) -> usize {
        let fl = self.fl;
        // The checks refuse a parameter or a literal before `in {list}`.
        let witness = value.witness.clone().unwrap_or_default();
        self.probe(value.span, Probe::Comparable, &witness);
        let (fla, witness) = (fl.at(span), located_tokens(&witness, span));
        // Integers by `IntegerList`, which a long list binds as one JSON
        // array where the dialect takes no array; others by `AnyList`.
        let fit = if optional {
            quote_spanned!(span=> fit_optional_list)
        } else {
            quote_spanned!(span=> fit_list)
        };
        self.args.push(quote_spanned! {span=> {
            #[allow(unused_imports)]
            use #fla::{AnyList as _, IntegerList as _};
            (&#fla::#fit(&#witness, #list)).list_arg()
        }});
        self.wrapped.push(self.args.len() - 1);
        self.args.len() - 1
    }

    /// An optional filter's parameter (`{?value}`): bound as a parameter
    /// is, its condition dropped when it is `None`.
    pub(super) fn optional(&mut self, value: TokenStream, span: Span) -> Value {
        let fla = self.fl.at(span);
        let param = self.param(value.clone(), span);
        if let Some((slot, ..)) = param.slot {
            self.args[slot] = quote_spanned!(span=> #fla::OptArg::new(#value));
            self.wrapped.push(slot);
            self.optionals.push(slot);
        }
        param
    }

    pub(super) fn param(&mut self, value: TokenStream, span: Span) -> Value {
        let fl = &self.fl;
        self.args.push(value.clone());
        let index = self.args.len() - 1;
        Value {
            plan: quote!(#fl::Expr::Param(#index)),
            witness: None,
            slot: Some((self.args.len() - 1, value, span)),
            literal: None,
            span,
        }
    }

    /// Fills a parameter's slot, checked against the type of the value it
    /// meets when there is one.
    pub(super) fn settle(&mut self, value: &Value, partner: Option<&TokenStream>) {
        let fl = self.fl;
        if let (Some((slot, arg, span)), Some(partner)) = (&value.slot, partner) {
            let span = *span;
            let (fla, witness) = (fl.at(span), located_tokens(partner, span));
            self.args[*slot] = if self.optionals.contains(slot) {
                quote_spanned!(span=> #fla::fit_optional(&#witness, #arg))
            } else {
                quote_spanned!(span=> #fla::fit(&#witness, #arg))
            };
        }
    }

    pub(super) fn literal(&mut self, lit: &Lit) -> TokenStream {
        let fl = &self.fl;
        match lit {
            Lit::Int { value, .. } => quote!(#fl::Expr::Int(#value)),
            Lit::Float { value, .. } => quote!(#fl::Expr::Float(#value)),
            Lit::Bool(lit) => {
                let value = lit.value;
                quote!(#fl::Expr::Bool(#value))
            }
            Lit::Str(lit) => self.param(quote!(#lit), lit.span()).plan,
        }
    }
}

/// Whether the operands of a comparison may be `NULL`, as a constant
/// expression: a column whose type (through its path) is an `Option`, or a
/// parameter that meets no column, whose type is its own. Literals never
/// are.
pub(super) fn nullable<'v>(values: impl IntoIterator<Item = &'v Value>) -> TokenStream {
    let values: Vec<&Value> = values.into_iter().collect();
    let typed: Vec<&TokenStream> = values.iter().filter_map(|v| v.witness.as_ref()).collect();
    if typed.is_empty() {
        let params = values.iter().any(|v| v.slot.is_some());
        return quote!(#params);
    }
    quote!(false #(|| #typed.nullable())*)
}

pub(super) fn param_span(param: &syn::Expr) -> Span {
    syn::spanned::Spanned::span(param)
}
