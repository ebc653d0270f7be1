//! A check of models against a live database, from the user's tests.
//!
//! fanless needs no database to compile: a query that compiles is well
//! typed against the models. Whether the models describe the database is
//! checked here instead, where a database is at hand: every table and
//! column, the types each field reads, nullability both ways, primary keys
//! and foreign-key indexes, each mismatch in the model's terms. It only
//! reads, in a transaction it rolls back: `describe` of a `SELECT`, and
//! the catalogue.

use std::fmt;

use sqlx::{
    Column, ColumnIndex, Connection, Decode, Encode, Executor, IntoArguments, Type, TypeInfo,
};

use crate::exec::Dialect;
use crate::model::Model;
use crate::schema::{missing_indexes, MissingIndex};
use crate::source::Source;
use crate::sql::{self, DialectKind};

/// The column types of a model, as one database reads them:
/// `#[derive(Model)]` implements it wherever sqlx reads every field's type
/// from `DB`.
#[doc(hidden)]
pub trait Decodes<DB: sqlx::Database>: Model {
    /// Whether the type of the field of column `column` reads a value of
    /// `ty`.
    fn compatible(column: usize, ty: &DB::TypeInfo) -> bool;
    /// The field's type, as written.
    fn rust_type(column: usize) -> &'static str;
}

/// Where a model and the database it runs on disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// The model's table is not there (the database's message says why).
    Table {
        /// The model.
        model: &'static str,
        /// Its table.
        table: &'static str,
        /// What the database answered.
        error: String,
    },
    /// A column of the model is not in its table.
    Column {
        /// The model.
        model: &'static str,
        /// The column.
        column: &'static str,
    },
    /// The field's type cannot read the column's.
    Type {
        /// The model.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// The field's type.
        rust: &'static str,
        /// The column's type, as the database names it.
        database: String,
    },
    /// The column may hold `NULL` and the field is no `Option`, or the
    /// field is an `Option` of a column that never does.
    Nullability {
        /// The model.
        model: &'static str,
        /// The column.
        column: &'static str,
        /// Whether the database lets the column hold `NULL`.
        nullable: bool,
    },
    /// The table's primary key is not the model's.
    PrimaryKey {
        /// The model.
        model: &'static str,
        /// The columns the model marks `primary_key`.
        declared: Vec<&'static str>,
        /// The columns of the table's primary key.
        found: Vec<String>,
    },
    /// A foreign key without the index the model counts on.
    Index(MissingIndex),
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Table {
                model,
                table,
                error,
            } => write!(
                f,
                "`{model}`: table `{table}` cannot be read ({error}); create it, or name the table with `#[model(table = \"...\")]`"
            ),
            Self::Column { model, column } => write!(
                f,
                "`{model}.{column}`: no such column in the table; add it, or map the field with `#[model(column = \"...\")]`"
            ),
            Self::Type {
                model,
                column,
                rust,
                database,
            } => write!(
                f,
                "`{model}.{column}`: a `{rust}` cannot read the column's `{database}`; give the field a type that reads it"
            ),
            Self::Nullability {
                model,
                column,
                nullable: true,
            } => write!(
                f,
                "`{model}.{column}`: the column may hold NULL, and the field is no `Option`; write it `Option<...>`, or make the column NOT NULL"
            ),
            Self::Nullability {
                model,
                column,
                nullable: false,
            } => write!(
                f,
                "`{model}.{column}`: the column never holds NULL, and the field is an `Option`; drop the `Option`, or let the column hold NULL"
            ),
            Self::PrimaryKey {
                model,
                declared,
                found,
            } => write!(
                f,
                "`{model}`: the model's primary key is ({}), the table's is ({}); mark the table's key columns `#[model(primary_key)]`",
                declared.join(", "),
                found.join(", ")
            ),
            Self::Index(missing) => write!(f, "{missing}"),
        }
    }
}

/// Every mismatch between model `M` and the database `source` reaches (a
/// pool, `&mut *conn` or `&mut *tx`): its table, each column's presence,
/// type and nullability, its primary key, and the indexes of its foreign
/// keys. An empty list means every query over `M` reads what the database
/// holds. Errors of the database other than a missing table come back as
/// `Err`.
///
/// `verify!` checks several models at once.
pub async fn verify_model<'c, M, S, DB>(source: S) -> Result<Vec<Mismatch>, sqlx::Error>
where
    M: Decodes<DB>,
    S: Source<'c, DB>,
    DB: Dialect,
    for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    let mut held = source.hold().await?;
    // In a transaction of its own (a savepoint in the caller's), rolled
    // back: it only reads, and a missing table, which aborts a
    // transaction on PostgreSQL, leaves the caller's as it was.
    let mut tx = held.connection().await?.begin().await?;
    let found = mismatches::<M, DB>(&mut tx).await;
    tx.rollback().await?;
    held.done();
    found
}

