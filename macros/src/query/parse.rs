//! The grammar of `query!`:
//!
//! ```text
//! query  := "from" Model [alias] join* ["select" item ("," item)*] ["where" cond]
//!           ["group" "by" expr ("," expr)*] ["having" cond]
//!           ["order" "by" order ("," order)*] ["limit" value] ["offset" value]
//! join   := ["left"] "join" alias "." relation ("." relation)* alias
//! item   := expr ["as" ident]
//! expr   := path | agg "(" ["distinct"] path ["where" cond] ")"
//!         | literal | "{" rust-expr "}"
//! cond   := cond "or" cond | cond "and" cond | "not" cond | "(" cond ")"
//!         | expr op expr | expr "is" ["not"] "null" | expr ["not"] "in" "(" expr, ... ")"
//!         | expr ["not"] "like" expr | expr
//! order  := expr ["asc" | "desc"]
//! ```

use syn::parse::{Parse, ParseStream};
use syn::{braced, parenthesized, Ident, Token};

use super::ir::{Agg, AggFn, CmpOp, Cond, Expr, Item, Join, Lit, Order, Path, Query};

mod kw {
    syn::custom_keyword!(from);
    syn::custom_keyword!(select);
    syn::custom_keyword!(order);
    syn::custom_keyword!(by);
    syn::custom_keyword!(asc);
    syn::custom_keyword!(desc);
    syn::custom_keyword!(limit);
    syn::custom_keyword!(offset);
    syn::custom_keyword!(and);
    syn::custom_keyword!(or);
    syn::custom_keyword!(not);
    syn::custom_keyword!(is);
    syn::custom_keyword!(null);
    syn::custom_keyword!(like);
    syn::custom_keyword!(distinct);
    syn::custom_keyword!(join);
    syn::custom_keyword!(left);
    syn::custom_keyword!(group);
    syn::custom_keyword!(having);
}

/// Whether the next token starts a clause or a join, rather than an alias.
fn at_clause(input: ParseStream<'_>) -> bool {
    input.peek(kw::select)
        || input.peek(Token![where])
        || input.peek(kw::join)
        || input.peek(kw::left)
        || input.peek(kw::group)
        || input.peek(kw::having)
        || input.peek(kw::order)
        || input.peek(kw::limit)
        || input.peek(kw::offset)
}

/// `query_as!`'s input: `Type, query`.
pub struct QueryAs(pub Query);

impl Parse for QueryAs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let as_type: syn::Path = input.parse()?;
        input.parse::<Token![,]>()?;
        let mut query: Query = input.parse()?;
        query.as_type = Some(as_type);
        Ok(Self(query))
    }
}

impl Parse for Query {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        input.parse::<kw::from>()?;
        let from: syn::Path = input.parse()?;
        let alias = if input.peek(Ident) && !at_clause(input) {
            Some(input.parse()?)
        } else {
            None
        };
        let mut joins = Vec::new();
        while input.peek(kw::join) || input.peek(kw::left) {
            joins.push(input.parse()?);
        }
        let select = if input.parse::<Option<kw::select>>()?.is_some() {
            Some(comma_list(input, Item::parse)?)
        } else {
            None
        };
        let filter = if input.parse::<Option<Token![where]>>()?.is_some() {
            Some(input.parse()?)
        } else {
            None
        };
        let group = if input.parse::<Option<kw::group>>()?.is_some() {
            input.parse::<kw::by>()?;
            comma_list(input, Expr::parse)?
        } else {
            Vec::new()
        };
        let having = if input.parse::<Option<kw::having>>()?.is_some() {
            Some(input.parse()?)
        } else {
            None
        };
        let order = if input.parse::<Option<kw::order>>()?.is_some() {
            input.parse::<kw::by>()?;
            comma_list(input, Order::parse)?
        } else {
            Vec::new()
        };
        let limit = if input.parse::<Option<kw::limit>>()?.is_some() {
            Some(input.parse()?)
        } else {
            None
        };
        let offset = if input.parse::<Option<kw::offset>>()?.is_some() {
            Some(input.parse()?)
        } else {
            None
        };
        let query = Self {
            as_type: None,
            from,
            alias,
            joins,
            select,
            filter,
            group,
            having,
            order,
            limit,
            offset,
        };
        if !input.is_empty() {
            return Err(input.error(expected_clause(&query)));
        }
        Ok(query)
    }
}

