//! Tables from models: `CREATE TABLE` and foreign-key indexes per dialect,
//! and a check of a live database for foreign keys without an index.
//!
//! Every aggregate over a relation path joins on a foreign key; fanless
//! assumes each such key is indexed unless its `belongs_to` says
//! `indexed = false`. The DDL creates those indexes, and
//! [`missing_indexes`] reports any a database lacks.

use std::fmt;

use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};

use crate::exec::Dialect;
use crate::model::{Model, ModelMeta};
use crate::sql::{self, DialectKind};

/// A foreign key held by a `belongs_to` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    /// The relation's name.
    pub relation: &'static str,
    /// The foreign key column, unquoted.
    pub column: &'static str,
    /// The model the key points to.
    pub target: &'static ModelMeta,
    /// Whether the model says the column is indexed (`indexed = false`
    /// says it is not).
    pub indexed: bool,
    /// Whether no two rows hold one key (`unique`): its index is unique.
    pub unique: bool,
}

/// A column's SQL type in database `DB`, for [`Model::create_table`].
///
/// Text compares and sorts by the column's collation. On PostgreSQL the
/// text columns `create_table` makes use the `"C"` collation, which orders
/// by code point as SQLite does and as Rust's `str` does; MySQL's default
/// collations ignore case and trailing spaces (a binary collation such as
/// `utf8mb4_bin` does not, but sqlx cannot decode its values as `String`:
/// sqlx issue 3387).
///
/// Implemented for the primitive types sqlx maps, and `Option<T>` (a
/// nullable column). Implement it for a custom column type to create tables
/// holding it.
pub trait SqlType<DB> {
    /// The type, as written in `CREATE TABLE`.
    const SQL: &'static str;
    /// Whether the column accepts `NULL`.
    const NULLABLE: bool = false;
}

impl<DB, T: SqlType<DB>> SqlType<DB> for Option<T> {
    const SQL: &'static str = T::SQL;
    const NULLABLE: bool = true;
}

macro_rules! sql_types {
    ($feature:literal, $db:ty, $($t:ty => $sql:literal),* $(,)?) => {
        $(
            #[cfg(feature = $feature)]
            impl SqlType<$db> for $t {
                const SQL: &'static str = $sql;
            }
        )*
    };
}

sql_types!("postgres", sqlx::Postgres,
    bool => "BOOLEAN", i16 => "SMALLINT", i32 => "INTEGER", i64 => "BIGINT",
    f32 => "REAL", f64 => "DOUBLE PRECISION", String => "TEXT COLLATE \"C\"", Vec<u8> => "BYTEA",
);
sql_types!("sqlite", sqlx::Sqlite,
    bool => "BOOLEAN", i16 => "INTEGER", i32 => "INTEGER", i64 => "INTEGER",
    f32 => "REAL", f64 => "REAL", String => "TEXT", Vec<u8> => "BLOB",
);
sql_types!("mysql", sqlx::MySql,
    bool => "BOOLEAN", i16 => "SMALLINT", i32 => "INT", i64 => "BIGINT",
    f32 => "FLOAT", f64 => "DOUBLE", String => "VARCHAR(255)", Vec<u8> => "BLOB",
);

/// A column as `CREATE TABLE` writes it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    pub name: &'static str,
    pub sql: &'static str,
    pub nullable: bool,
}

/// The column types of a model in database `DB`; `#[derive(Model)]`
/// implements it wherever every field type has an [`SqlType`].
#[doc(hidden)]
pub trait Table<DB>: Model {
    fn columns() -> Vec<ColumnDef>;
}

/// `CREATE TABLE` and `CREATE INDEX` statements for `M` in `DB`.
pub(crate) fn create_table<M: Table<DB>, DB: Dialect>() -> Vec<String> {
    sql::create_table(M::META, &M::columns(), M::FOREIGN_KEYS, DB::KIND)
}

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

impl DialectKind {
    /// Whether a `FOREIGN KEY` constraint indexes its column by itself.
    pub(crate) fn indexes_foreign_keys(self) -> bool {
        self == Self::MySql
    }
}
