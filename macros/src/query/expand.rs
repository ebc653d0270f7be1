//! The expansion of a checked query.
//!
//! Every path is walked once, as field accesses on the models' const
//! companions carrying the user's identifiers, so a misspelt name is rustc's
//! own error on that token. The walk yields typed values bound to hygienic
//! locals; from them the expansion builds the row type (each field's type
//! inferred through a zero-sized `Witness`), the parameters (each checked
//! against the value it meets), and a closure producing the plan that is
//! rendered to SQL once per dialect.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use super::fanout::{self, Tree};
use super::ir::{Agg, AggFn, CmpOp, Cond, Expr, Lit, Path, Query, Text};
use crate::diag::Ctxt;
use crate::private::{located, located_tokens, Private};

pub fn expand(query: &Query, cx: &mut Ctxt) -> TokenStream {
    let mut gen = Gen {
        fl: Private,
        cx,
        lets: Vec::new(),
        args: Vec::new(),
        locals: 0,
        tree: Tree::from_query(query),
        joined: Vec::new(),
        walked: Vec::new(),
    };
    gen.query(query)
}

struct Gen<'a> {
    fl: Private,
    cx: &'a mut Ctxt,
    /// `let` statements binding each path's typed values.
    lets: Vec<Stmt>,
    /// Parameters in the order they are rendered; a slot is reserved when a
    /// parameter is met and filled once the value it meets is typed.
    args: Vec<TokenStream>,
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

/// A statement of the expansion, before the plan: a local bound, or a
/// check that binds nothing.
enum Stmt {
    Let(Ident, TokenStream),
    Check(TokenStream),
}

/// The statements, so that they nest as few scopes as they can: each
/// `let` is a scope nested in the previous one in the debug info, and
/// thousands overflow LLVM's stack (a query of 4,000 conditions did). So
/// past 16 statements, runs of 16 are computed in a closure of their own
/// (its temporaries in its own stack frame), whose locals one `let` then
/// binds together.
fn chunked(stmts: &[Stmt]) -> TokenStream {
    const RUN: usize = 16;
    let plain = |stmt: &Stmt| match stmt {
        Stmt::Let(name, value) => quote!(let #name = #value;),
        Stmt::Check(check) => check.clone(),
    };
    if stmts.len() <= RUN {
        return stmts.iter().map(plain).collect();
    }
    let mut out = TokenStream::new();
    for run in stmts.chunks(RUN) {
        let names: Vec<&Ident> = run
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Let(name, _) => Some(name),
                Stmt::Check(_) => None,
            })
            .collect();
        let body = run.iter().map(plain);
        out.extend(quote! {
            #[allow(unused_parens, clippy::redundant_closure_call)]
            let (#(#names),*) = (|| { #(#body)* (#(#names),*) })();
        });
    }
    out
}

/// `vec![items...]`, built by a tree of closures of at most 16 items each
/// when longer: in a debug build every temporary of a function has a
/// stack slot of its own, so a plan of thousands of conditions built in
/// one function would overflow a thread's stack.
fn vec_of(items: Vec<TokenStream>) -> TokenStream {
    const WIDTH: usize = 16;
    if items.len() <= WIDTH {
        return quote!(::std::vec![#(#items),*]);
    }
    let size = items.len().div_ceil(WIDTH);
    let parts = items
        .chunks(size.max(WIDTH))
        .map(|chunk| vec_of(chunk.to_vec()));
    quote! {
        (move || {
            let mut all = ::std::vec::Vec::new();
            #(all.extend((move || #parts)());)*
            all
        })()
    }
}

/// A column path as walked: where it starts, its relation segments as
/// written, and the locals they are bound to.
struct Walked {
    scope: ScopeKey,
    relations: Vec<String>,
    rels: Vec<Ident>,
    path: Path,
}

/// Which scope a path starts from, to compare paths.
#[derive(Clone, PartialEq, Eq)]
enum ScopeKey {
    Alias(usize),
    Filter(String),
}

impl Scope<'_> {
    fn key(self) -> ScopeKey {
        match self {
            Self::Alias(alias) => ScopeKey::Alias(alias),
            Self::Filter(end) => ScopeKey::Filter(end.to_string()),
        }
    }
}

/// A check for rustc: what [`Gen::rule`] needs besides the flag.
struct Rule<'r> {
    /// Unique in the query; names the trait.
    name: String,
    /// Where the error points.
    span: Span,
    message: &'r str,
    label: &'r str,
    notes: &'r [String],
}

