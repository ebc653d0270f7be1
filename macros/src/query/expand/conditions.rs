//! Conditions: each operand typed against what it meets.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::values::{nullable, param_span, Value};
use super::{vec_of, Gen, Scope, Stmt};
use crate::private::located;
use crate::query::ir::{CmpOp, Cond, Expr};

impl Gen {
    pub(super) fn cond(&mut self, cond: &Cond, scope: Scope<'_>) -> TokenStream {
        let fl = self.fl;
        match cond {
            Cond::Cmp(a, op, b) => {
                let a = self.value(a, scope);
                let b = self.value(b, scope);
                let op = match op {
                    CmpOp::Eq => quote!(Eq),
                    CmpOp::Ne => quote!(Ne),
                    CmpOp::Lt => quote!(Lt),
                    CmpOp::Le => quote!(Le),
                    CmpOp::Gt => quote!(Gt),
                    CmpOp::Ge => quote!(Ge),
                };
                self.meet(&a, &b);
                let nullable = nullable([&a, &b]);
                let (a, b) = (a.plan, b.plan);
                quote! {
                    #fl::Cond::Cmp { left: #a, op: #fl::CmpOp::#op, right: #b, nullable: #nullable }
                }
            }
            Cond::Null { expr, negated } => {
                let expr = self.value(expr, scope);
                self.settle(&expr, None);
                let expr = expr.plan;
                quote!(#fl::Cond::Null { expr: #expr, negated: #negated })
            }
            Cond::In {
                expr,
                list,
                negated,
            } => {
                let expr = self.value(expr, scope);
                let list: Vec<Value> = list.iter().map(|e| self.value(e, scope)).collect();
                let typed = list.iter().find_map(|v| v.typed(fl));
                self.settle(&expr, typed.as_ref());
                for value in &list {
                    self.settle(value, expr.typed(fl).as_ref());
                    self.check_types(&expr, value);
                }
                let nullable = nullable(std::iter::once(&expr).chain(&list));
                let expr = expr.plan;
                let list = vec_of(list.into_iter().map(|v| v.plan).collect());
                quote! {
                    #fl::Cond::In {
                        expr: #expr,
                        list: #list,
                        negated: #negated,
                        nullable: #nullable,
                    }
                }
            }
            Cond::InList {
                expr,
                list,
                optional,
                negated,
            } => {
                let expr = self.value(expr, scope);
                let span = param_span(list);
                let param = self.list_param((quote!(#list), *optional), span, &expr);
                let nullable = nullable(std::iter::once(&expr));
                let expr = expr.plan;
                quote! {
                    #fl::Cond::InList {
                        expr: #expr,
                        param: #param,
                        negated: #negated,
                        nullable: #nullable,
                    }
                }
            }
            Cond::Like {
                expr,
                pattern,
                negated,
            } => {
                let expr = self.value(expr, scope);
                let pattern = self.value(pattern, scope);
                let text = quote!(#fl::Witness::<::std::string::String>::new());
                self.settle(&expr, Some(&text));
                self.settle(&pattern, Some(&text));
                // A literal here is a number or a boolean: the checks refuse it.
                for value in [&expr, &pattern] {
                    if let Some(typed) = &value.witness {
                        self.typed_check(value.span, quote!(text), &[], typed);
                    }
                }
                let (expr, pattern) = (expr.plan, pattern.plan);
                quote!(#fl::Cond::Like { expr: #expr, pattern: #pattern, negated: #negated })
            }
            Cond::Not(inner) => {
                let inner = self.cond(inner, scope);
                quote!(#fl::Cond::Not(::std::boxed::Box::new(#inner)))
            }
            Cond::And(all) if self.tree.is_none() => {
                let mut walked = Vec::new();
                let mut plans = Vec::new();
                for cond in all {
                    let start = self.walked.len();
                    plans.push(self.cond(cond, scope));
                    walked.push(start..self.walked.len());
                }
                let checks = self.same_path_checks(all, &walked, scope);
                self.lets.extend(checks.into_iter().map(Stmt::Check));
                let plans = vec_of(plans);
                quote!(#fl::Cond::And(#plans))
            }
            Cond::And(conds) | Cond::Or(conds) => {
                let conds: Vec<TokenStream> =
                    conds.iter().map(|cond| self.cond(cond, scope)).collect();
                let variant = if matches!(cond, Cond::And(..)) {
                    quote!(And)
                } else {
                    quote!(Or)
                };
                let conds = vec_of(conds);
                quote!(#fl::Cond::#variant(#conds))
            }
            Cond::Truth(Expr::Path(path)) => {
                let (plan, _, column) = self.column_local(path, scope, false);
                let at = column.span().located_at(path.span());
                let (fl_at, column) = (fl.at(at), located(&column, at));
                self.lets
                    .push(Stmt::Check(quote_spanned!(at=> #fl_at::boolean(#column);)));
                quote!(#fl::Cond::Truth(#plan))
            }
            Cond::Truth(expr) => {
                let value = self.value(expr, scope);
                let bool_witness = quote!(#fl::Witness::<bool>::new());
                self.settle(&value, Some(&bool_witness));
                if let Some(typed) = &value.witness {
                    self.typed_check(value.span, quote!(truth), &[], typed);
                }
                let plan = value.plan;
                quote!(#fl::Cond::Truth(#plan))
            }
        }
    }
}
