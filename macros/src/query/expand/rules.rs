//! The fan-out rules and the ambiguity rule, as traits rustc checks on
//! the cardinalities of the relations a query follows.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use super::{Gen, Scope};
use crate::private::located;
use crate::query::fanout;
use crate::query::ir::{Cond, Expr, Query, Text};

/// A check for rustc: what [`Gen::rule`] needs besides the flag.
pub(super) struct Rule<'r> {
    /// Unique in the query; names the trait.
    pub(super) name: String,
    /// Where the error points.
    pub(super) span: Span,
    pub(super) message: &'r str,
    pub(super) label: &'r str,
    pub(super) notes: &'r [String],
}

impl Gen {
    /// The fan-out rules as conditions rustc checks: each is a trait of
    /// this query alone, implemented only for "no", whose message names the
    /// user's paths, required of the flag that says whether the rule's joins
    /// are to-many.
    pub(super) fn checks(&mut self, query: &Query) -> Vec<TokenStream> {
        let Some(tree) = &self.tree else {
            return Vec::new();
        };
        let fl = self.fl;
        let mut out = Vec::new();
        for (i, check) in fanout::checks(query, tree).into_iter().enumerate() {
            let rule = match check.rule {
                fanout::Rule::FanTrap => "fan_trap",
                fanout::Rule::Inflated => "inflated_aggregate",
                fanout::Rule::Cartesian => "cartesian_rows",
            };
            let flags = check.all_of.iter().map(|set| {
                set.iter().fold(quote!(#fl::no()), |rest, &join| {
                    let flag = &self.joined[join].1;
                    quote!(#fl::or(#flag, #rest))
                })
            });
            let flag = flags
                .reduce(|all, set| quote!(#fl::and(#all, #set)))
                .unwrap_or_else(|| quote!(#fl::no()));
            let rule = Rule {
                name: format!("{rule}_{i}"),
                span: check.span,
                message: &check.message,
                label: &check.label,
                notes: &check.notes,
            };
            out.push(self.rule(&rule, flag));
        }
        out
    }

    /// A rule rustc checks: a trait of this query alone, implemented only
    /// for "no", whose message is the rule's, required of `flag`, which
    /// says whether the rule's relations are to-many.
    fn rule(&mut self, rule: &Rule<'_>, flag: TokenStream) -> TokenStream {
        let fl = self.fl;
        let no = quote!(#fl::False);
        self.rule_accepting(rule, flag, no)
    }

    /// A rule rustc checks: `flag` must be `accepted` (a `True` or `False`
    /// type), or rustc reports the rule's message.
    pub(super) fn rule_accepting(
        &mut self,
        rule: &Rule<'_>,
        flag: TokenStream,
        accepted: TokenStream,
    ) -> TokenStream {
        let fl = self.fl;
        let local = self.local("rule");
        let at = local.span().located_at(rule.span);
        let name = format_ident!("__fanless_{}", rule.name, span = at);
        let function = format_ident!("__fanless_check_{}", rule.name, span = at);
        let (fl_at, local_at) = (fl.at(at), located(&local, rule.span));
        let message = escape(rule.message);
        let label = escape(rule.label);
        let notes = rule.notes.iter().map(|note| escape(note));
        quote_spanned! {at=>
            #[allow(non_camel_case_types)]
            #[diagnostic::on_unimplemented(message = #message, label = #label #(, note = #notes)*)]
            trait #name {}
            impl #name for #fl_at::Flag<#accepted> {}
            fn #function<F: #name>(_: F) {}
            let #local_at = #flag;
            #function(#local_at);
        }
    }

    // Two bare conditions of one `and` that read columns through one
    // to-many path (`posts.published and posts.score < 1.0`) are each an
    // `exists` of their own, so they may hold for different related rows:
    // a reader may mean either. Where the shared path is to-many (rustc
    // knows), the query must say which: `exists(posts where ... and ...)`,
    // or two `exists`.
    pub(super) fn same_path_checks(
        &mut self,
        all: &[Cond],
        walked: &[std::ops::Range<usize>],
        scope: Scope<'_>,
    ) -> Vec<TokenStream> {
        let key = scope.key();
        let bare = |cond: &Cond| {
            !matches!(
                cond,
                Cond::Not(_) | Cond::And(_) | Cond::Or(_) | Cond::Truth(Expr::Agg(_))
            )
        };
        let mut seen: Vec<Vec<String>> = Vec::new();
        let mut found = Vec::new();
        for (i, first) in all.iter().enumerate().filter(|(_, c)| bare(c)) {
            for (j, second) in all.iter().enumerate().skip(i + 1).filter(|(_, c)| bare(c)) {
                for a in walked[i].clone() {
                    for b in walked[j].clone() {
                        let (wa, wb) = (&self.walked[a], &self.walked[b]);
                        if wa.scope != key || wb.scope != key {
                            continue;
                        }
                        let shared = wa
                            .relations
                            .iter()
                            .zip(&wb.relations)
                            .take_while(|(x, y)| x == y)
                            .count();
                        let prefix = wa.relations[..shared].to_vec();
                        if shared == 0 || seen.contains(&prefix) {
                            continue;
                        }
                        seen.push(prefix);
                        found.push((first, second, a, b, shared));
                    }
                }
            }
        }
        let fl = self.fl;
        let mut checks = Vec::new();
        for (first, second, a, b, shared) in found {
            let prefix = self.walked[a].relations[..shared].to_vec();
            let flag = self.walked[a].rels[..shared].iter().rev().fold(
                quote!(#fl::no()),
                |rest, rel| quote!(#fl::edge(&#rel, #rest)),
            );
            let path = prefix.join(".");
            let plain = Text { strip: &[] };
            let inner = Text { strip: &prefix };
            let (x, y) = (plain.cond(first), plain.cond(second));
            let (x_in, y_in) = (inner.cond(first), inner.cond(second));
            let notes = [
                format!(
                    "each condition over a to-many path is an `exists` of its own, so they may hold \
                     for different rows of `{path}`"
                ),
                format!("for one row of `{path}` that meets both: `exists({path} where {x_in} and {y_in})`"),
                format!(
                    "for each on any row: `exists({path} where {x_in}) and exists({path} where {y_in})`"
                ),
            ];
            let second_path = &self.walked[b].path;
            let span = second_path.segments[0].span();
            let rule = Rule {
                name: format!("same_path_{}", checks.len() + self.locals),
                span: second_path.segments[..shared]
                    .last()
                    .and_then(|last| span.join(last.span()))
                    .unwrap_or(span),
                message: &format!(
                    "`{x}` and `{y}` both read the to-many path `{path}`: one row of it, or any two?"
                ),
                label: &format!("a second condition over `{path}`"),
                notes: &notes,
            };
            checks.push(self.rule(&rule, flag));
        }
        checks
    }
}

/// `text` as a `diagnostic::on_unimplemented` string, where braces are
/// format placeholders.
fn escape(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}