/// A value: its plan expression and, when known, its type witness.
struct Value {
    plan: TokenStream,
    witness: Option<TokenStream>,
    /// The argument slot, the argument and its span, for a parameter
    /// still waiting for its type.
    slot: Option<(usize, TokenStream, Span)>,
    /// What kind of literal the value is, if it is one (a string literal
    /// is a parameter).
    literal: Option<LitKind>,
    /// Where the user wrote it.
    span: Span,
}

/// The literals that are written into the SQL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LitKind {
    Int,
    Float,
    Bool,
}

impl Value {
    /// The type a parameter meeting this value must fit: the value's own,
    /// or a literal's.
    fn typed(&self, fl: Private) -> Option<TokenStream> {
        self.witness.clone().or_else(|| {
            self.literal.map(|kind| match kind {
                LitKind::Int => quote!(#fl::Witness::<i64>::new()),
                LitKind::Float => quote!(#fl::Witness::<f64>::new()),
                LitKind::Bool => quote!(#fl::Witness::<bool>::new()),
            })
        })
    }
}

/// A `select` item, resolved.
struct Field {
    name: Ident,
    plan: TokenStream,
    witness: Ident,
    sum: bool,
}

impl Gen<'_> {
    fn local(&mut self, prefix: &str) -> Ident {
        self.locals += 1;
        Ident::new(
            &format!("__fanless_{prefix}{}", self.locals),
            Span::mixed_site(),
        )
    }

    /// The last relation of the join that made `alias`; `None` for the root.
    fn join_rel(&self, alias: usize) -> Option<&Ident> {
        alias
            .checked_sub(1)
            .and_then(|join| self.joined.get(join))
            .and_then(|(rels, _)| rels.last())
    }

    fn relations(&self, scope: Scope<'_>) -> TokenStream {
        let fl = &self.fl;
        match scope {
            Scope::Alias(alias) => match self.join_rel(alias) {
                Some(rel) => quote!(#fl::relations_of(&#rel)),
                None => quote!(<__FanlessRoot as ::fanless::Model>::RELATIONS),
            },
            Scope::Filter(end) => quote!(#fl::filter_scope(&#end)),
        }
    }

    fn columns(&self, scope: Scope<'_>) -> TokenStream {
        let fl = &self.fl;
        match scope {
            Scope::Alias(alias) => match self.join_rel(alias) {
                Some(rel) => quote!(#fl::columns_of(&#rel)),
                None => quote!(<__FanlessRoot as ::fanless::Model>::COLUMNS),
            },
            Scope::Filter(end) => quote!(*#fl::filter_scope(&#end)),
        }
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
        let group: Vec<TokenStream> = query
            .group
            .iter()
            .map(|expr| self.value(expr, Scope::ROOT).plan)
            .collect();
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
                .map(|arg| quote!(#fl::Arg(::core::option::Option::Some(#arg))))
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
                let names = fields.iter().map(|f| f.name.to_string());
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
            fn __fanless_pin<#(#types),*>(
                #(_: #fl::Witness<#types>,)*
            ) -> #fl::PhantomData<__FanlessRow<#(#types),*>> {
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
            Expr::Param(_) | Expr::Lit(_) => return None,
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
                let name = field.name.to_string();
                let witness = &field.witness;
                (quote!(#fl::Expr::Output(#name)), quote!(#witness))
            }
            None => match expr {
                Expr::Path(path) => self.column(path, Scope::ROOT, true),
                Expr::Agg(agg) => self.agg(agg, Scope::ROOT),
                // Rejected by the checks.
                Expr::Param(_) | Expr::Lit(_) => return quote!(),
            },
        };
        quote!(#fl::Order { expr: #plan, desc: #desc, nullable: #witness.nullable() })
    }

    /// A column path: relations, then a column. In `select` and `order by`
    /// (`to_one`) every relation must be to-one, and the column's type
    /// becomes `Option` through a nullable one.
    fn column(
        &mut self,
        path: &Path,
        scope: Scope<'_>,
        to_one: bool,
    ) -> (TokenStream, TokenStream) {
        let (plan, witness, _) = self.column_local(path, scope, to_one);
        (plan, witness)
    }

    /// [`Self::column`], with the local bound to the column.
    fn column_local(
        &mut self,
        path: &Path,
        scope: Scope<'_>,
        to_one: bool,
    ) -> (TokenStream, TokenStream, Ident) {
        let fl = self.fl;
        // In the join form a path of the query's scope starts with an alias.
        let (scope, path, nullable) = match (&self.tree, scope) {
            (Some(tree), Scope::Alias(_)) => {
                let alias = tree.index_of(&path.segments[0]).unwrap_or(0);
                let rest = Path {
                    segments: path.segments[1..].to_vec(),
                };
                (Scope::Alias(alias), rest, tree.aliases[alias].nullable)
            }
            _ => (scope, path.clone(), false),
        };
        let alias = scope.alias();
        let (hops, last) = path.segments.split_at(path.segments.len() - 1);
        let rels = self.hops(hops, scope, to_one);
        self.walked.push(Walked {
            scope: scope.key(),
            relations: hops.iter().map(ToString::to_string).collect(),
            rels: rels.clone(),
            path: path.clone(),
        });
        let last = &last[0];
        let columns = match rels.last() {
            Some(rel) => quote!(#fl::columns_of(&#rel)),
            None => self.columns(scope),
        };
        let column = self.local("c");
        let fla = fl.at(last.span());
        self.bind(
            &column,
            quote_spanned!(last.span()=> #fla::column(&(#columns).#last)),
        );
        // Through a nullable relation or a `left join` the column may be
        // `NULL` even where its own type is not an `Option`.
        let mut witness = quote!(#fl::witness(&#column));
        for rel in rels.iter().rev() {
            witness = quote!(#fl::through(&#rel, #witness));
        }
        if nullable {
            witness = quote!(#fl::nullable(#witness));
        }
        let plan = quote! {
            #fl::Expr::Column(#fl::ColumnPath {
                alias: #alias,
                hops: ::std::vec![#(#rels.meta()),*],
                column: #column.name(),
            })
        };
        (plan, witness, column)
    }

    /// Binds each relation segment of a path; returns the locals.
    fn hops(&mut self, hops: &[Ident], scope: Scope<'_>, to_one: bool) -> Vec<Ident> {
        let fl = self.fl;
        let mut base = self.relations(scope);
        let mut rels = Vec::new();
        for segment in hops {
            let rel = self.local("r");
            let fl = fl.at(segment.span());
            let value = if to_one {
                quote_spanned!(segment.span()=> #fl::to_one(&(#base).#segment))
            } else {
                quote_spanned!(segment.span()=> #fl::relation(&(#base).#segment))
            };
            self.bind(&rel, value);
            base = quote!(#fl::relations_of(&#rel));
            rels.push(rel);
        }
        rels
    }

    /// An aggregate: its plan expression and its type witness.
    fn agg(&mut self, agg: &Agg, scope: Scope<'_>) -> (TokenStream, TokenStream) {
        if let (Some(tree), Scope::Alias(_)) = (&self.tree, scope) {
            let alias = tree.index_of(&agg.path.segments[0]).unwrap_or(0);
            return self.joined_agg(agg, alias);
        }
        let fl = self.fl;
        let segments = &agg.path.segments;
        let (hops, last) = segments.split_at(segments.len() - 1);
        let rels = self.hops(hops, scope, false);
        let last = &last[0];
        let base = match rels.last() {
            Some(rel) => quote!(#fl::relations_of(&#rel)),
            None => self.relations(scope),
        };
        let columns = match rels.last() {
            Some(rel) => quote!(#fl::columns_of(&#rel)),
            None => self.columns(scope),
        };
        let end = self.local("e");
        let span = last.span();
        // Every token of the witness call at the segment, in one syntax
        // context, so that a type error is reported on the segment.
        let at = end.span().located_at(span);
        let (fl_at, end_at) = (fl.at(at), located(&end, span));
        // `count(x)` counts the rows of a relation path, or the values of a
        // column at its end; `exists` takes a relation path; the others a
        // column.
        let end_value = match agg.func {
            AggFn::Count if !hops.is_empty() => {
                quote_spanned!(span=> #fl::path_end(&(#base).#last))
            }
            AggFn::Count | AggFn::Exists => quote_spanned!(span=> #fl::relation(&(#base).#last)),
            AggFn::Sum | AggFn::Avg | AggFn::Min | AggFn::Max => {
                quote_spanned!(span=> #fl::column(&(#columns).#last))
            }
        };
        self.bind(&end, end_value);
        let (func, witness) = match agg.func {
            AggFn::Count => (quote!(Count), quote!(#fl::count())),
            AggFn::Exists => (quote!(Exists), quote!(#fl::exists())),
            AggFn::Sum => (
                quote!(Sum { float: #fl::sum_is_float(#end) }),
                quote_spanned!(at=> #fl_at::sum(#end_at)),
            ),
            AggFn::Avg => (quote!(Avg), quote_spanned!(at=> #fl_at::avg(#end_at))),
            AggFn::Min => (quote!(Min), quote_spanned!(at=> #fl_at::min_max(&#end_at))),
            AggFn::Max => (quote!(Max), quote_spanned!(at=> #fl_at::min_max(&#end_at))),
        };
        let filter = match &agg.filter {
            Some(cond) => {
                let cond = self.cond(cond, Scope::Filter(&end));
                quote!(::core::option::Option::Some(#cond))
            }
            None => quote!(::core::option::Option::None),
        };
        let distinct = agg.distinct.is_some();
        let plan = quote! {
            #fl::agg(#fl::AggFn::#func, #distinct, ::std::vec![#(#rels.meta()),*], #end, #filter)
        };
        (plan, witness)
    }

    /// An aggregate over the joined rows of `alias`: `count(e)` or
    /// `func([distinct] e.column)`.
    fn joined_agg(&mut self, agg: &Agg, alias: usize) -> (TokenStream, TokenStream) {
        let fl = self.fl;
        let distinct = agg.distinct.is_some();
        let Some(last) = agg.path.segments.get(1) else {
            let column = match self.join_rel(alias) {
                Some(rel) => quote!(#rel.meta().target.primary_key),
                None => quote!(<__FanlessRoot as ::fanless::Model>::META.primary_key),
            };
            let (func, witness) = match agg.func {
                AggFn::Exists => (quote!(Exists), quote!(#fl::exists())),
                _ => (quote!(Count), quote!(#fl::count())),
            };
            let plan = quote! {
                #fl::Expr::Joined(::std::boxed::Box::new(#fl::JoinedAgg {
                    func: #fl::AggFn::#func, distinct: #distinct, alias: #alias, column: #column,
                }))
            };
            return (plan, witness);
        };
        let columns = self.columns(Scope::Alias(alias));
        let column = self.local("c");
        let span = last.span();
        let fla = fl.at(span);
        self.bind(
            &column,
            quote_spanned!(span=> #fla::column(&(#columns).#last)),
        );
        let at = column.span().located_at(span);
        let (fl_at, column_at) = (fl.at(at), located(&column, span));
        let (func, witness) = match agg.func {
            AggFn::Count => (quote!(Count), quote!(#fl::count())),
            AggFn::Exists => (quote!(Exists), quote!(#fl::exists())),
            AggFn::Sum => (
                quote!(Sum { float: #fl::sum_is_float(#column) }),
                quote_spanned!(at=> #fl_at::sum(#column_at)),
            ),
            AggFn::Avg => (quote!(Avg), quote_spanned!(at=> #fl_at::avg(#column_at))),
            AggFn::Min => (
                quote!(Min),
                quote_spanned!(at=> #fl_at::min_max(&#column_at)),
            ),
            AggFn::Max => (
                quote!(Max),
                quote_spanned!(at=> #fl_at::min_max(&#column_at)),
            ),
        };
        let plan = quote! {
            #fl::Expr::Joined(::std::boxed::Box::new(#fl::JoinedAgg {
                func: #fl::AggFn::#func, distinct: #distinct, alias: #alias, column: #column.name(),
            }))
        };
        (plan, witness)
    }

    /// Walks each explicit join once: its relations, and whether it is
    /// to-many, as a type rustc infers. Returns the plan's joins.
    fn joins(&mut self, query: &Query) -> Vec<TokenStream> {
        let fl = self.fl;
        let mut plans = Vec::new();
        for join in &query.joins {
            let parent = self
                .tree
                .as_ref()
                .and_then(|tree| tree.index_of(&join.path.segments[0]))
                .unwrap_or(0);
            let rels = self.hops(&join.path.segments[1..], Scope::Alias(parent), false);
            let flag = self.local("m");
            let many = rels.iter().rev().fold(
                quote!(#fl::no()),
                |rest, rel| quote!(#fl::edge(&#rel, #rest)),
            );
            self.bind(&flag, many);
            let left = join.left;
            plans.push(quote! {
                #fl::Join { parent: #parent, hops: ::std::vec![#(#rels.meta()),*], left: #left }
            });
            self.joined.push((rels, flag));
        }
        plans
    }

    /// The fan-out rules as conditions rustc checks: each is a trait of
    /// this query alone, implemented only for "no", whose message names the
    /// user's paths, required of the flag that says whether the rule's joins
    /// are to-many.
    fn checks(&mut self, query: &Query) -> Vec<TokenStream> {
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

    /// Binds `name` to `value`.
    fn bind(&mut self, name: &Ident, value: TokenStream) {
        self.lets.push(Stmt::Let(name.clone(), value));
    }

    /// A rule rustc checks: a trait of this query alone, implemented only
    /// for "no", whose message is the rule's, required of `flag`, which
    /// says whether the rule's relations are to-many.
    fn rule(&mut self, rule: &Rule<'_>, flag: TokenStream) -> TokenStream {
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
            impl #name for #fl_at::Flag<#fl_at::False> {}
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
    fn same_path_checks(
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

    fn cond(&mut self, cond: &Cond, scope: Scope<'_>) -> TokenStream {
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
                for value in [&expr, &pattern] {
                    match (&value.witness, value.literal) {
                        (Some(typed), _) => self.typed_check(value.span, quote!(text), &[], typed),
                        (None, Some(_)) => self.cx.error(
                            value.span,
                            "`like` matches text: write the pattern as a string, such as `\"5%\"`",
                        ),
                        (None, None) => {}
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
                match (&value.witness, value.literal) {
                    (Some(typed), _) => self.typed_check(value.span, quote!(truth), &[], typed),
                    (None, Some(LitKind::Bool) | None) => {}
                    (None, Some(_)) => self.cx.error(
                        value.span,
                        "a condition is a boolean: compare this number, such as `x = 1`",
                    ),
                }
                let plan = value.plan;
                quote!(#fl::Cond::Truth(#plan))
            }
        }
    }

    /// An operand of a condition. A parameter (or a string literal, which
    /// is bound as one too) reserves its argument slot in written order.
    fn value(&mut self, expr: &Expr, scope: Scope<'_>) -> Value {
        let (plan, witness) = match expr {
            Expr::Path(path) => self.column(path, scope, false),
            Expr::Agg(agg) => self.agg(agg, scope),
            Expr::Param(param) => return self.param(quote!(#param), param_span(param)),
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
    fn meet(&mut self, a: &Value, b: &Value) {
        let fl = self.fl;
        self.settle(a, b.typed(fl).as_ref());
        self.settle(b, a.typed(fl).as_ref());
        self.check_types(a, b);
    }

    /// The type checks of [`Self::meet`], without fitting parameters.
    fn check_types(&mut self, a: &Value, b: &Value) {
        match (&a.witness, &b.witness, a.literal, b.literal) {
            (Some(first), Some(typed), ..) => {
                let first = first.clone();
                self.typed_check(b.span, quote!(same_type), &[first], typed);
            }
            (Some(typed), None, _, Some(kind)) => self.literal_check(kind, b.span, typed),
            (None, Some(typed), Some(kind), _) => self.literal_check(kind, a.span, typed),
            (None, None, Some(x), Some(y)) if (x == LitKind::Bool) != (y == LitKind::Bool) => {
                self.cx.error(
                    b.span,
                    "a boolean and a number cannot meet: compare values of one type",
                );
            }
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
    fn typed_check(
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

    fn param(&mut self, value: TokenStream, span: Span) -> Value {
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
    fn settle(&mut self, value: &Value, partner: Option<&TokenStream>) {
        let fl = self.fl;
        if let (Some((slot, arg, span)), Some(partner)) = (&value.slot, partner) {
            let span = *span;
            let (fla, witness) = (fl.at(span), located_tokens(partner, span));
            self.args[*slot] = quote_spanned!(span=> #fla::fit(&#witness, #arg));
        }
    }

    fn literal(&mut self, lit: &Lit) -> TokenStream {
        let fl = &self.fl;
        match lit {
            Lit::Int { lit, negative } => {
                let digits = format!(
                    "{}{}",
                    if *negative { "-" } else { "" },
                    lit.base10_digits()
                );
                match digits.parse::<i64>() {
                    Ok(value) => quote!(#fl::Expr::Int(#value)),
                    Err(_) => {
                        self.cx
                            .error(lit.span(), "integer literal out of the range of `i64`");
                        quote!(#fl::Expr::Int(0))
                    }
                }
            }
            Lit::Float { lit, negative } => {
                let digits = format!(
                    "{}{}",
                    if *negative { "-" } else { "" },
                    lit.base10_digits()
                );
                match digits.parse::<f64>() {
                    Ok(value) if value.is_finite() => quote!(#fl::Expr::Float(#value)),
                    _ => {
                        self.cx
                            .error(lit.span(), "float literal out of the range of `f64`");
                        quote!(#fl::Expr::Float(0.0))
                    }
                }
            }
            Lit::Bool(lit) => {
                let value = lit.value;
                quote!(#fl::Expr::Bool(#value))
            }
            Lit::Str(lit) => self.param(quote!(#lit), lit.span()).plan,
        }
    }

    /// `limit` or `offset`: an integer literal or an `i64` parameter.
    fn count_value(&mut self, value: &Expr) -> TokenStream {
        let fl = self.fl;
        match value {
            Expr::Param(param) => {
                let span = param_span(param);
                let value = self.param(quote!(#param), span);
                let fla = fl.at(span);
                if let Some((slot, arg, span)) = value.slot {
                    self.args[slot] = quote_spanned!(span=> #fla::row_count(#arg));
                }
                value.plan
            }
            Expr::Lit(lit) => self.literal(lit),
            // Rejected by the checks.
            Expr::Path(_) | Expr::Agg(_) => quote!(#fl::Expr::Int(0)),
        }
    }
}

/// The parameters as tuples of at most 16, nested as little as that
/// allows: rustc's limits on type depth then never bind.
fn args_tree(mut nodes: Vec<TokenStream>) -> TokenStream {
    const WIDTH: usize = 16;
    while nodes.len() > WIDTH {
        nodes = nodes
            .chunks(WIDTH)
            .map(|chunk| quote!((#(#chunk,)*)))
            .collect();
    }
    quote!((#(#nodes,)*))
}

/// Whether the operands of a comparison may be `NULL`, as a constant
/// expression: a column whose type (through its path) is an `Option`, or a
/// parameter that meets no column, whose type is its own. Literals never
/// are.
fn nullable<'v>(values: impl IntoIterator<Item = &'v Value>) -> TokenStream {
    let values: Vec<&Value> = values.into_iter().collect();
    let typed: Vec<&TokenStream> = values.iter().filter_map(|v| v.witness.as_ref()).collect();
    if typed.is_empty() {
        let params = values.iter().any(|v| v.slot.is_some());
        return quote!(#params);
    }
    quote!(false #(|| #typed.nullable())*)
}

/// `text` as a `diagnostic::on_unimplemented` string, where braces are
/// format placeholders.
fn escape(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

fn param_span(param: &syn::Expr) -> Span {
    syn::spanned::Spanned::span(param)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn expansion(tokens: TokenStream) -> String {
        let query: Query = syn::parse2(tokens).unwrap();
        let mut cx = Ctxt::default();
        let out = expand(&query, &mut cx).to_string();
        assert!(cx.finish().is_ok());
        out
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