/// What may still come after the clauses parsed so far.
fn expected_clause(query: &Query) -> String {
    let Query {
        select,
        filter,
        group,
        having,
        order,
        limit,
        offset,
        ..
    } = query;
    let after_where = group.is_empty() && having.is_none() && order.is_empty();
    let before_where = select.is_none() && filter.is_none() && after_where;
    let clauses = [
        ("`join`", before_where),
        ("`select`", before_where),
        ("`where`", filter.is_none() && after_where),
        ("`group by`", after_where),
        ("`having`", having.is_none() && order.is_empty()),
        ("`order by`", order.is_empty() && limit.is_none()),
        ("`limit`", limit.is_none() && offset.is_none()),
        ("`offset`", offset.is_none()),
    ];
    let open: Vec<&str> = clauses
        .iter()
        .filter(|(_, open)| *open)
        .map(|(name, _)| *name)
        .collect();
    let comma = if select.is_some() || !order.is_empty() || !group.is_empty() {
        "`,`, "
    } else {
        ""
    };
    format!(
        "expected {comma}{} or the end of the query",
        open.join(", ")
    )
}

fn comma_list<T>(
    input: ParseStream<'_>,
    item: fn(ParseStream<'_>) -> syn::Result<T>,
) -> syn::Result<Vec<T>> {
    let mut items = vec![item(input)?];
    while input.parse::<Option<Token![,]>>()?.is_some() {
        items.push(item(input)?);
    }
    Ok(items)
}

impl Parse for Join {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let left = input.parse::<Option<kw::left>>()?.is_some();
        let keyword = input.parse::<kw::join>()?.span;
        let path: Path = input.parse()?;
        if path.segments.len() < 2 {
            return Err(syn::Error::new(
                path.span(),
                format!("join a relation of an alias: `join {path}.relation alias`"),
            ));
        }
        let needs_alias = || format!("name the joined rows: `join {path} alias`");
        if at_clause(input) {
            return Err(input.error(needs_alias()));
        }
        let alias = input
            .parse()
            .map_err(|error| syn::Error::new(error.span(), needs_alias()))?;
        Ok(Self {
            left,
            keyword,
            path,
            alias,
        })
    }
}

impl Parse for Item {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let expr = input.parse()?;
        let alias = if input.parse::<Option<Token![as]>>()?.is_some() {
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Self { expr, alias })
    }
}

impl Parse for Order {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let expr = input.parse()?;
        let desc = if input.parse::<Option<kw::desc>>()?.is_some() {
            true
        } else {
            input.parse::<Option<kw::asc>>()?;
            false
        };
        Ok(Self { expr, desc })
    }
}

