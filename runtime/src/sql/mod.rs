//! Rendering a [`Plan`] to SQL text: one shared walk, and per dialect the
//! syntax that differs (quoting, placeholders, casts, `NULL` ordering).
//!
//! Each to-many aggregate is computed apart from every other to-many path,
//! in the shape [`strategy`] picks: a correlated subquery, or a derived
//! table or `LATERAL` subquery that joins its whole path inside, so no two
//! to-many paths ever share a join. A condition over a to-many path becomes
//! `EXISTS`, so filtering never repeats root rows. To-one paths become
//! `LEFT JOIN`s of the scope they are read in.

mod aggregate;
mod condition;
mod ddl;
mod mysql;
mod postgres;
mod prune;
mod query;
mod sqlite;
mod strategy;
mod temporal;

pub use ddl::{
    create_index, create_table, leading_index_columns, primary_key_columns, quote_ident, ColumnDef,
};
pub use strategy::Strategy;

use std::fmt::Write;

use crate::model::{ModelMeta, RelationMeta};
use crate::plan::{Agg, Collection, Number, Plan, Temporal};

/// The SQL dialects fanless renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectKind {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
    /// MySQL and MariaDB.
    MySql,
}

impl DialectKind {
    /// Whether a `FOREIGN KEY` constraint indexes its column by itself.
    pub(crate) fn indexes_foreign_keys(self) -> bool {
        self == Self::MySql
    }

    /// Every dialect, in the order of the per-site cache.
    pub const ALL: [Self; 3] = [Self::Postgres, Self::Sqlite, Self::MySql];

    fn syntax(self) -> &'static dyn Syntax {
        match self {
            Self::Postgres => &postgres::Postgres,
            Self::Sqlite => &sqlite::Sqlite,
            Self::MySql => &mysql::MySql,
        }
    }
}

/// What differs between dialects.
trait Syntax {
    /// Writes an identifier, quoted.
    fn quote(&self, out: &mut String, ident: &str);
    /// Writes the placeholder of argument `index` (from 0).
    fn placeholder(&self, out: &mut String, index: usize);
    /// Whether placeholders name their argument (`$1`) rather than take the
    /// next one (`?`).
    fn numbered(&self) -> bool {
        false
    }
    /// The type a sum of `number`s is cast to, so that the row decodes a
    /// 64-bit integer or a double; `None` for a decimal, left as the
    /// database sums it.
    fn number_type(&self, number: Number) -> Option<&'static str>;
    /// Writes a sum (`NULL` when empty) as 0 when empty, in the type the
    /// row decodes.
    fn sum_value(&self, out: &mut String, sum: &str, number: Number) {
        cast_sum(self.number_type(number), out, sum);
    }
    /// Writes an average, `NULL` when empty, as a double (a decimal of
    /// decimals).
    fn avg_value(&self, out: &mut String, avg: &str, number: Number) {
        match (number, self.number_type(Number::Float)) {
            (Number::Decimal, _) | (_, None) => out.push_str(avg),
            (_, Some(ty)) => {
                let _ = write!(out, "CAST({avg} AS {ty})");
            }
        }
    }
    /// Writes whether `value` is an element of list argument `param`,
    /// written in `form` where the dialect takes no array.
    fn list_member(&self, out: &mut String, value: &str, param: usize, form: ListForm);
    /// Writes the average of `operand` (of its distinct values where
    /// `distinct`), `NULL` over no value, in the same type in every shape.
    fn avg(&self, out: &mut String, distinct: bool, operand: &str, _: Number) {
        let distinct = if distinct { "DISTINCT " } else { "" };
        let _ = write!(out, "AVG({distinct}{operand})");
    }
    /// Writes `a = b` (or `a != b` when `negated`) where either may be
    /// `NULL`, comparing as Rust's `Option` does: `NULL` equals `NULL` and
    /// differs from every value. A plain `a = b` must still be able to use
    /// an index on `a`.
    fn null_safe_eq(&self, out: &mut String, a: &str, b: &str, negated: bool);
    /// Writes `value LIKE pattern` where `%` matches any string, `_` any
    /// one character, `\` makes the next character literal, and letters
    /// match their case only.
    fn like(&self, out: &mut String, value: &str, pattern: &str);
    /// Writes an `order by` key that sorts `NULL` last ascending and first
    /// descending. `key` is the key as rendered, and `value` the same value
    /// where `key` is the name of a select item, which a database that
    /// tests `NULL`s apart may need to read instead (see
    /// [`Syntax::names_in_expressions`]).
    fn nullable_order(&self, out: &mut String, key: &str, value: &str, desc: bool);
    /// Whether the database stores dates and times as text, in whichever
    /// form wrote them: [`Syntax::instant`] then reads them.
    fn dates_as_text(&self) -> bool {
        false
    }
    /// Writes `value`, a date or time of kind `temporal`, so that values
    /// compare by the instant they mean; a database that stores them typed
    /// writes it as it is.
    fn instant(&self, out: &mut String, value: &str, _: Temporal) {
        out.push_str(value);
    }
    /// Whether the name of a select item means that item inside an
    /// expression of `ORDER BY`. MySQL reads it as a column of the same
    /// name first, and refuses it where the item is an aggregate (1247,
    /// "reference to group function").
    fn names_in_expressions(&self) -> bool {
        true
    }
    /// The `LIMIT` that means none, for an `OFFSET` without `limit`.
    fn no_limit(&self) -> &'static str;
    /// How a table is restricted to the keys a query selected first: by
    /// `IN (SELECT ...)` rather than by a join.
    fn restricts_by_in(&self) -> bool {
        false
    }
    /// What follows `WITH name AS` so that the planner may push conditions
    /// into the common table expression.
    fn inline_cte(&self) -> &'static str {
        ""
    }
    /// What comes before a statement that joins derived tables.
    fn derived_prefix(&self) -> &'static str {
        ""
    }

    /// A value that tells rows apart by `key` (the columns of their
    /// primary key) in `COUNT(DISTINCT ...)`; `NULL` where `filter` does
    /// not hold.
    fn distinct_key(&self, out: &mut String, key: &[String], filter: Option<&str>) {
        let (value, present) = match key {
            [column] => (column.clone(), None),
            // A row of `NULL`s is no `NULL` to `COUNT`: where a left join
            // found no row, the key's first column (never `NULL` in a row)
            // says so.
            _ => (
                self.row_value(key),
                key.first().map(|first| format!("{first} IS NOT NULL")),
            ),
        };
        let condition: Vec<&str> = present.as_deref().into_iter().chain(filter).collect();
        if condition.is_empty() {
            out.push_str(&value);
        } else {
            let _ = write!(
                out,
                "CASE WHEN {} THEN {value} END",
                condition.join(" AND ")
            );
        }
    }

    /// Several columns as one value that compares equal exactly when each
    /// column does.
    fn row_value(&self, columns: &[String]) -> String;
}

