//! The expansion of a checked query.
//!
//! Every path is walked once, as field accesses on the models' const
//! companions carrying the user's identifiers, so a misspelt name is rustc's
//! own error on that token. The walk yields typed values bound to hygienic
//! locals; from them the expansion builds the row type (each field's type
//! inferred through a zero-sized `Witness`), the parameters (each checked
//! against the value it meets), and a closure producing the plan that is
//! rendered to SQL once per dialect.

mod aggregates;
mod conditions;
mod paths;
mod rules;
mod stmts;
mod values;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::Ident;

use super::fanout::Tree;
use super::ir::{AggFn, Expr, Query};
use crate::private::Private;
use paths::Walked;
use stmts::{args_tree, chunked, vec_of, Stmt};
use values::Probe;

pub fn expand(query: &Query) -> TokenStream {
    let mut gen = Gen {
        fl: Private,
        lets: Vec::new(),
        args: Vec::new(),
        wrapped: Vec::new(),
        optionals: Vec::new(),
        locals: 0,
        tree: Tree::from_query(query),
        joined: Vec::new(),
        walked: Vec::new(),
    };
    gen.query(query)
}

struct Gen {
    fl: Private,
    /// `let` statements binding each path's typed values.
    lets: Vec<Stmt>,
    /// Parameters in the order they are rendered; a slot is reserved when a
    /// parameter is met and filled once the value it meets is typed.
    args: Vec<TokenStream>,
    /// The slots of `args` that hold lists and optional parameters: already
    /// arguments of their own.
    wrapped: Vec<usize>,
    /// The slots of `args` that hold optional parameters.
    optionals: Vec<usize>,
    locals: usize,
    /// The aliases of the join form; `None` in the path form.
    tree: Option<Tree>,
    /// Per explicit join: its relation locals and its to-many flag local.
    joined: Vec<(Vec<Ident>, Ident)>,
    /// Every column path walked, in order.
    walked: Vec<Walked>,
}

/// Where a path starts: an alias of the query (0 is the `from` model), or
/// the last model of an aggregate's path (for the aggregate's `where`).
#[derive(Clone, Copy)]
enum Scope<'s> {
    Alias(usize),
    Filter(&'s Ident),
}

impl Scope<'_> {
    const ROOT: Self = Self::Alias(0);

    /// The plan's alias index for paths from this scope.
    fn alias(self) -> usize {
        match self {
            Self::Alias(alias) => alias,
            Self::Filter(_) => 0,
        }
    }
}

/// A `select` item, resolved.
struct Field {
    name: Ident,
    plan: TokenStream,
    witness: Ident,
    sum: bool,
}

impl Gen {
    fn local(&mut self, prefix: &str) -> Ident {
        self.locals += 1;
        Ident::new(
            &format!("__fanless_{prefix}{}", self.locals),
            Span::mixed_site(),
        )
    }

