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
use super::ir::{AggFn, Collection, Expr, Query};
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
        root: None,
        items: Vec::new(),
        rows: 0,
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
    /// In a collection's rows: the relation local that leads to their
    /// model, which paths start from.
    root: Option<Ident>,
    /// Row structs, their decoding and the statics of collections, in the
    /// order they were made.
    items: Vec<TokenStream>,
    /// How many row structs were made.
    rows: usize,
}

/// `as_type { field: row.field, ... }`, each collection's rows mapped in
/// turn to their own type.
fn map_into(as_type: &syn::Path, fields: &[Field]) -> TokenStream {
    let inits = fields.iter().map(|field| {
        let name = &field.name;
        match &field.kind {
            Kind::Rows(Some(map)) => quote_spanned! {name.span()=>
                #name: ::core::iter::Iterator::collect(
                    ::core::iter::Iterator::map(
                        ::core::iter::IntoIterator::into_iter(row.#name),
                        |row| #map,
                    ),
                )
            },
            Kind::Plain | Kind::Sum | Kind::Rows(None) => {
                quote_spanned!(name.span()=> #name: row.#name)
            }
        }
    });
    quote!(#as_type { #(#inits),* })
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
    /// The value; `None` for a collection, which the statement of its
    /// rows fills.
    plan: Option<TokenStream>,
    witness: Ident,
    kind: Kind,
}

/// How a field is decoded and built.
enum Kind {
    Plain,
    Sum,
    /// A collection; in `query_as!`, with the mapping from its row struct
    /// to the type its rows are built as.
    Rows(Option<TokenStream>),
}

/// One level of a query: the root's rows, or a collection's.
struct Level {
    /// The `Plan` expression.
    plan: TokenStream,
    /// The loaders of the level's collections, as a tuple.
    children: TokenStream,
    /// An expression of `PhantomData` of the row struct.
    row: TokenStream,
    /// For `query_as!`, the body of the mapping from `row` to the user's
    /// type.
    map: Option<TokenStream>,
}

/// A collection of a level, until the level's row struct is known.
struct Nested {
    name: Ident,
    /// The collection's path, where its parent's key is checked.
    span: Span,
    plan: TokenStream,
    cache: Ident,
    at: Vec<usize>,
    first: Ident,
    children: TokenStream,
    /// The local holding how its rows decode from JSON, if they can.
    json: Ident,
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
        let root = quote!(<__FanlessRoot as ::fanless::Model>::META);
        let none = quote!(::core::option::Option::None);
        let level = self.level(query, &[], joins, &none, &root, query.as_type.as_ref());

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
        let keys = self.args.len();
        let items = &self.items;
        let Level {
            plan,
            children,
            row,
            map,
        } = level;
        let map = match (&query.select, map) {
            (None, _) => quote! {
                let __fanless_map: fn(__FanlessRoot) -> __FanlessRoot = |row| row;
            },
            (Some(_), map) => {
                let map = map.unwrap_or_else(|| quote!(row));
                quote!(let __fanless_map = #fl::map_of(#row, |row| #map);)
            }
        };
        let run = if query.collections.is_empty() {
            quote!(#fl::Query::new(&__FANLESS_SQL, move || #plan, #args, __fanless_map))
        } else {
            // The collections' parent keys are the argument past the
            // query's own.
            quote! {{
                const __FANLESS_KEYS: usize = #keys;
                ::fanless::Nested::new(&__FANLESS_SQL, move || #plan, #args, __fanless_map, #children)
            }}
        };
        quote! {{
            type __FanlessRoot = #from;
            #lets
            #(#checks)*
            #(#items)*
            #map
            static __FANLESS_SQL: #fl::SqlCache = #fl::SqlCache::new();
            #run
        }}
    }

    /// A level of the query, its rows from `root_meta`: its plan (with
    /// `parent`), its row struct, and its collections, each a level of its
    /// own at `at` and the collection's index.
    fn level(
        &mut self,
        query: &Query,
        at: &[usize],
        joins: Vec<TokenStream>,
        parent: &TokenStream,
        root_meta: &TokenStream,
        as_type: Option<&syn::Path>,
    ) -> Level {
        let fl = self.fl;
        let mut nested = Vec::new();
        let fields: Option<Vec<Field>> = query.select.as_ref().map(|items| {
            let mut fields = Vec::new();
            let mut collections = query.collections.iter().enumerate().peekable();
            for (i, item) in items.iter().enumerate() {
                while let Some((index, collection)) = collections.next_if(|(_, c)| c.position <= i)
                {
                    if let Some((field, parts)) = self.collection(collection, at, index, root_meta)
                    {
                        fields.push(field);
                        nested.push(parts);
                    }
                }
                if let Some(name) = item.name() {
                    fields.extend(self.field(name.clone(), &item.expr));
                }
            }
            for (index, collection) in collections {
                if let Some((field, parts)) = self.collection(collection, at, index, root_meta) {
                    fields.push(field);
                    nested.push(parts);
                }
            }
            fields
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

        let option = |value: Option<TokenStream>| match value {
            Some(value) => quote!(::core::option::Option::Some(#value)),
            None => quote!(::core::option::Option::None),
        };
        let filter = option(filter);
        let having = option(having);
        let limit = option(limit);
        let offset = option(offset);

        let (row, map, select) = match &fields {
            Some(fields) => {
                let selected = fields
                    .iter()
                    .filter_map(|f| Some((f.name.unraw().to_string(), f.plan.as_ref()?)));
                let (names, plans): (Vec<String>, Vec<&TokenStream>) = selected.unzip();
                let select = quote! {
                    ::core::option::Option::Some(::std::vec![
                        #(#fl::Item { name: #names, expr: #plans },)*
                    ])
                };
                let row = self.row(fields, !at.is_empty());
                let map = as_type.map(|as_type| map_into(as_type, fields));
                (row, map, select)
            }
            None => (quote!(), None, quote!(::core::option::Option::None)),
        };
        let collections = nested.iter().map(|n| {
            let name = n.name.unraw().to_string();
            let (plan, json) = (&n.plan, &n.json);
            quote!(#fl::CollectionPlan { name: #name, plan: #plan, json: #json.is_some() })
        });
        let plan = quote! {
            #fl::Plan {
                root: #root_meta,
                joins: ::std::vec![#(#joins),*],
                select: #select,
                filter: #filter,
                group: ::std::vec![#(#group),*],
                having: #having,
                order: ::std::vec![#(#order),*],
                limit: #limit,
                offset: #offset,
                parent: #parent,
                collections: ::std::vec![#(#collections),*],
            }
        };
        let loaders: Vec<TokenStream> = nested
            .iter()
            .map(|n| {
                let Nested {
                    name,
                    span,
                    cache,
                    at,
                    first,
                    children,
                    json,
                    ..
                } = n;
                let fla = fl.at(*span);
                let keys = quote_spanned! {*span=>
                    #fla::key_list(&#first, |keys| {
                        #[allow(unused_imports)]
                        use #fla::{AnyList as _, IntegerList as _};
                        (&#fla::ListProbe::new(::core::option::Option::Some(keys))).list_arg()
                    })
                };
                quote! {
                    #fl::Collection::new(
                        &#cache,
                        &[#(#at),*],
                        #keys,
                        #fl::field_of(#row, |row| &mut row.#name),
                        #children,
                        #json,
                    )
                }
            })
            .collect();
        Level {
            plan,
            children: quote!((#(#loaders,)*)),
            row,
            map,
        }
    }

    /// A collection: its path walked, checked to be to-many, and its rows a
    /// level of their own, from the path's last model.
    fn collection(
        &mut self,
        collection: &Collection,
        at: &[usize],
        index: usize,
        parent_meta: &TokenStream,
    ) -> Option<(Field, Nested)> {
        let fl = self.fl;
        let path = &collection.path;
        let rels = self.hops(&path.segments, Scope::ROOT, false);
        let flag = rels.iter().rev().fold(
            quote!(#fl::no()),
            |rest, rel| quote!(#fl::edge(&#rel, #rest)),
        );
        let name = &collection.name;
        let check = self.rule_accepting(
            &rules::Rule {
                name: format!("collection_{}", self.locals),
                span: path.span(),
                message: &format!("`{path}` leads to one row at most, so it holds no collection"),
                label: "a to-one path",
                notes: &[format!(
                    "select the columns of the row it leads to instead, such as `{path}.id`, \
                     outside the braces"
                )],
            },
            flag,
            quote!(#fl::True),
        );
        self.lets.push(Stmt::Check(check));
        let (first, last) = (rels.first()?.clone(), rels.last()?.clone());

        let mut at: Vec<usize> = at.to_vec();
        at.push(index);
        let saved = (
            self.root.replace(last.clone()),
            std::mem::take(&mut self.walked),
            self.tree.take(),
        );
        let parent = quote! {
            ::core::option::Option::Some(#fl::Parent {
                model: #parent_meta,
                hops: #fl::hops(&[#(#rels.hops()),*]),
                keys: __FANLESS_KEYS,
            })
        };
        let meta = quote!(#fl::target_of(&#last));
        let row_type = collection.row_type.as_ref();
        let level = self.level(&collection.query, &at, Vec::new(), &parent, &meta, row_type);
        (self.root, self.walked, self.tree) = saved;

        let witness = self.local("w");
        let row = &level.row;
        self.bind(&witness, quote!(#fl::rows_of(#row)));
        let json = self.local("j");
        self.bind(
            &json,
            quote! {{
                #[allow(unused_imports)]
                use #fl::{Carried as _, NotCarried as _};
                (&#fl::json_probe(#row)).json_rows()
            }},
        );
        let cache = self.local("collection");
        self.items
            .push(quote!(static #cache: #fl::SqlCache = #fl::SqlCache::new();));
        let map = row_type.map(|_| level.map.clone().unwrap_or_else(|| quote!(row)));
        let field = Field {
            name: name.clone(),
            plan: None,
            witness,
            kind: Kind::Rows(map),
        };
        let nested = Nested {
            name: name.clone(),
            span: path.span(),
            plan: level.plan,
            cache,
            at,
            first,
            children: level.children,
            json,
        };
        Some((field, nested))
    }

    /// The row struct of a level, its decoding (from JSON too, for a
    /// collection's rows), and the function that pins each field's type to
    /// its witness: returns the pin's call, a `PhantomData` of the struct.
    fn row(&mut self, fields: &[Field], collection: bool) -> TokenStream {
        let fl = &self.fl;
        self.rows += 1;
        let (row, pin) = match self.rows {
            1 => (
                format_ident!("__FanlessRow"),
                format_ident!("__fanless_pin"),
            ),
            n => (
                format_ident!("__FanlessRow{n}"),
                format_ident!("__fanless_pin{n}"),
            ),
        };
        let names: Vec<&Ident> = fields.iter().map(|f| &f.name).collect();
        let types: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("__T{i}")).collect();
        let kinds: Vec<TokenStream> = fields
            .iter()
            .map(|f| match f.kind {
                Kind::Plain => quote!(#fl::Plain),
                Kind::Sum => quote!(#fl::Sum),
                Kind::Rows(_) => quote!(#fl::Nest),
            })
            .collect();
        // The columns of the statement are the fields that are no
        // collection, in order.
        let mut column = 0_usize;
        let indexes: Vec<usize> = fields
            .iter()
            .map(|f| {
                let index = column;
                if f.plan.is_some() {
                    column += 1;
                }
                index
            })
            .collect();
        let witnesses: Vec<&Ident> = fields.iter().map(|f| &f.witness).collect();
        if collection {
            // Carried as JSON, a row is an array of its items, then of its
            // collections.
            let (items, collections): (Vec<usize>, Vec<usize>) =
                (0..fields.len()).partition(|&i| fields.get(i).is_some_and(|f| f.plan.is_some()));
            // Read into locals of their own: a field's name may be a
            // constant's in the caller's scope.
            let locals: Vec<Ident> = (0..fields.len())
                .map(|i| format_ident!("__fanless_f{i}"))
                .collect();
            let reads = items.into_iter().chain(collections).filter_map(|i| {
                let (local, ty, kind) = (locals.get(i)?, types.get(i)?, kinds.get(i)?);
                Some(quote!(let #local = __fanless_json.field::<#ty, #kind>()?;))
            });
            self.items.push(quote! {
                impl<#(#types: #fl::JsonField<#kinds>),*> #fl::JsonRow for #row<#(#types),*> {
                    fn read_row(
                        __fanless_json: &mut #fl::JsonReader<'_>,
                    ) -> ::core::result::Result<Self, #fl::JsonError> {
                        __fanless_json.open()?;
                        #(#reads)*
                        __fanless_json.close()?;
                        ::core::result::Result::Ok(Self { #(#names: #locals),* })
                    }
                }
            });
        }
        self.items.push(quote! {
            #[allow(non_camel_case_types, dead_code)]
            #[derive(Debug, Clone, PartialEq)]
            struct #row<#(#types),*> {
                #(pub #names: #types,)*
            }

            impl<__R: #fl::sqlx::Row, #(#types: #fl::Decoded<__R, #kinds>),*>
                #fl::FromRow<__R> for #row<#(#types),*>
            {
                fn from_row(row: &__R) -> ::core::result::Result<Self, #fl::sqlx::Error> {
                    ::core::result::Result::Ok(Self {
                        #(#names: <#types as #fl::Decoded<__R, #kinds>>::decode(row, #indexes)?,)*
                    })
                }
            }

            #[allow(clippy::too_many_arguments)]
            fn #pin<#(#types: #fl::Typed),*>(
                #(_: #types,)*
            ) -> #fl::PhantomData<#row<#(#types::Value),*>> {
                #fl::PhantomData
            }
        });
        quote!(#pin(#(#witnesses),*))
    }

    fn field(&mut self, name: Ident, expr: &Expr) -> Option<Field> {
        let witness = self.local("w");
        let (plan, witness_value, kind) = match expr {
            Expr::Path(path) => {
                let (plan, witness) = self.column(path, Scope::ROOT, true);
                (plan, witness, Kind::Plain)
            }
            Expr::Agg(agg) => {
                let (plan, witness) = self.agg(agg, Scope::ROOT);
                let kind = if agg.func == AggFn::Sum {
                    Kind::Sum
                } else {
                    Kind::Plain
                };
                (plan, witness, kind)
            }
            // Rejected by the checks.
            Expr::Param(_) | Expr::Optional(_) | Expr::Lit(_) => return None,
        };
        self.bind(&witness, witness_value);
        Some(Field {
            name,
            plan: Some(plan),
            witness,
            kind,
        })
    }

    fn order(&mut self, expr: &Expr, desc: bool, fields: Option<&[Field]>) -> TokenStream {
        let fl = self.fl;
        let selected = match expr {
            Expr::Path(path) if path.segments.len() == 1 => fields
                .into_iter()
                .flatten()
                .find(|field| field.plan.is_some() && field.name == path.segments[0]),
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

    /// A local holding whether the values of `column`, which `witness`
    /// stands for, are dates and times SQLite compares by instant (a
    /// `Temporal`).
    fn temporal(&mut self, witness: TokenStream, column: &Ident) -> Ident {
        let fl = self.fl;
        let local = self.local("t");
        self.bind(
            &local,
            quote! {{
                #[allow(unused_imports)]
                use #fl::{ListedTemporal as _, PlainTemporal as _};
                #fl::stored(&#column, (&#witness).temporal())
            }},
        );
        local
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