/// [`verify_model`], on `conn`.
async fn mismatches<M, DB>(conn: &mut DB::Connection) -> Result<Vec<Mismatch>, sqlx::Error>
where
    M: Decodes<DB>,
    DB: Dialect,
    for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    let meta = M::META;
    let mut out = Vec::new();
    let mut select = String::from("SELECT * FROM ");
    sql::quote_ident(DB::KIND, &mut select, meta.table);
    let described = match (&mut *conn).describe(&select).await {
        Ok(described) => described,
        Err(sqlx::Error::Database(error)) => {
            out.push(Mismatch::Table {
                model: meta.name,
                table: meta.table,
                error: error.message().to_owned(),
            });
            return Ok(out);
        }
        Err(error) => return Err(error),
    };
    let columns = described.columns();
    for (i, &column) in meta.columns.iter().enumerate() {
        let found = columns
            .iter()
            .position(|c| same_name(DB::KIND, c.name(), column));
        let Some(index) = found else {
            out.push(Mismatch::Column {
                model: meta.name,
                column,
            });
            continue;
        };
        let ty = columns[index].type_info();
        if !ty.is_null() && !M::compatible(i, ty) {
            out.push(Mismatch::Type {
                model: meta.name,
                column,
                rust: M::rust_type(i),
                database: ty.name().to_owned(),
            });
        }
        let declared = M::NULLABLE.get(i).copied().unwrap_or_default();
        let nullable = described.nullable(index);
        if let Some(nullable) = nullable.filter(|&nullable| nullable != declared) {
            out.push(Mismatch::Nullability {
                model: meta.name,
                column,
                nullable,
            });
        }
    }
    let found: Vec<String> = sqlx::query_scalar(sql::primary_key_columns(DB::KIND))
        .bind(meta.table)
        .fetch_all(&mut *conn)
        .await?;
    let mut declared: Vec<&'static str> = meta.primary_key.to_vec();
    let mut sorted = found.clone();
    declared.sort_unstable();
    sorted.sort_unstable();
    let same = declared.len() == sorted.len()
        && declared
            .iter()
            .zip(&sorted)
            .all(|(a, b)| same_name(DB::KIND, b, a));
    if !same {
        out.push(Mismatch::PrimaryKey {
            model: meta.name,
            declared: meta.primary_key.to_vec(),
            found,
        });
    }
    out.extend(
        missing_indexes::<M, _, _>(&mut *conn)
            .await?
            .into_iter()
            .map(Mismatch::Index),
    );
    Ok(out)
}

/// Whether a name the database gives is the model's `name`: MySQL's
/// column names ignore case.
fn same_name(dialect: DialectKind, found: &str, name: &str) -> bool {
    match dialect {
        DialectKind::MySql => found.eq_ignore_ascii_case(name),
        DialectKind::Postgres | DialectKind::Sqlite => found == name,
    }
}

/// Every mismatch between the models and the database a pool, `&mut
/// *conn` or `&mut *tx` reaches, as [`verify_model`] finds them, in one
/// list (the first argument is written once per model): from
/// the user's tests, `assert!(verify!(&pool, Store, Product)?.is_empty())`
/// turns "if it compiles" into "if it compiles and this test passes,
/// every query reads what the database holds".
///
/// ```
/// # use fanless::Model;
/// # #[derive(Model)] #[model(has_many(products = Product))] struct Store { #[model(primary_key)] id: i64, name: String }
/// # #[derive(Model)] struct Product { #[model(primary_key)] id: i64, #[model(belongs_to(Store))] store_id: i64, price: f64 }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), sqlx::Error> {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// sqlx::raw_sql(
///     "CREATE TABLE store (id INTEGER PRIMARY KEY, name TEXT NULL);
///      CREATE TABLE product (id INTEGER PRIMARY KEY, store_id INTEGER NOT NULL, cost REAL NOT NULL);",
/// )
/// .execute(&pool)
/// .await?;
/// let mismatches = fanless::verify!(&pool, Store, Product)?;
/// let messages: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
/// assert_eq!(messages.len(), 3, "{messages:#?}");
/// assert!(messages[0].starts_with("`Store.name`: the column may hold NULL"));
/// assert!(messages[1].starts_with("`Product.price`: no such column"));
/// assert!(messages[2].starts_with("`product.store_id` has no index"));
/// # Ok(())
/// # }
/// ```
#[macro_export]
macro_rules! verify {
    ($executor:expr, $($model:ty),+ $(,)?) => {
        async {
            let mut all = ::std::vec::Vec::new();
            $(all.extend($crate::verify_model::<$model, _, _>($executor).await?);)+
            ::core::result::Result::<::std::vec::Vec<$crate::Mismatch>, $crate::sqlx::Error>::Ok(all)
        }
        .await
    };
}