impl Parse for Expr {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(syn::token::Brace) {
            let content;
            braced!(content in input);
            let expr: syn::Expr = content.parse()?;
            return Ok(Self::Param(Box::new(expr)));
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
            filter,
        })
    }
}

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

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<Query> {
        syn::parse2(tokens)
    }

    fn error(tokens: proc_macro2::TokenStream) -> String {
        match parse(tokens) {
            Ok(_) => panic!("parsed"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn parses_every_clause() {
        let query = parse(quote! {
            from crate::models::Store
            select id, department.name as department, count(distinct products.name where price > {min}) as n
            where name != "x" and (id in (1, {two}) or name like "a%")
            order by n desc, id asc
            limit {limit} offset 3
        })
        .unwrap();
        assert_eq!(query.from.segments.len(), 3);
        let items = query.select.unwrap();
        let names: Vec<String> = items
            .iter()
            .map(|i| i.name().unwrap().to_string())
            .collect();
        assert_eq!(names, ["id", "department", "n"]);
        let Expr::Agg(agg) = &items[2].expr else {
            panic!("not an aggregate")
        };
        assert_eq!(agg.func, AggFn::Count);
        assert!(agg.distinct.is_some() && agg.filter.is_some());
        assert_eq!(agg.path.to_string(), "products.name");
        assert!(matches!(query.filter, Some(Cond::And(..))));
        assert_eq!(
            query.order.iter().map(|o| o.desc).collect::<Vec<_>>(),
            [true, false]
        );
        assert!(matches!(query.limit, Some(Expr::Param(_))));
        assert!(matches!(query.offset, Some(Expr::Lit(Lit::Int { .. }))));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let query = parse(quote!(from Store where a or b and not c)).unwrap();
        let Some(Cond::Or(any)) = query.filter else {
            panic!("not an `or`")
        };
        assert!(matches!(any[0], Cond::Truth(_)));
        let Cond::And(all) = &any[1] else {
            panic!("not an `and`")
        };
        assert!(matches!(all[1], Cond::Not(_)));
    }

    #[test]
    fn chains_are_flat_and_nesting_is_bounded() {
        let chain: proc_macro2::TokenStream = (1..=2000)
            .map(|i| format!("id = {i}"))
            .collect::<Vec<_>>()
            .join(" or ")
            .parse()
            .unwrap();
        let query = parse(quote!(from Store where (#chain) or (a and (b and c)))).unwrap();
        let Some(Cond::Or(any)) = query.filter else {
            panic!("not an `or`")
        };
        assert_eq!(any.len(), 2001);
        assert!(matches!(&any[2000], Cond::And(all) if all.len() == 3));

        let nots = |n: usize| -> proc_macro2::TokenStream { "not ".repeat(n).parse().unwrap() };
        let deepest = nots(MAX_DEPTH - 1);
        assert!(parse(quote!(from Store where #deepest a)).is_ok());
        let too_deep = nots(MAX_DEPTH);
        assert!(
            error(quote!(from Store where #too_deep a)).starts_with("conditions nest more than 32")
        );
        let exists = (0..MAX_DEPTH).fold(quote!(a), |inner, _| quote!(exists(r where #inner)));
        assert!(error(quote!(from Store where #exists)).starts_with("conditions nest more than 32"));
    }

    #[test]
    fn parses_each_comparison() {
        let ops = [
            (quote!(=), CmpOp::Eq),
            (quote!(!=), CmpOp::Ne),
            (quote!(<>), CmpOp::Ne),
            (quote!(<), CmpOp::Lt),
            (quote!(<=), CmpOp::Le),
            (quote!(>), CmpOp::Gt),
            (quote!(>=), CmpOp::Ge),
        ];
        for (tokens, op) in ops {
            let query = parse(quote!(from Store where id #tokens 1)).unwrap();
            assert!(
                matches!(query.filter, Some(Cond::Cmp(_, found, _)) if found == op),
                "{tokens}"
            );
        }
        let query = parse(quote!(from Store where name is not null and price > -2.5)).unwrap();
        let Some(Cond::And(all)) = query.filter else {
            panic!("not an `and`")
        };
        assert!(matches!(all[0], Cond::Null { negated: true, .. }));
        assert!(matches!(
            all[1],
            Cond::Cmp(_, _, Expr::Lit(Lit::Float { negative: true, .. }))
        ));
    }

    #[test]
    fn raw_identifiers_are_columns_not_keywords() {
        let query = parse(quote!(from Order select r#group, r#select order by r#group)).unwrap();
        assert_eq!(query.select.unwrap().len(), 2);
    }

    #[test]
    fn reports_what_was_expected() {
        assert_eq!(
            error(quote!(from Store where id == 1)),
            "use `=` to compare in a query"
        );
        assert_eq!(
            error(quote!(from Store select cnt(products) as n)),
            "unknown aggregate `cnt`; expected `count`, `sum`, `avg`, `min`, `max` or `exists`; did you mean `count`"
        );
        assert_eq!(
            error(quote!(from Store select id name)),
            "expected `,`, `where`, `group by`, `having`, `order by`, `limit`, `offset` or the end of the query"
        );
        assert_eq!(
            error(quote!(from Store where id not = 1)),
            "expected `in` or `like` after `not`"
        );
        assert_eq!(error(quote!(select id)), "expected `from`");
        assert_eq!(
            error(quote!(from Store where name = 'x')),
            "a string takes double quotes in a query: `\"x\"`"
        );
    }
}
