//! A check of a live database for foreign keys without an index.
//!
//! Every aggregate over a relation path joins on a foreign key; fanless
//! assumes each such key is indexed unless its `belongs_to` says
//! `indexed = false`. The DDL creates those indexes, and
//! [`missing_indexes`] reports any a database lacks.

use std::fmt;

use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};

use crate::exec::Dialect;
use crate::model::{ForeignKey, Model};
use crate::sql;

/// A foreign key a database has no index for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingIndex {
    /// The table holding the key.
    pub table: &'static str,
    /// The key column.
    pub column: &'static str,
    /// The relation that joins on it.
    pub relation: &'static str,
    /// Whether the missing index is the unique one of a `unique` key.
    pub unique: bool,
    /// The statement that creates the index.
    pub create: String,
}

impl fmt::Display for MissingIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.unique {
            return write!(
                f,
                "`{}.{}` has no unique index, but relation `{}` is declared `unique` for a \
                 `has_one`: without it, nothing keeps two rows from holding one key; create it: {}",
                self.table, self.column, self.relation, self.create
            );
        }
        write!(
            f,
            "`{}.{}` has no index, but relation `{}` and its inverse join on it, \
             so every aggregate over them scans the table; create it: {}",
            self.table, self.column, self.relation, self.create
        )
    }
}

/// The foreign keys of `M` that should be indexed and are not, in the
/// database `executor` reaches.
///
/// ```no_run
/// # use fanless::Model;
/// # #[derive(Model)] struct Store { #[model(primary_key)] id: i64 }
/// # #[derive(Model)] struct Product { #[model(primary_key)] id: i64, #[model(belongs_to(Store))] store_id: i64 }
/// # async fn check(pool: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
/// for missing in fanless::missing_indexes::<Product, _, _>(pool).await? {
///     eprintln!("{missing}");
/// }
/// # Ok(())
/// # }
/// ```
pub async fn missing_indexes<'c, M, E, DB>(executor: E) -> Result<Vec<MissingIndex>, sqlx::Error>
where
    M: Model,
    E: Executor<'c, Database = DB>,
    DB: Dialect,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    let indexed: Vec<(String, bool)> = sqlx::query_as(sql::leading_index_columns(DB::KIND))
        .bind(M::META.table)
        .fetch_all(executor)
        .await?;
    // A unique key needs a unique index on it alone; another key, any
    // index it leads.
    let has_index = |key: &ForeignKey| {
        indexed
            .iter()
            .any(|(column, unique)| column == key.column && (*unique || !key.unique))
    };
    Ok(M::FOREIGN_KEYS
        .iter()
        .filter(|key| (key.indexed || key.unique) && !has_index(key))
        .map(|key| MissingIndex {
            table: M::META.table,
            column: key.column,
            relation: key.relation,
            unique: key.unique,
            create: sql::create_index(M::META, key, DB::KIND),
        })
        .collect())
}
