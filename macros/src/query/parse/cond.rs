//! Conditions: `or` over `and` over `not` over atoms, nested at most
//! [`MAX_DEPTH`] deep.

use syn::parse::{Parse, ParseStream};
use syn::{braced, parenthesized, Token};

use super::kw;
use crate::query::ir::{CmpOp, Cond, Expr};

/// How deeply conditions may nest (parentheses, `not`, and aggregates'
/// `where`), so that neither the macro nor rustc runs out of stack on
/// what it expands to. Chains of `and` and `or` are flat, of any length.
pub const MAX_DEPTH: usize = 32;

thread_local! {
    /// The conditions being parsed, one inside the other.
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts one level of nesting while it is alive.
struct Nested;

impl Nested {
    fn enter(input: ParseStream<'_>) -> syn::Result<Self> {
        let depth = DEPTH.get() + 1;
        if depth > MAX_DEPTH {
            return Err(input.error(format!(
                "conditions nest more than {MAX_DEPTH} levels deep here; \
                 write the inner ones as one flat `and`/`or` chain, or split the query"
            )));
        }
        DEPTH.set(depth);
        Ok(Self)
    }
}

impl Drop for Nested {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get() - 1);
    }
}

impl Parse for Cond {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let _nested = Nested::enter(input)?;
        let mut any = Vec::new();
        loop {
            match and(input)? {
                Cond::Or(inner) => any.extend(inner),
                cond => any.push(cond),
            }
            if input.parse::<Option<kw::or>>()?.is_none() {
                break;
            }
        }
        Ok(one_or(any, Cond::Or))
    }
}

/// The one condition, or `wrap` of several.
fn one_or(mut conds: Vec<Cond>, wrap: fn(Vec<Cond>) -> Cond) -> Cond {
    match conds.len() {
        1 => conds.remove(0),
        _ => wrap(conds),
    }
}

fn and(input: ParseStream<'_>) -> syn::Result<Cond> {
    let mut all = Vec::new();
    loop {
        match not(input)? {
            Cond::And(inner) => all.extend(inner),
            cond => all.push(cond),
        }
        if input.parse::<Option<kw::and>>()?.is_none() {
            break;
        }
    }
    Ok(one_or(all, Cond::And))
}

fn not(input: ParseStream<'_>) -> syn::Result<Cond> {
    if input.parse::<Option<kw::not>>()?.is_some() {
        let _nested = Nested::enter(input)?;
        return Ok(Cond::Not(Box::new(not(input)?)));
    }
    if input.peek(syn::token::Paren) {
        let content;
        parenthesized!(content in input);
        let cond = content.parse()?;
        if !content.is_empty() {
            return Err(content.error("expected `and`, `or` or `)`"));
        }
        return Ok(cond);
    }
    atom(input)
}

fn atom(input: ParseStream<'_>) -> syn::Result<Cond> {
    let expr: Expr = input.parse()?;
    if input.parse::<Option<kw::is>>()?.is_some() {
        let negated = input.parse::<Option<kw::not>>()?.is_some();
        input.parse::<kw::null>()?;
        return Ok(Cond::Null { expr, negated });
    }
    let negated = input.parse::<Option<kw::not>>()?.is_some();
    if input.parse::<Option<Token![in]>>()?.is_some() {
        if input.peek(syn::token::Brace) {
            let content;
            braced!(content in input);
            let optional = content.parse::<Option<Token![?]>>()?.is_some();
            return Ok(Cond::InList {
                expr,
                list: Box::new(content.parse()?),
                optional,
                negated,
            });
        }
        let content;
        let paren = parenthesized!(content in input);
        let list = content
            .parse_terminated(Expr::parse, Token![,])?
            .into_iter()
            .collect::<Vec<_>>();
        if list.is_empty() {
            return Err(syn::Error::new(
                paren.span.join(),
                "`in` needs at least one value",
            ));
        }
        return Ok(Cond::In {
            expr,
            list,
            negated,
        });
    }
    if input.parse::<Option<kw::like>>()?.is_some() {
        let pattern = input.parse()?;
        return Ok(Cond::Like {
            expr,
            pattern,
            negated,
        });
    }
    if negated {
        return Err(input.error("expected `in` or `like` after `not`"));
    }
    match cmp_op(input)? {
        Some(op) => Ok(Cond::Cmp(expr, op, input.parse()?)),
        None => Ok(Cond::Truth(expr)),
    }
}

fn cmp_op(input: ParseStream<'_>) -> syn::Result<Option<CmpOp>> {
    let op = if input.peek(Token![==]) {
        let token = input.parse::<Token![==]>()?;
        return Err(syn::Error::new_spanned(
            token,
            "use `=` to compare in a query",
        ));
    } else if input.peek(Token![!=]) {
        input.parse::<Token![!=]>()?;
        CmpOp::Ne
    } else if input.peek(Token![<=]) {
        input.parse::<Token![<=]>()?;
        CmpOp::Le
    } else if input.peek(Token![>=]) {
        input.parse::<Token![>=]>()?;
        CmpOp::Ge
    } else if input.peek(Token![<]) && input.peek2(Token![>]) {
        input.parse::<Token![<]>()?;
        input.parse::<Token![>]>()?;
        CmpOp::Ne
    } else if input.peek(Token![<]) {
        input.parse::<Token![<]>()?;
        CmpOp::Lt
    } else if input.peek(Token![>]) {
        input.parse::<Token![>]>()?;
        CmpOp::Gt
    } else if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        CmpOp::Eq
    } else {
        return Ok(None);
    };
    Ok(Some(op))
}
