//! The query plan `query!` builds: what to select, filter and order, with
//! every path resolved to relation metadata. SQL is rendered from it by the
//! pure functions of [`crate::sql`].

use crate::model::{ModelMeta, RelationMeta};

/// One `query!`, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The model after `from`.
    pub root: &'static ModelMeta,
    /// The explicit joins, in written order; alias `i + 1` is the `i`th
    /// join's, alias 0 the root's.
    pub joins: Vec<Join>,
    /// The `select` list; `None` selects every column of the root model.
    pub select: Option<Vec<Item>>,
    /// The root `where`.
    pub filter: Option<Cond>,
    /// The `group by` keys.
    pub group: Vec<Expr>,
    /// The `having` condition.
    pub having: Option<Cond>,
    /// The `order by` keys.
    pub order: Vec<Order>,
    /// `limit`: an integer literal or a parameter.
    pub limit: Option<Expr>,
    /// `offset`: an integer literal or a parameter.
    pub offset: Option<Expr>,
    /// For the plan of a collection: the rows it belongs to. `limit` and
    /// `offset` then count the rows of each parent.
    pub parent: Option<Parent>,
    /// The collections each row holds, each loaded by a statement of its
    /// own, keyed on the rows' primary key, or carried inside this one
    /// (see [`crate::sql::carried`]).
    pub collections: Vec<Collection>,
}

impl Plan {
    /// `from root`: every column of every row.
    pub fn new(root: &'static ModelMeta) -> Self {
        Self {
            root,
            joins: Vec::new(),
            select: None,
            filter: None,
            group: Vec::new(),
            having: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            parent: None,
            collections: Vec::new(),
        }
    }
}

/// What a collection's rows belong to: the rows of `model` whose keys a
/// list argument holds, each with the rows its path reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct Parent {
    /// The model of the parent rows; its primary key is one column.
    pub model: &'static ModelMeta,
    /// The to-many path from the parent to the collection's model.
    pub hops: Vec<RelationMeta>,
    /// The list argument holding the parents' keys.
    pub keys: usize,
}

/// `path { items ... } as name`: a `Vec` of rows in each row.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// The field name.
    pub name: &'static str,
    /// The rows, over the path's last model, with [`Plan::parent`] set.
    pub plan: Plan,
    /// Whether every value of its rows, and of their collections, can be
    /// carried as JSON (see [`crate::sql::carried`]).
    pub json: bool,
}

/// `[left] join alias.path new_alias`.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The alias the path starts from.
    pub parent: usize,
    /// The relations followed; never empty.
    pub hops: Vec<RelationMeta>,
    /// `left join` rather than `join`.
    pub left: bool,
}

/// `expr as name`.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The value.
    pub expr: Expr,
    /// The output column name (the alias, or the column's own name).
    pub name: &'static str,
}

/// `expr [asc | desc]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    /// The key.
    pub expr: Expr,
    /// Whether `desc` was written.
    pub desc: bool,
    /// Whether the key can be `NULL`: every dialect then sorts `NULL` after
    /// all values in ascending order, as PostgreSQL does.
    pub nullable: bool,
}

/// A value in a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A column reached through zero or more relations.
    Column(ColumnPath),
    /// An aggregate over a relation path, computed apart from every other
    /// to-many path: a subquery, or a derived table joined on its key.
    Agg(Box<Agg>),
    /// An aggregate over the joined rows of an alias (explicit join form).
    Joined(Box<JoinedAgg>),
    /// A bound parameter: the index of its argument, in written order.
    Param(usize),
    /// An integer literal.
    Int(i64),
    /// A floating point literal.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A `select` item referred to by its name (in `order by`).
    Output(&'static str),
}

/// `[alias.]rel.rel.column`.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPath {
    /// The alias the path starts from: 0 for the scope's own model.
    pub alias: usize,
    /// The relations followed from the alias's model.
    pub hops: Vec<RelationMeta>,
    /// The column of the last model, unquoted.
    pub column: &'static str,
    /// Whether the column holds dates and times, which compare by the
    /// instant they mean.
    pub temporal: Temporal,
}

/// What a column holds, where a database that stores dates and times as
/// text in the forms programs write (SQLite: `T` or a space, fractions of
/// a second or none, `Z`, an offset or none) would compare them as text:
/// its values are compared, sorted and taken by `min` and `max` by the
/// instant they mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temporal {
    /// Any other value: compared as stored.
    Plain,
    /// A date and a time of day, with an offset or none.
    DateTime,
    /// A time of day.
    Time,
    /// A date and a time the column holds as a Unix time (an integer of
    /// seconds): compared as stored, against parameters read as Unix times.
    Unix,
}