/// Writes `sum` as 0 when empty, cast to `ty` where there is one.
fn cast_sum(ty: Option<&str>, out: &mut String, sum: &str) {
    match ty {
        Some(ty) => {
            let _ = write!(out, "CAST(COALESCE({sum}, 0) AS {ty})");
        }
        None => {
            let _ = write!(out, "COALESCE({sum}, 0)");
        }
    }
}

/// A query's SQL, and the order in which to bind its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The SQL text.
    pub sql: String,
    /// Argument indexes, in the order the placeholders take them.
    pub order: Vec<usize>,
}

/// Renders `plan` for `dialect`, in the shapes the planner chooses.
pub fn render(plan: &Plan, dialect: DialectKind) -> Rendered {
    render_with(plan, dialect, Strategy::Planner)
}

/// Renders `plan` for `dialect` with every aggregate over a path in the
/// shape `strategy` says: the differential tests force each in turn.
pub fn render_with(plan: &Plan, dialect: DialectKind, strategy: Strategy) -> Rendered {
    render_shaped(plan, dialect, strategy, &Shape::default())
}

/// Renders `plan` for `dialect` and the arguments' `shape`.
pub fn render_shaped(
    plan: &Plan,
    dialect: DialectKind,
    strategy: Strategy,
    shape: &Shape,
) -> Rendered {
    let pruned;
    let plan = if shape.absent.is_empty() {
        plan
    } else {
        pruned = prune::prune(plan, &shape.absent);
        &pruned
    };
    // The arguments of a query with collections are shared by its
    // statements, so each numbers the ones it reads.
    let nested = plan.parent.is_some() || !plan.collections.is_empty();
    let bound = (nested || !shape.absent.is_empty()).then(|| prune::params(plan));
    let syntax = dialect.syntax();
    let mut renderer = Renderer {
        dialect,
        syntax,
        shape,
        bound,
        params: Vec::new(),
        aliases: 0,
        derived: Vec::new(),
        explicit: Vec::new(),
    };
    let mut sql = renderer.query(plan, strategy);
    if !renderer.derived.is_empty() {
        sql.insert_str(0, syntax.derived_prefix());
    }
    let mut order = renderer.params;
    if syntax.numbered() {
        // `$n` names its argument: bind them in written order.
        order.sort_unstable();
    }
    Rendered { sql, order }
}

/// What the SQL of a query depends on beside its plan: how each list
/// parameter is written, where a dialect takes no array.
#[doc(hidden)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Shape {
    /// `(argument, form)` of each list parameter.
    pub lists: Vec<(usize, ListForm)>,
    /// The optional parameters that are `None`: their conditions are
    /// dropped.
    pub absent: Vec<usize>,
}

