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

mod cond;
mod expr;

use syn::parse::{Parse, ParseStream};
use syn::token::Token;
use syn::{Ident, Token};

use super::ir::{Collection, Cond, Expr, Item, Join, Order, Path, Query};

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
        let as_type = row_type(input)?;
        input.parse::<Token![,]>()?;
        let mut query: Query = input.parse()?;
        query.as_type = Some(as_type);
        Ok(Self(query))
    }
}

/// The type rows are built as (`Summary`, `Page<Row>`, `NameRow<'a>`),
/// written with turbofishes (`Page::<Row>`): the expansion builds it with
/// a struct expression, where `<` would read as a comparison.
fn row_type(input: ParseStream<'_>) -> syn::Result<syn::Path> {
    let mut path: syn::Path = input.parse()?;
    for segment in &mut path.segments {
        if let syn::PathArguments::AngleBracketed(arguments) = &mut segment.arguments {
            arguments
                .colon2_token
                .get_or_insert_with(|| Token![::](arguments.lt_token.span));
        }
    }
    Ok(path)
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
        let mut collections = Vec::new();
        let select = if input.parse::<Option<kw::select>>()?.is_some() {
            Some(select_list(input, &mut collections, 0)?)
        } else {
            None
        };
        let filter = clause::<Token![where], _>(input)?;
        let group = by_clause::<kw::group, _>(input, Expr::parse)?;
        let having = clause::<kw::having, _>(input)?;
        let order = by_clause::<kw::order, _>(input, Order::parse)?;
        let limit = clause::<kw::limit, _>(input)?;
        let offset = clause::<kw::offset, _>(input)?;
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
            collections,
        };
        if !input.is_empty() {
            return Err(input.error(expected_clause(&query)));
        }
        Ok(query)
    }
}

/// How deep collections nest in one another, so that neither the macro nor
/// rustc runs out of stack on what it expands to.
pub const MAX_COLLECTION_DEPTH: usize = 8;

/// The items of a `select`, or of a collection's braces `depth` collections
/// deep, with the collections among them apart.
fn select_list(
    input: ParseStream<'_>,
    collections: &mut Vec<Collection>,
    depth: usize,
) -> syn::Result<Vec<Item>> {
    let mut items = Vec::new();
    loop {
        let fork = input.fork();
        let is_collection = fork.parse::<Path>().is_ok() && fork.peek(syn::token::Brace);
        if is_collection {
            collections.push(collection(input, items.len(), depth + 1)?);
        } else {
            items.push(input.parse()?);
        }
        if input.parse::<Option<Token![,]>>()?.is_none() {
            return Ok(items);
        }
    }
}

/// `path { items [where ...] [order by ...] [limit n] [offset n] } [as name[: Type]]`.
fn collection(input: ParseStream<'_>, position: usize, depth: usize) -> syn::Result<Collection> {
    let path: Path = input.parse()?;
    if depth > MAX_COLLECTION_DEPTH {
        return Err(syn::Error::new(
            path.span(),
            format!(
                "collections nest at most {MAX_COLLECTION_DEPTH} levels deep: load the rows of \
                 `{path}` with a query of their own, by the keys of the level above"
            ),
        ));
    }
    let content;
    let brace = syn::braced!(content in input);
    let mut collections = Vec::new();
    let select = select_list(&content, &mut collections, depth)?;
    let filter = clause::<Token![where], Cond>(&content)?;
    let order = by_clause::<kw::order, _>(&content, Order::parse)?;
    let limit = clause::<kw::limit, _>(&content)?;
    let offset = clause::<kw::offset, _>(&content)?;
    if !content.is_empty() {
        let expected = match (&filter, order.is_empty(), &limit, &offset) {
            (_, _, _, Some(_)) => "expected the end of the collection",
            (_, _, Some(_), None) => "expected `offset` or the end of the collection",
            (_, false, None, None) => {
                "expected `,`, `limit`, `offset` or the end of the collection"
            }
            (Some(_), true, None, None) => {
                "expected `order by`, `limit`, `offset` or the end of the collection"
            }
            (None, true, None, None) => {
                "expected `,`, `where`, `order by`, `limit`, `offset` or the end of the collection"
            }
        };
        return Err(content.error(expected));
    }
    let Some(last) = path.segments.last().cloned() else {
        return Err(syn::Error::new(
            brace.span.join(),
            "expected a path before `{`",
        ));
    };
    let (name, row_type) = if input.parse::<Option<Token![as]>>()?.is_some() {
        let name: Ident = input.parse()?;
        let row_type = if input.parse::<Option<Token![:]>>()?.is_some() {
            Some(row_type(input)?)
        } else {
            None
        };
        (name, row_type)
    } else {
        (last.clone(), None)
    };
    Ok(Collection {
        path,
        brace: brace.span.join(),
        query: Query {
            as_type: None,
            from: syn::Path::from(last),
            alias: None,
            joins: Vec::new(),
            select: Some(select),
            filter,
            group: Vec::new(),
            having: None,
            order,
            limit,
            offset,
            collections,
        },
        name,
        row_type,
        position,
    })
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

/// `keyword value`, where the keyword comes next.
fn clause<K: Parse + Token, T: Parse>(input: ParseStream<'_>) -> syn::Result<Option<T>> {
    match input.parse::<Option<K>>()? {
        Some(_) => Ok(Some(input.parse()?)),
        None => Ok(None),
    }
}

/// `keyword by item, ...`, where the keyword comes next.
fn by_clause<K: Parse + Token, T>(
    input: ParseStream<'_>,
    item: fn(ParseStream<'_>) -> syn::Result<T>,
) -> syn::Result<Vec<T>> {
    match input.parse::<Option<K>>()? {
        Some(_) => {
            input.parse::<kw::by>()?;
            comma_list(input, item)
        }
        None => Ok(Vec::new()),
    }
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

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::cond::MAX_DEPTH;
    use super::*;
    use crate::query::ir::{AggFn, CmpOp, Cond, Lit};

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
    fn collections_nest_a_bounded_depth() {
        let nested = |n: usize| {
            (0..n).fold(
                quote!(id),
                |inner, _| quote!(id, departments { #inner } as d),
            )
        };
        let deepest = nested(MAX_COLLECTION_DEPTH);
        assert!(parse(quote!(from Store select #deepest)).is_ok());
        let too_deep = nested(MAX_COLLECTION_DEPTH + 1);
        assert!(error(quote!(from Store select #too_deep))
            .starts_with("collections nest at most 8 levels deep"));
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