impl ColumnPath {
    /// Whether the path goes through a to-many relation.
    pub fn is_many(&self) -> bool {
        self.hops.iter().any(|hop| hop.many)
    }
}

/// `func([distinct] path[.column] [where cond])`.
#[derive(Debug, Clone, PartialEq)]
pub struct Agg {
    /// The aggregate function.
    pub func: AggFn,
    /// Whether `distinct` was written.
    pub distinct: bool,
    /// The relations followed from the scope's model; never empty.
    pub hops: Vec<RelationMeta>,
    /// The aggregated column of the last model; `None` counts or tests rows.
    pub column: Option<&'static str>,
    /// What the column holds: `min` and `max` of dates and times take the
    /// least and greatest instant.
    pub temporal: Temporal,
    /// The filter, over the last model of the path.
    pub filter: Option<Cond>,
}

/// `func([distinct] alias.column)` over the rows the joins produced.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinedAgg {
    /// The aggregate function (`Exists`: whether there is any such row).
    pub func: AggFn,
    /// Whether `distinct` was written.
    pub distinct: bool,
    /// The alias whose column is aggregated.
    pub alias: usize,
    /// The column, unquoted; `None` counts or tests the alias's rows.
    pub column: Option<&'static str>,
    /// What the column holds, as [`Agg::temporal`].
    pub temporal: Temporal,
}

/// The kind of number `sum` and `avg` read, which fixes the SQL type of
/// their result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    /// An integer: summed as a 64-bit integer, averaged as a double.
    Integer,
    /// A floating point number: summed and averaged as a double.
    Float,
    /// A decimal: summed and averaged as a decimal.
    Decimal,
}

/// The aggregate functions, with what `sum` and `avg` need to decode as
/// promised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFn {
    /// `count`: `BIGINT`, 0 when empty.
    Count,
    /// `sum`: cast to the type of `number`, 0 when empty.
    Sum {
        /// What the summed column holds.
        number: Number,
    },
    /// `avg`: a double (a decimal of decimals), `NULL` when empty.
    Avg {
        /// What the average is: a [`Number::Float`], or a
        /// [`Number::Decimal`] of decimals.
        number: Number,
    },
    /// `min`: the column's type, `NULL` when empty.
    Min,
    /// `max`: the column's type, `NULL` when empty.
    Max,
    /// `exists`: boolean.
    Exists,
}

/// A condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `left op right`.
    Cmp {
        /// The left operand.
        left: Expr,
        /// The comparison.
        op: CmpOp,
        /// The right operand.
        right: Expr,
        /// Whether either operand can be `NULL`: `=` and `!=` then compare
        /// as Rust's `Option` does (`NULL = NULL` holds).
        nullable: bool,
    },
    /// `a is [not] null`.
    Null {
        /// The tested value.
        expr: Expr,
        /// `is not null`.
        negated: bool,
    },
    /// `a [not] in (b, c)`.
    In {
        /// The tested value.
        expr: Expr,
        /// The candidates.
        list: Vec<Expr>,
        /// `not in`.
        negated: bool,
        /// Whether a value or a candidate can be `NULL`: each candidate is
        /// then compared as `=` compares nullable operands.
        nullable: bool,
    },
    /// `a [not] in {list}`: a parameter holding a list, bound as one
    /// array on PostgreSQL and as one placeholder per element elsewhere;
    /// an empty list holds for no value.
    InList {
        /// The tested value.
        expr: Expr,
        /// The list's argument.
        param: usize,
        /// `not in`.
        negated: bool,
        /// Whether the value can be `NULL`: it is then in no list.
        nullable: bool,
    },
    /// `a [not] like b`.
    Like {
        /// The tested value.
        expr: Expr,
        /// The pattern.
        pattern: Expr,
        /// `not like`.
        negated: bool,
    },
    /// `not c`.
    Not(Box<Cond>),
    /// `a and b and ...`: at least two conditions, none an `And`.
    And(Vec<Cond>),
    /// `a or b or ...`: at least two conditions, none an `Or`.
    Or(Vec<Cond>),
    /// A boolean value used as a condition: a boolean column or `exists(...)`.
    Truth(Expr),
}

/// The comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The SQL spelling, the same in every dialect.
    pub fn sql(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "<>",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}