/// The statements of `plan` on `dialect` for arguments of `shape`, in the
/// order they run: its rows', then each collection's that is not carried
/// inside its parents' (depth first). A collection's parents' keys are
/// written as for one parent: one placeholder, or PostgreSQL's array.
pub fn statements(plan: &Plan, dialect: DialectKind, shape: &Shape) -> Vec<String> {
    let mut out = vec![render_shaped(plan, dialect, Strategy::Planner, shape).sql];
    for collection in &plan.collections {
        if carried(collection, dialect) {
            continue;
        }
        let mut shape = shape.clone();
        if let (Some(parent), false) = (&collection.plan.parent, dialect == DialectKind::Postgres) {
            shape
                .lists
                .push((parent.keys, ListForm::Placeholders(length_class(1))));
        }
        out.extend(statements(&collection.plan, dialect, &shape));
    }
    out
}

/// How the statements of a query with collections read one snapshot:
/// what to run before the transaction begins, and how it begins. Read
/// only, repeatable read (SQLite's transactions read one snapshot as they
/// are).
pub fn snapshot(dialect: DialectKind) -> (Option<&'static str>, &'static str) {
    match dialect {
        DialectKind::Postgres => (None, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
        DialectKind::MySql => (
            Some("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
            "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
        ),
        DialectKind::Sqlite => (None, "BEGIN"),
    }
}

/// Whether `collection` comes inside its parent's statement on `dialect`,
/// as one JSON array of rows per parent, rather than from a statement of
/// its own: on SQLite, where each of its values (and its collections') is
/// an integer, a float, a boolean or text, which JSON carries exactly, and
/// its row fits in one `json_array` call. `examples/loading.rs` measures
/// one JSON statement 1.4× to 2× faster than a statement per level on
/// SQLite (in process, a statement costs about as much as the rows it
/// returns), and 1.4× to 3.5× slower on PostgreSQL and MariaDB.
pub fn carried(collection: &Collection, dialect: DialectKind) -> bool {
    // SQLite's default limit on a function's arguments.
    const MOST_ARGUMENTS: usize = 127;
    let plan = &collection.plan;
    let values = plan.select.as_ref().map_or(0, Vec::len) + plan.collections.len();
    dialect == DialectKind::Sqlite
        && collection.json
        && values <= MOST_ARGUMENTS
        && plan.collections.iter().all(|inner| carried(inner, dialect))
}

/// How SQLite and MySQL take a list: one placeholder per element, up to a
/// length class, or, for a long list of integers, one JSON array read as
/// rows (`json_each`, `JSON_TABLE`), which no placeholder limit bounds.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListForm {
    /// As many placeholders as the length class.
    Placeholders(usize),
    /// One JSON array of integers.
    Json,
}

/// Whether a list of `len` integers is bound as one JSON array on
/// `dialect`. `examples/lists.rs` measures the JSON array 1.1× to 1.5×
/// faster than the placeholders on MySQL from 1,000 elements, 1.1× slower
/// up to 100; on SQLite the two within a few percent at every length, so
/// there the JSON array takes only the lists past the placeholders' last
/// power-of-two class.
pub fn json_list(dialect: DialectKind, len: usize) -> bool {
    match dialect {
        DialectKind::Postgres => false,
        DialectKind::MySql => len >= 512,
        DialectKind::Sqlite => len > 16_384,
    }
}

/// Whether the `len` integer keys of a collection's parents are bound as
/// one JSON array on `dialect`: only past the most placeholders a
/// statement takes. `examples/loading.rs` measures the keys' placeholders
/// 2.4× faster than the JSON array on MariaDB at 12,000 keys (a secondary
/// index, rows in key order), where a plain list's JSON array is faster.
pub fn json_keys(dialect: DialectKind, len: usize) -> bool {
    match dialect {
        DialectKind::Postgres => false,
        DialectKind::MySql => len > 65_535,
        DialectKind::Sqlite => len > 32_766,
    }
}

/// `value IN (?, ?, ...)` with one placeholder per element of the length
/// class (a false condition for an empty list), or `value IN (rows)` of
/// the JSON array argument, `json_rows` writing the rows' query.
fn placeholders_or_json(
    syntax: &dyn Syntax,
    out: &mut String,
    (value, param, form): (&str, usize, ListForm),
    json_rows: fn(&mut String, &str),
) {
    match form {
        ListForm::Placeholders(0) => out.push_str("1 = 0"),
        ListForm::Placeholders(class) => {
            let _ = write!(out, "{value} IN (");
            for i in 0..class {
                if i > 0 {
                    out.push_str(", ");
                }
                syntax.placeholder(out, param);
            }
            out.push(')');
        }
        ListForm::Json => {
            let mut placeholder = String::new();
            syntax.placeholder(&mut placeholder, param);
            let _ = write!(out, "{value} IN (");
            json_rows(out, &placeholder);
            out.push(')');
        }
    }
}

impl Shape {
    /// Whether the SQL is the same for every argument.
    pub fn is_fixed(&self) -> bool {
        self.lists.is_empty() && self.absent.is_empty()
    }

    /// How list argument `param` is written.
    fn list_form(&self, param: usize) -> ListForm {
        self.lists
            .iter()
            .find(|(index, _)| *index == param)
            .map_or(ListForm::Placeholders(0), |&(_, form)| form)
    }
}

/// How many placeholders a list of `len` elements takes where each element
/// is one (the last element repeated up to it), so that a query site
/// renders, and a connection prepares, a few statements rather than one per
/// length: the next power of two up to 16,384; then 32,766, SQLite's most
/// placeholders; then the next multiple of 4,096, and no more than 65,535,
/// MySQL's most. (A longer list of other values than integers fails on
/// SQLite, or MySQL, as an `Err`.)
pub fn length_class(len: usize) -> usize {
    const STEP: usize = 4_096;
    match len {
        0 => 0,
        1..=16_384 => len.next_power_of_two(),
        16_385..=32_766 => 32_766,
        _ => len.div_ceil(STEP).saturating_mul(STEP).min(65_535).max(len),
    }
}

/// The state of one rendering: the parameters in the order the text uses
/// them, and the next table alias.
struct Renderer<'p> {
    dialect: DialectKind,
    syntax: &'static dyn Syntax,
    /// How the list parameters are written.
    shape: &'p Shape,
    /// The arguments the plan reads, where dropped conditions left some
    /// out: `$n` numbers them in this order.
    bound: Option<Vec<usize>>,
    params: Vec<usize>,
    aliases: usize,
    /// The aggregates computed in derived tables: each, its table's alias
    /// and its column.
    derived: Vec<(&'p Agg, String, usize)>,
    /// The model of each alias of the query: the root's, then each
    /// explicit join's.
    explicit: Vec<&'static ModelMeta>,
}

/// The common table expression of the root keys a query selects first.
const KEYS: &str = "fanless_keys";

/// The column of a collection's row that holds its parent's key.
const PARENT: &str = "fanless_parent";

/// The column of a row with collections that holds its own key.
const KEY: &str = "fanless_key";

/// The column of a row that holds the JSON of its `i`th collection, where
/// it is carried: `fanless_j{i}`.
const CARRIED: &str = "fanless_j";

/// The name of the `i`th item in the select list, in place of its own,
/// where a database would read its own as a column: `fanless_n{i}`.
const RENAMED: &str = "fanless_n";

/// The column that numbers a collection's rows in each parent.
const RANK: &str = "fanless_rank";

/// A relation path as one chain of inner joins from an outer alias.
struct Chain {
    /// `table AS alias INNER JOIN ...`
    from: String,
    /// How the chain's first table meets the outer alias.
    correlation: String,
    /// The first table's side of `correlation`: the key a derived table
    /// groups by.
    key: String,
    /// The alias of the last table.
    last: String,
    /// The column of the outer alias that `correlation` reads.
    outer: &'static str,
}

/// The tables a condition or value is read from (the root's alias, then
/// one per explicit join), and the to-one joins it needed so far, parents
/// before children.
struct Scope {
    aliases: Vec<String>,
    joins: Vec<ToOneJoin>,
}

/// `LEFT JOIN target AS alias` for the to-one path `hops` from the scope's
/// alias `from`.
struct ToOneJoin {
    from: usize,
    hops: Vec<&'static str>,
    rel: RelationMeta,
    alias: String,
}

impl Scope {
    fn new(alias: String) -> Self {
        Self {
            aliases: vec![alias],
            joins: Vec::new(),
        }
    }

    /// The alias that `hops` (a prefix of some path) reaches from `from`.
    fn alias_of(&self, from: usize, hops: &[&str]) -> &str {
        let base = self.aliases[from].as_str();
        if hops.is_empty() {
            return base;
        }
        self.joins
            .iter()
            .find(|join| join.from == from && join.hops == hops)
            .map_or(base, |join| &join.alias)
    }
}

/// Writes `ident` between `quote`s, doubling any `quote` inside. The derive
/// already rejects such names; quoting stays total all the same.
fn quote_with(out: &mut String, ident: &str, quote: char) {
    out.push(quote);
    for c in ident.chars() {
        if c == quote {
            out.push(quote);
        }
        out.push(c);
    }
    out.push(quote);
}

#[cfg(test)]
mod tests;
