//! A parsed `query!`, every name still the user's token.

use proc_macro2::Span;
use syn::{Ident, LitBool, LitFloat, LitInt, LitStr};

pub struct Query {
    /// `query_as!(Type, ...)`: the type rows are built as.
    pub as_type: Option<syn::Path>,
    /// The model after `from`.
    pub from: syn::Path,
    /// `from Model alias`: the query is in the explicit join form.
    pub alias: Option<Ident>,
    pub joins: Vec<Join>,
    pub select: Option<Vec<Item>>,
    pub filter: Option<Cond>,
    pub group: Vec<Expr>,
    pub having: Option<Cond>,
    pub order: Vec<Order>,
    pub limit: Option<Expr>,
    pub offset: Option<Expr>,
    /// The collections of `select`, in written order.
    pub collections: Vec<Collection>,
}

/// `path { items [where ...] [order by ...] [limit n] [offset n] } as name`
/// in a `select`: a `Vec` of rows of the path's last model in each row.
pub struct Collection {
    /// The to-many path from the query's model.
    pub path: Path,
    /// The braces, for messages about the collection as a whole.
    pub brace: Span,
    /// The rows: items, `where`, `order by`, `limit` and `offset`, over the
    /// path's last model (`from` is the path's last segment, for messages).
    pub query: Query,
    /// The field name: the alias, or the path's last segment.
    pub name: Ident,
    /// `as name: Type`, the type `query_as!` builds each row as.
    pub row_type: Option<syn::Path>,
    /// How many `select` items come before it.
    pub position: usize,
}

impl Query {
    /// Whether paths start with aliases: `from Model alias [join ...]`.
    pub fn is_join_form(&self) -> bool {
        self.alias.is_some() || !self.joins.is_empty()
    }

    /// For a column `alias.column` that is not grouped, while `group by`
    /// holds one column of that alias alone: that column. Grouped by its
    /// model's primary key (which rustc checks), each group is one row of
    /// the alias, so the column has one value per group.
    pub fn key_grouped(&self, path: &Path) -> Option<&Path> {
        let [alias, _] = path.segments.as_slice() else {
            return None;
        };
        let mut of_alias = self.group.iter().filter_map(|expr| match expr {
            Expr::Path(grouped) if grouped.segments.first() == Some(alias) => Some(grouped),
            _ => None,
        });
        match (of_alias.next(), of_alias.next()) {
            (Some(key), None) if key.segments.len() == 2 && key.segments != path.segments => {
                Some(key)
            }
            _ => None,
        }
    }
}

/// `[left] join alias.relation... new_alias`.
pub struct Join {
    pub left: bool,
    /// The `join` keyword, for messages about the join as a whole.
    pub keyword: Span,
    /// The alias joined from, then the relations followed.
    pub path: Path,
    pub alias: Ident,
}

pub struct Item {
    pub expr: Expr,
    pub alias: Option<Ident>,
}

impl Item {
    /// The output name: the alias, or the last segment of a column path.
    pub fn name(&self) -> Option<&Ident> {
        match (&self.alias, &self.expr) {
            (Some(alias), _) => Some(alias),
            (None, Expr::Path(path)) => path.segments.last(),
            (None, _) => None,
        }
    }
}

pub struct Order {
    pub expr: Expr,
    pub desc: bool,
}

pub enum Expr {
    /// `a.b.c`: relations, then a column (or, in `count`, a relation).
    Path(Path),
    Agg(Box<Agg>),
    /// `{ rust expression }`.
    Param(Box<syn::Expr>),
    /// `{?rust expression}` of an `Option`: an optional filter, whose
    /// comparison is dropped when it is `None`.
    Optional(Box<syn::Expr>),
    Lit(Lit),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Self::Path(path) => path.span(),
            Self::Agg(agg) => agg.name.span(),
            Self::Param(expr) | Self::Optional(expr) => syn::spanned::Spanned::span(&**expr),
            Self::Lit(lit) => lit.span(),
        }
    }
}

#[derive(Clone)]
pub struct Path {
    pub segments: Vec<Ident>,
}

impl Path {
    pub fn span(&self) -> Span {
        let first = self.segments[0].span();
        let last = self.segments[self.segments.len() - 1].span();
        first.join(last).unwrap_or(first)
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{segment}")?;
        }
        Ok(())
    }
}

pub struct Agg {
    pub func: AggFn,
    /// The function name as written, for spans.
    pub name: Ident,
    pub distinct: Option<Span>,
    /// The path aggregated over; empty for `count(*)`.
    pub path: Path,
    /// The `*` of `count(*)`.
    pub star: Option<Span>,
    pub filter: Option<Cond>,
}

impl Agg {
    /// Whether the aggregate reads every row of the root model rather than
    /// a path from each: `count(*)`, or `sum`, `avg`, `min` or `max` of a
    /// root column (in the path form; the join form starts paths with an
    /// alias).
    pub fn is_whole_table(&self) -> bool {
        self.star.is_some()
            || (matches!(self.func, AggFn::Sum | AggFn::Avg | AggFn::Min | AggFn::Max)
                && self.path.segments.len() == 1)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AggFn {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Exists,
}

impl AggFn {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "count" => Self::Count,
            "sum" => Self::Sum,
            "avg" => Self::Avg,
            "min" => Self::Min,
            "max" => Self::Max,
            "exists" => Self::Exists,
            _ => return None,
        })
    }
}