    fn query(&mut self, query: &Query) -> TokenStream {
        let fl = self.fl;
        let from = &query.from;
        let joins = self.joins(query);
        let checks = self.checks(query);

        let fields: Option<Vec<Field>> = query.select.as_ref().map(|items| {
            items
                .iter()
                .filter_map(|item| self.field(item.name()?.clone(), &item.expr))
                .collect()
        });
        let filter = query
            .filter
            .as_ref()
            .map(|cond| self.cond(cond, Scope::ROOT));
        let mut group: Vec<TokenStream> = query
            .group
            .iter()
            .map(|expr| {
                let value = self.value(expr, Scope::ROOT);
                if let Some(typed) = &value.witness {
                    self.probe(value.span, Probe::Comparable, typed);
                }
                value.plan
            })
            .collect();
        group.extend(self.key_grouped(query));
        let having = query
            .having
            .as_ref()
            .map(|cond| self.cond(cond, Scope::ROOT));
        let order: Vec<TokenStream> = query
            .order
            .iter()
            .map(|order| self.order(&order.expr, order.desc, fields.as_deref()))
            .collect();
        let limit = query.limit.as_ref().map(|value| self.count_value(value));
        let offset = query.offset.as_ref().map(|value| self.count_value(value));

        let lets = chunked(&self.lets);
        let args = args_tree(
            self.args
                .iter()
                .enumerate()
                .map(|(slot, arg)| {
                    if self.wrapped.contains(&slot) {
                        arg.clone()
                    } else {
                        quote!(#fl::Arg(::core::option::Option::Some(#arg)))
                    }
                })
                .collect(),
        );
        let option = |value: Option<TokenStream>| match value {
            Some(value) => quote!(::core::option::Option::Some(#value)),
            None => quote!(::core::option::Option::None),
        };
        let filter = option(filter);
        let having = option(having);
        let limit = option(limit);
        let offset = option(offset);

        let (row, select) = match &fields {
            Some(fields) => {
                let names = fields.iter().map(|f| f.name.unraw().to_string());
                let plans = fields.iter().map(|f| &f.plan);
                let select = quote! {
                    ::core::option::Option::Some(::std::vec![
                        #(#fl::Item { name: #names, expr: #plans },)*
                    ])
                };
                (self.row(fields, query.as_type.as_ref()), select)
            }
            None => (
                quote! {
                    let __fanless_map: fn(__FanlessRoot) -> __FanlessRoot = |row| row;
                },
                quote!(::core::option::Option::None),
            ),
        };

        quote! {{
            type __FanlessRoot = #from;
            #lets
            #(#checks)*
            #row
            static __FANLESS_SQL: #fl::SqlCache = #fl::SqlCache::new();
            #fl::Query::new(
                &__FANLESS_SQL,
                move || #fl::Plan {
                    root: <__FanlessRoot as ::fanless::Model>::META,
                    joins: ::std::vec![#(#joins),*],
                    select: #select,
                    filter: #filter,
                    group: ::std::vec![#(#group),*],
                    having: #having,
                    order: ::std::vec![#(#order),*],
                    limit: #limit,
                    offset: #offset,
                },
                #args,
                __fanless_map,
            )
        }}
    }

    /// The row struct, its decoding, and `__fanless_map` from it to what
    /// the query returns, with each field's type pinned to its witness.
    fn row(&self, fields: &[Field], as_type: Option<&syn::Path>) -> TokenStream {
        let fl = &self.fl;
        let names: Vec<&Ident> = fields.iter().map(|f| &f.name).collect();
        let types: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("__T{i}")).collect();
        let kinds: Vec<TokenStream> = fields
            .iter()
            .map(|f| {
                if f.sum {
                    quote!(#fl::Sum)
                } else {
                    quote!(#fl::Plain)
                }
            })
            .collect();
        let indexes = 0..fields.len();
        let witnesses = fields.iter().map(|f| &f.witness);
        let map = match as_type {
            Some(as_type) => {
                let inits = names
                    .iter()
                    .map(|name| quote_spanned!(name.span()=> #name: row.#name));
                quote!(#as_type { #(#inits),* })
            }
            None => quote!(row),
        };
        quote! {
            #[allow(non_camel_case_types, dead_code)]
            #[derive(Debug, Clone, PartialEq)]
            struct __FanlessRow<#(#types),*> {
                #(pub #names: #types,)*
            }

            impl<__R: #fl::sqlx::Row, #(#types: #fl::Decoded<__R, #kinds>),*>
                #fl::FromRow<__R> for __FanlessRow<#(#types),*>
            {
                fn from_row(row: &__R) -> ::core::result::Result<Self, #fl::sqlx::Error> {
                    ::core::result::Result::Ok(Self {
                        #(#names: <#types as #fl::Decoded<__R, #kinds>>::decode(row, #indexes)?,)*
                    })
                }
            }

            #[allow(clippy::too_many_arguments)]
            fn __fanless_pin<#(#types: #fl::Typed),*>(
                #(_: #types,)*
            ) -> #fl::PhantomData<__FanlessRow<#(#types::Value),*>> {
                #fl::PhantomData
            }
            let __fanless_map = #fl::map_of(__fanless_pin(#(#witnesses),*), |row| #map);
        }
    }

    fn field(&mut self, name: Ident, expr: &Expr) -> Option<Field> {
        let witness = self.local("w");
        let (plan, witness_value, sum) = match expr {
            Expr::Path(path) => {
                let (plan, witness) = self.column(path, Scope::ROOT, true);
                (plan, witness, false)
            }
            Expr::Agg(agg) => {
                let (plan, witness) = self.agg(agg, Scope::ROOT);
                (plan, witness, agg.func == AggFn::Sum)
            }
            // Rejected by the checks.
            Expr::Param(_) | Expr::Optional(_) | Expr::Lit(_) => return None,
        };
        self.bind(&witness, witness_value);
        Some(Field {
            name,
            plan,
            witness,
            sum,
        })
    }

    fn order(&mut self, expr: &Expr, desc: bool, fields: Option<&[Field]>) -> TokenStream {
        let fl = self.fl;
        let selected = match expr {
            Expr::Path(path) if path.segments.len() == 1 => fields
                .into_iter()
                .flatten()
                .find(|field| field.name == path.segments[0]),
            _ => None,
        };
        let (plan, witness) = match selected {
            Some(field) => {
                let name = field.name.unraw().to_string();
                let witness = &field.witness;
                (quote!(#fl::Expr::Output(#name)), quote!(#witness))
            }
            None => match expr {
                Expr::Path(path) => self.column(path, Scope::ROOT, true),
                Expr::Agg(agg) => self.agg(agg, Scope::ROOT),
                // Rejected by the checks.
                Expr::Param(_) | Expr::Optional(_) | Expr::Lit(_) => return quote!(),
            },
        };
        self.probe(expr.span(), Probe::Comparable, &witness);
        quote!(#fl::Order { expr: #plan, desc: #desc, nullable: #witness.nullable() })
    }

    /// The selected or sorted columns that `group by` holds through their
    /// model's primary key (`select d.name ... group by d.id`): each key
    /// checked to be the
    /// whole primary key, and each column grouped by as well, which changes
    /// no group and which MariaDB asks for.
    fn key_grouped(&mut self, query: &Query) -> Vec<TokenStream> {
        let items = query.select.iter().flatten().map(|item| &item.expr);
        let values: Vec<&Expr> = items
            .chain(query.order.iter().map(|order| &order.expr))
            .collect();
        let mut grouped: Vec<String> = Vec::new();
        let mut plans = Vec::new();
        for value in values {
            let Expr::Path(path) = value else { continue };
            let Some(key) = query.key_grouped(path) else {
                continue;
            };
            if grouped.contains(&path.to_string()) {
                continue;
            }
            grouped.push(path.to_string());
            let (_, _, column) = self.column_local(key, Scope::ROOT, false);
            let span = key.segments.last().map_or_else(|| key.span(), Ident::span);
            self.typed_check(span, quote!(grouped_key), &[], &quote!(#column));
            plans.push(self.value(value, Scope::ROOT).plan);
        }
        plans
    }

    /// Binds `name` to `value`.
    fn bind(&mut self, name: &Ident, value: TokenStream) {
        self.lets.push(Stmt::Let(name.clone(), value));
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn expansion(tokens: TokenStream) -> String {
        let query: Query = syn::parse2(tokens).unwrap();
        expand(&query).to_string()
    }

    #[test]
    fn binds_parameters_in_the_order_they_are_rendered() {
        let out = expansion(quote! {
            from Store
            select count(products where price > {first_param}) as n
            where name = {second_param} or "third_param" = name
            limit {fourth_param}
        });
        let args = &out[out.find("Query :: new").unwrap()..];
        let positions: Vec<usize> = ["first_param", "second_param", "third_param", "fourth_param"]
            .iter()
            .map(|name| args.find(name).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{args}");
    }

    #[test]
    fn checks_each_parameter_against_the_value_it_meets() {
        let out = expansion(quote!(from Store where id = {key} and {other} = {third}));
        assert_eq!(out.matches(":: fit (").count(), 1, "{out}");
    }

    #[test]
    fn walks_each_path_segment_once() {
        let out = expansion(quote!(from Employee select department.store.name as store));
        assert_eq!(out.matches(". department)").count(), 1, "{out}");
        assert_eq!(out.matches(". store)").count(), 1, "{out}");
        assert_eq!(out.matches(". name)").count(), 1, "{out}");
    }
}
