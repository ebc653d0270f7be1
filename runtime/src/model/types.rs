//! Column types: what a column reads as through a relation, what `sum` and
//! `avg` accept, and what `create_table` writes.

use super::Model;
use crate::plan::Number;

/// Whether a column holds `NULL`: [`NotNull`] or [`Nullable`].
///
/// `#[derive(Model)]` reads it off the field's type: a field written
/// `Option<T>` is a [`Nullable`] column of `T`, any other a [`NotNull`] one.
/// A column read through a nullable relation becomes nullable (an
/// `Option<T>`, never an `Option<Option<T>>`), and so does the result of
/// `min` and `max`, whatever the column's Rust type: no trait of fanless's
/// needs implementing for it.
pub trait Nullity: sealed::Sealed {
    /// Whether the column holds `NULL`.
    const NULLABLE: bool;
    /// The Rust type of a value of type `T` with this nullity: `T`, or
    /// `Option<T>`.
    type Of<T>;
    /// `Self`, or [`Nullable`] when `B` is.
    type Or<B: Nullity>: Nullity;
}

/// The nullity of a column that never holds `NULL`.
#[derive(Debug, Clone, Copy)]
pub enum NotNull {}

/// The nullity of a column that may hold `NULL` (an `Option`).
#[derive(Debug, Clone, Copy)]
pub enum Nullable {}

impl Nullity for NotNull {
    const NULLABLE: bool = false;
    type Of<T> = T;
    type Or<B: Nullity> = B;
}

impl Nullity for Nullable {
    const NULLABLE: bool = true;
    type Of<T> = Option<T>;
    type Or<B: Nullity> = Nullable;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::NotNull {}
    impl Sealed for super::Nullable {}
}

/// A numeric column type: what `sum` and `avg` accept.
///
/// A sum is wider than the column, as SQL's is: every integer sums to an
/// `i64`, `f32` to an `f64`, a decimal to a decimal. A sum past the range
/// of `i64` is an `Err` on every database, never a wrapped or rounded
/// value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric column type",
    label = "`sum` and `avg` need a numeric column",
    note = "numeric column types are `i16`, `i32`, `i64`, `u8`, `u16`, `u32`, `f32`, `f64` and `rust_decimal::Decimal`, or `Option` of one"
)]
pub trait Numeric: Sized {
    /// The type of a sum: `i64` of integers, `f64` of floating point
    /// numbers, `Decimal` of decimals.
    type Sum;
    /// The type of an average: `f64`, or `Decimal` for decimals.
    type Avg;
    /// What the sum is cast to.
    #[doc(hidden)]
    const NUMBER: Number;
}

macro_rules! numeric {
    ($($t:ty => $sum:ty, $avg:ty, $number:ident;)*) => {$(
        impl Numeric for $t {
            type Sum = $sum;
            type Avg = $avg;
            const NUMBER: Number = Number::$number;
        }
    )*};
}

numeric!(
    i16 => i64, f64, Integer;
    i32 => i64, f64, Integer;
    i64 => i64, f64, Integer;
    u8 => i64, f64, Integer;
    u16 => i64, f64, Integer;
    u32 => i64, f64, Integer;
    f32 => f64, f64, Float;
    f64 => f64, f64, Float;
);

