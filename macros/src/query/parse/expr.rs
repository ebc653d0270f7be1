//! Values: paths, aggregates, literals and parameters.

use syn::parse::{Parse, ParseStream};
use syn::{braced, parenthesized, Ident, Token};

use super::kw;
use crate::query::ir::{Agg, AggFn, Expr, Lit, Path};

impl Parse for Expr {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(syn::token::Brace) {
            let content;
            braced!(content in input);
            let optional = content.parse::<Option<Token![?]>>()?.is_some();
            let expr = Box::new(content.parse::<syn::Expr>()?);
            return Ok(if optional {
                Self::Optional(expr)
            } else {
                Self::Param(expr)
            });
        }
        if input.peek(Token![-]) {
            input.parse::<Token![-]>()?;
            return match input.parse::<syn::Lit>()? {
                syn::Lit::Int(lit) => int(lit, true),
                syn::Lit::Float(lit) => float(lit, true),
                other => Err(syn::Error::new(other.span(), "expected a number after `-`")),
            };
        }
        if input.peek(syn::Lit) {
            return match input.parse::<syn::Lit>()? {
                syn::Lit::Int(lit) => int(lit, false),
                syn::Lit::Float(lit) => float(lit, false),
                syn::Lit::Str(lit) => Ok(Self::Lit(Lit::Str(lit))),
                syn::Lit::Bool(lit) => Ok(Self::Lit(Lit::Bool(lit))),
                syn::Lit::Char(lit) => Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "a string takes double quotes in a query: `{:?}`",
                        lit.value().to_string()
                    ),
                )),
                other => Err(syn::Error::new(
                    other.span(),
                    "unsupported literal; write an integer, a float, a string or a boolean",
                )),
            };
        }
        if input.peek(Ident) {
            if input.peek2(syn::token::Paren) {
                let name = input.fork().parse::<Ident>()?;
                if let Some(func) = AggFn::from_name(&name.to_string()) {
                    input.parse::<Ident>()?;
                    return Ok(Self::Agg(Box::new(Agg::parse(input, func, name)?)));
                }
                return Err(syn::Error::new(
                    name.span(),
                    format!(
                        "unknown aggregate `{name}`; expected `count`, `sum`, `avg`, `min`, `max` or `exists`{}",
                        crate::diag::did_you_mean(
                            &name.to_string(),
                            ["count", "sum", "avg", "min", "max", "exists"]
                        )
                    ),
                ));
            }
            return Ok(Self::Path(input.parse()?));
        }
        Err(input.error(
            "expected a column path, an aggregate such as `count(path)`, a literal or a `{parameter}`",
        ))
    }
}

impl Parse for Path {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut segments = vec![input.parse::<Ident>()?];
        while input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            segments.push(input.parse::<Ident>()?);
        }
        Ok(Self { segments })
    }
}

impl Agg {
    fn parse(input: ParseStream<'_>, func: AggFn, name: Ident) -> syn::Result<Self> {
        let content;
        parenthesized!(content in input);
        let distinct = content.parse::<Option<kw::distinct>>()?.map(|kw| kw.span);
        if let Some(star) = content.parse::<Option<Token![*]>>()? {
            let error = if func != AggFn::Count {
                Some(format!(
                    "`*` stands for every row, which `count` counts; `{name}` takes a column"
                ))
            } else if distinct.is_some() {
                Some("every row is distinct: write `count(*)`".to_owned())
            } else if !content.is_empty() {
                Some(
                    "`count(*)` counts the rows the query's `where` keeps: filter them there"
                        .to_owned(),
                )
            } else {
                None
            };
            if let Some(error) = error {
                return Err(syn::Error::new(star.span, error));
            }
            return Ok(Self {
                func,
                name,
                distinct,
                path: Path {
                    segments: Vec::new(),
                },
                star: Some(star.span),
                filter: None,
            });
        }
        let path = content.parse()?;
        let filter = if content.parse::<Option<Token![where]>>()?.is_some() {
            Some(content.parse()?)
        } else {
            None
        };
        if !content.is_empty() {
            return Err(content.error("expected `where` or the end of the aggregate"));
        }
        Ok(Self {
            func,
            name,
            distinct,
            path,
            star: None,
            filter,
        })
    }
}

/// An integer literal, `negative` when a `-` came before it.
fn int(lit: syn::LitInt, negative: bool) -> syn::Result<Expr> {
    let sign = if negative { "-" } else { "" };
    match format!("{sign}{}", lit.base10_digits()).parse::<i64>() {
        Ok(value) => Ok(Expr::Lit(Lit::Int {
            lit,
            negative,
            value,
        })),
        Err(_) => Err(syn::Error::new(
            lit.span(),
            "integer literal out of the range of `i64`",
        )),
    }
}

/// A floating point literal, `negative` when a `-` came before it.
fn float(lit: syn::LitFloat, negative: bool) -> syn::Result<Expr> {
    let sign = if negative { "-" } else { "" };
    match format!("{sign}{}", lit.base10_digits()).parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(Expr::Lit(Lit::Float {
            lit,
            negative,
            value,
        })),
        _ => Err(syn::Error::new(
            lit.span(),
            "float literal out of the range of `f64`",
        )),
    }
}
