//! Relation aggregates on sqlx that cannot fall into the cartesian-product
//! trap.
//!
//! `#[derive(Model)]` describes tables, columns and relations with their
//! cardinality; [`query!`] is a small SQL-like language over those models in
//! which an aggregate over a relation path (`count(departments.employees)`)
//! compiles to its own subquery, never to a join shared with another to-many
//! path. Queries run on sqlx against PostgreSQL, SQLite and MySQL/MariaDB and
//! return typed rows.
//!
#![doc = include_str!("../../README.md")]
#![warn(missing_docs)]

extern crate self as fanless;

mod exec;
mod json;
mod model;
mod nest;
mod plan;
mod schema;
mod source;
mod sql;
mod typed;
mod verify;

#[doc(hidden)]
pub mod __private;

pub use exec::{Dialect, Query, RowStream};
#[doc = include_str!("docs/query.md")]
pub use fanless_macros::query;
#[doc = include_str!("docs/query_as.md")]
pub use fanless_macros::query_as;
#[doc = include_str!("docs/model.md")]
pub use fanless_macros::Model;
pub use model::{
    Card, Column, ForeignKey, Key, Many, Model, ModelMeta, NotKey, NotNull, Nullable, Nullity,
    Numeric, One, Optional, Relation, RelationMeta, SqlType, SqliteText, ToOne, Unique, UniqueKey,
};
pub use nest::Nested;
pub use schema::{missing_indexes, MissingIndex};
pub use source::Source;
pub use sqlx;
pub use verify::{verify_model, Mismatch};