/// Decimals sum and average exactly, as the database's `NUMERIC` or
/// `DECIMAL` does.
#[cfg(feature = "rust_decimal")]
impl Numeric for sqlx::types::Decimal {
    type Sum = Self;
    type Avg = Self;
    const NUMBER: Number = Number::Decimal;
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

// Each type's SQL type on PostgreSQL, SQLite and MySQL, behind the cargo
// feature in brackets. Date and time types hold microseconds at most on
// PostgreSQL and, with `(6)`, on MySQL; SQLite holds the text sqlx writes,
// which sorts as the values do for one type (and, for `DateTime<Utc>`, one
// offset).
macro_rules! sql_types {
    ($([$($feature:literal)?] $t:ty => $pg:literal, $sqlite:literal, $mysql:literal;)*) => {
        $(
            #[cfg(all(feature = "postgres" $(, feature = $feature)?))]
            impl SqlType<sqlx::Postgres> for $t {
                const SQL: &'static str = $pg;
            }
            #[cfg(all(feature = "sqlite" $(, feature = $feature)?))]
            impl SqlType<sqlx::Sqlite> for $t {
                const SQL: &'static str = $sqlite;
            }
            #[cfg(all(feature = "mysql" $(, feature = $feature)?))]
            impl SqlType<sqlx::MySql> for $t {
                const SQL: &'static str = $mysql;
            }
        )*
    };
}

sql_types!(
    [] bool => "BOOLEAN", "BOOLEAN", "BOOLEAN";
    [] i16 => "SMALLINT", "INTEGER", "SMALLINT";
    [] i32 => "INTEGER", "INTEGER", "INT";
    [] i64 => "BIGINT", "INTEGER", "BIGINT";
    [] f32 => "REAL", "REAL", "FLOAT";
    [] f64 => "DOUBLE PRECISION", "REAL", "DOUBLE";
    [] String => "TEXT COLLATE \"C\"", "TEXT", "VARCHAR(255)";
    [] Vec<u8> => "BYTEA", "BLOB", "BLOB";
    ["chrono"] sqlx::types::chrono::NaiveDate => "DATE", "TEXT", "DATE";
    ["chrono"] sqlx::types::chrono::NaiveTime => "TIME", "TEXT", "TIME(6)";
    ["chrono"] sqlx::types::chrono::NaiveDateTime => "TIMESTAMP", "TEXT", "DATETIME(6)";
    ["chrono"] sqlx::types::chrono::DateTime<sqlx::types::chrono::Utc> => "TIMESTAMPTZ", "TEXT", "DATETIME(6)";
    ["time"] sqlx::types::time::Date => "DATE", "TEXT", "DATE";
    ["time"] sqlx::types::time::Time => "TIME", "TEXT", "TIME(6)";
    ["time"] sqlx::types::time::PrimitiveDateTime => "TIMESTAMP", "TEXT", "DATETIME(6)";
    ["time"] sqlx::types::time::OffsetDateTime => "TIMESTAMPTZ", "TEXT", "DATETIME(6)";
    ["uuid"] sqlx::types::Uuid => "UUID", "BLOB", "BINARY(16)";
    ["json"] sqlx::types::JsonValue => "JSONB", "TEXT", "JSON";
);

#[cfg(all(feature = "json", feature = "postgres"))]
impl<T> SqlType<sqlx::Postgres> for sqlx::types::Json<T> {
    const SQL: &'static str = "JSONB";
}
#[cfg(all(feature = "json", feature = "sqlite"))]
impl<T> SqlType<sqlx::Sqlite> for sqlx::types::Json<T> {
    const SQL: &'static str = "TEXT";
}
#[cfg(all(feature = "json", feature = "mysql"))]
impl<T> SqlType<sqlx::MySql> for sqlx::types::Json<T> {
    const SQL: &'static str = "JSON";
}

// sqlx reads no decimal from SQLite. MySQL's `DECIMAL` has a fixed scale:
// 10 decimals here, and a column that needs another names it with
// `#[model(sql_type = "...")]`.
#[cfg(all(feature = "rust_decimal", feature = "postgres"))]
impl SqlType<sqlx::Postgres> for sqlx::types::Decimal {
    const SQL: &'static str = "NUMERIC";
}
#[cfg(all(feature = "rust_decimal", feature = "mysql"))]
impl SqlType<sqlx::MySql> for sqlx::types::Decimal {
    const SQL: &'static str = "DECIMAL(38, 10)";
}

/// The column types of a model in database `DB`; `#[derive(Model)]`
/// implements it wherever every field type has an [`SqlType`].
#[doc(hidden)]
pub trait Table<DB>: Model {
    /// `CREATE TABLE` and `CREATE INDEX` statements for the model in `DB`.
    fn ddl() -> Vec<String>;
}