pub enum Lit {
    /// `value` is what `-`, if `negative`, and `lit` spell.
    Int {
        lit: LitInt,
        negative: bool,
        value: i64,
    },
    Float {
        lit: LitFloat,
        negative: bool,
        value: f64,
    },
    Str(LitStr),
    Bool(LitBool),
}

impl Lit {
    pub fn span(&self) -> Span {
        match self {
            Self::Int { lit, .. } => lit.span(),
            Self::Float { lit, .. } => lit.span(),
            Self::Str(lit) => lit.span(),
            Self::Bool(lit) => lit.span,
        }
    }
}

pub enum Cond {
    Cmp(Expr, CmpOp, Expr),
    Null {
        expr: Expr,
        negated: bool,
    },
    In {
        expr: Expr,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `expr [not] in {list}`: one parameter holding the candidates;
    /// `{?list}`, an optional filter.
    InList {
        expr: Expr,
        list: Box<syn::Expr>,
        optional: bool,
        negated: bool,
    },
    Like {
        expr: Expr,
        pattern: Expr,
        negated: bool,
    },
    Not(Box<Cond>),
    /// At least two conditions, none an `And`.
    And(Vec<Cond>),
    /// At least two conditions, none an `Or`.
    Or(Vec<Cond>),
    /// A boolean column or `exists(...)`.
    Truth(Expr),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl std::fmt::Display for CmpOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        })
    }
}

/// Writes queries back as a user would, for messages: paths that start
/// with `strip` (relation segments) are written without it.
pub struct Text<'a> {
    pub strip: &'a [String],
}

impl Text<'_> {
    pub fn path(&self, path: &Path) -> String {
        let segments: Vec<String> = path.segments.iter().map(ToString::to_string).collect();
        let rest = match segments.strip_prefix(self.strip) {
            Some(rest) if !self.strip.is_empty() && !rest.is_empty() => rest,
            _ => &segments,
        };
        rest.join(".")
    }

    pub fn expr(&self, expr: &Expr) -> String {
        match expr {
            Expr::Path(path) => self.path(path),
            Expr::Agg(agg) => {
                let distinct = if agg.distinct.is_some() {
                    "distinct "
                } else {
                    ""
                };
                // An aggregate's own paths start where its path ends.
                let inner = Text { strip: &[] };
                let filter = agg
                    .filter
                    .as_ref()
                    .map(|cond| format!(" where {}", inner.cond(cond)))
                    .unwrap_or_default();
                let argument = match agg.star {
                    Some(_) => "*".to_owned(),
                    None => self.path(&agg.path),
                };
                format!("{}({distinct}{argument}{filter})", agg.name)
            }
            Expr::Param(param) => format!("{{{}}}", quote::quote!(#param)),
            Expr::Optional(param) => format!("{{?{}}}", quote::quote!(#param)),
            Expr::Lit(lit) => match lit {
                Lit::Int { lit, negative, .. } => {
                    format!("{}{lit}", if *negative { "-" } else { "" })
                }
                Lit::Float { lit, negative, .. } => {
                    format!("{}{lit}", if *negative { "-" } else { "" })
                }
                Lit::Str(lit) => format!("{:?}", lit.value()),
                Lit::Bool(lit) => lit.value.to_string(),
            },
        }
    }

    pub fn cond(&self, cond: &Cond) -> String {
        let not = |negated: bool| if negated { "not " } else { "" };
        match cond {
            Cond::Cmp(a, op, b) => format!("{} {op} {}", self.expr(a), self.expr(b)),
            Cond::Null { expr, negated } => {
                format!("{} is {}null", self.expr(expr), not(*negated))
            }
            Cond::InList {
                expr,
                list,
                optional,
                negated,
            } => format!(
                "{} {}in {{{}{}}}",
                self.expr(expr),
                not(*negated),
                if *optional { "?" } else { "" },
                quote::quote!(#list)
            ),
            Cond::In {
                expr,
                list,
                negated,
            } => {
                let list: Vec<String> = list.iter().map(|e| self.expr(e)).collect();
                format!(
                    "{} {}in ({})",
                    self.expr(expr),
                    not(*negated),
                    list.join(", ")
                )
            }
            Cond::Like {
                expr,
                pattern,
                negated,
            } => format!(
                "{} {}like {}",
                self.expr(expr),
                not(*negated),
                self.expr(pattern)
            ),
            Cond::Not(inner) => format!("not {}", self.nested(inner)),
            Cond::And(conds) => self.list(conds, " and "),
            Cond::Or(conds) => self.list(conds, " or "),
            Cond::Truth(expr) => self.expr(expr),
        }
    }

    fn list(&self, conds: &[Cond], joiner: &str) -> String {
        let conds: Vec<String> = conds.iter().map(|c| self.nested(c)).collect();
        conds.join(joiner)
    }

    /// A condition inside another, in parentheses when it is a list.
    fn nested(&self, cond: &Cond) -> String {
        match cond {
            Cond::And(_) | Cond::Or(_) => format!("({})", self.cond(cond)),
            _ => self.cond(cond),
        }
    }
}
