//! Checks on the literals of a query that their kinds alone decide: a
//! number where text or a boolean is needed, a boolean meeting a number.
//! Where a literal meets a column or an aggregate, rustc checks it on the
//! expansion against that value's type.

use super::ir::Query;
use super::ir::{Cond, Expr, Lit};
use super::visit::visit_conds;
use crate::diag::Ctxt;

pub fn check(query: &Query, cx: &mut Ctxt) {
    for collection in &query.collections {
        check(&collection.query, cx);
    }
    visit_conds(query, &mut |cond| match cond {
        Cond::Cmp(a, _, b) => meet(a, b, cx),
        Cond::In { expr, list, .. } => {
            for candidate in list {
                meet(expr, candidate, cx);
            }
        }
        Cond::Like { expr, pattern, .. } => {
            for value in [expr, pattern] {
                if kind(value).is_some() {
                    cx.error(
                        value.span(),
                        "`like` matches text: write the pattern as a string, such as `\"5%\"`",
                    );
                }
            }
        }
        Cond::Truth(value) if kind(value) == Some(Kind::Number) => cx.error(
            value.span(),
            "a condition is a boolean: compare this number, such as `x = 1`",
        ),
        _ => {}
    });
}

/// The kinds of literal written into the SQL; a string is bound as a
/// parameter instead.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Bool,
}

fn kind(expr: &Expr) -> Option<Kind> {
    match expr {
        Expr::Lit(Lit::Int { .. } | Lit::Float { .. }) => Some(Kind::Number),
        Expr::Lit(Lit::Bool(_)) => Some(Kind::Bool),
        _ => None,
    }
}

fn meet(a: &Expr, b: &Expr, cx: &mut Ctxt) {
    if let (Some(x), Some(y)) = (kind(a), kind(b)) {
        if x != y {
            cx.error(
                b.span(),
                "a boolean and a number cannot meet: compare values of one type",
            );
        }
    }
}
