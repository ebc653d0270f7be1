//! What `#[derive(Model)]` publishes about a model: the [`Model`] trait, typed
//! column and relation values, and the untyped metadata the SQL renderer reads.

mod card;
mod types;

pub use card::{Bool, Card, False, Many, One, Optional, ToOne, True, Unique, UniqueKey};
pub use types::{NotNull, Nullable, Nullity, Numeric, SqlType, Table};

use std::fmt;
use std::marker::PhantomData;

/// A table described by `#[derive(Model)]`.
///
/// The derive implements it; user code reads it only through `query!`. Its
/// consts hold one typed value per column and per relation, so that `query!`
/// can resolve a path such as `departments.employees` with plain field
/// accesses, and rustc reports a misspelt name on the token that carries it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "not a model",
    note = "derive it: `#[derive(fanless::Model)]`"
)]
pub trait Model: Sized + 'static {
    /// One [`Column`] field per struct field (`StoreColumns`).
    type Columns: 'static;
    /// The columns of this model.
    const COLUMNS: Self::Columns;
    /// One [`Relation`] field per declared relation, then one [`Column`]
    /// field per column (`StoreRelations`), so that a path's last segment
    /// may name either and a misspelt one is told both.
    type Relations: 'static;
    /// The relations of this model.
    const RELATIONS: Self::Relations;
    /// The `belongs_to` relations alone; `has_many` and `has_one` on other
    /// models are built from them, which keeps self-references acyclic.
    #[doc(hidden)]
    type BelongsTo: 'static;
    /// Every relation by a function of its own, for paths built at
    /// compile time.
    #[doc(hidden)]
    type Hops: Copy + 'static;
    #[doc(hidden)]
    const HOPS: Self::Hops;
    #[doc(hidden)]
    const BELONGS_TO: Self::BelongsTo;
    /// The type of the primary key, which foreign keys to this model hold.
    #[doc(hidden)]
    type Key;
    /// Table name, column names and primary key.
    const META: &'static ModelMeta;
    /// The foreign keys of the `belongs_to` fields.
    const FOREIGN_KEYS: &'static [ForeignKey];
    /// Whether each column, in field order, is an `Option`: may hold
    /// `NULL`.
    #[doc(hidden)]
    const NULLABLE: &'static [bool];

    /// `CREATE TABLE` for this model in `DB`, then a `CREATE INDEX` for each
    /// foreign key not declared `indexed = false` (MySQL indexes them with
    /// the constraint). Tables a foreign key points to must exist first.
    ///
    /// ```
    /// # use fanless::Model;
    /// # #[derive(Model)] #[model(table = "shop_store")] struct Store { #[model(primary_key)] id: i64 }
    /// #[derive(Model)]
    /// #[model(table = "shop_product")]
    /// struct Product {
    ///     #[model(primary_key)]
    ///     id: i64,
    ///     #[model(belongs_to(Store))]
    ///     store_id: i64,
    ///     name: Option<String>,
    /// }
    ///
    /// assert_eq!(
    ///     Product::create_table::<sqlx::Sqlite>(),
    ///     [
    ///         r#"CREATE TABLE "shop_product" ("id" INTEGER NOT NULL PRIMARY KEY, "store_id" INTEGER NOT NULL, "name" TEXT NULL, FOREIGN KEY ("store_id") REFERENCES "shop_store" ("id"))"#,
    ///         r#"CREATE INDEX "shop_product_store_id_idx" ON "shop_product" ("store_id")"#,
    ///     ]
    /// );
    /// ```
    fn create_table<DB>() -> Vec<String>
    where
        Self: Table<DB>,
    {
        <Self as Table<DB>>::ddl()
    }
}

/// The SQL names of a model, as validated by the derive.
#[derive(Debug, PartialEq, Eq)]
pub struct ModelMeta {
    /// The Rust name of the model, for messages.
    pub name: &'static str,
    /// The table name, unquoted.
    pub table: &'static str,
    /// The column names in field order, unquoted.
    pub columns: &'static [&'static str],
    /// The primary key's columns, unquoted: one, or several for a
    /// composite key.
    pub primary_key: &'static [&'static str],
}

impl ModelMeta {
    /// The primary key column, when the key is one column.
    pub const fn key_column(&self) -> Option<&'static str> {
        match self.primary_key {
            [key] => Some(key),
            _ => None,
        }
    }
}

/// Ties a metadata value to types it never holds, keeping it `Copy`,
/// `Send` and `Sync` whatever they are.
type Marker<T> = PhantomData<fn() -> T>;

/// A column of model `M` of type `T`, which holds `NULL` when `N` is
/// [`Nullable`] (the field is then an `Option<T>`), and is the model's
/// whole primary key when `K` is [`Key`].
pub struct Column<M, T, N = NotNull, K = NotKey> {
    name: &'static str,
    sqlite_text: SqliteText,
    marker: Marker<(M, T, N, K)>,
}

/// In which form SQLite holds a column of dates and times, as
/// `#[model(sqlite_text = "...")]` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteText {
    /// Any: each value is read by the instant it means.
    Any,
    /// As sqlx writes it: compared as stored.
    Sqlx,
    /// Unix times, as integers of seconds: compared as stored, with each
    /// parameter read as a Unix time.
    Unix,
}

/// The marker of a column that is its model's whole primary key.
#[derive(Debug, Clone, Copy)]
pub enum Key {}

/// The marker of any other column.
#[derive(Debug, Clone, Copy)]
pub enum NotKey {}

impl<M, T, N, K> Column<M, T, N, K> {
    #[doc(hidden)]
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            sqlite_text: SqliteText::Any,
            marker: PhantomData,
        }
    }

    /// The column, whose dates and times SQLite holds in `form`
    /// (`#[model(sqlite_text = "...")]`).
    #[doc(hidden)]
    pub const fn sqlite_text(self, form: SqliteText) -> Self {
        Self {
            sqlite_text: form,
            ..self
        }
    }

    /// The column's SQL name, unquoted.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// In which form SQLite holds the column's dates and times.
    pub const fn stored_form(&self) -> SqliteText {
        self.sqlite_text
    }
}

impl<M, T, N, K> Clone for Column<M, T, N, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T, N, K> Copy for Column<M, T, N, K> {}

impl<M, T, N, K> fmt::Debug for Column<M, T, N, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Column").field(&self.name).finish()
    }
}

/// A relation from model `S` to model `T`, with cardinality [`One`],
/// [`Optional`] or [`Many`]: one hop (`belongs_to`, `has_many`, `has_one`)
/// or several (`many_to_many`, `has_many(..., through = ...)`).
pub struct Relation<S, T, C> {
    /// The first hop; a relation always has one.
    head: RelationMeta,
    /// The hops after it.
    tail: &'static [RelationMeta],
    marker: Marker<(S, T, C)>,
}

impl<S, T, C> Relation<S, T, C> {
    /// The hops the relation follows, in order, each one join.
    pub fn hops(&self) -> Vec<RelationMeta> {
        let mut hops = Vec::with_capacity(1 + self.tail.len());
        hops.push(self.head);
        hops.extend_from_slice(self.tail);
        hops
    }

    /// How many hops the relation follows.
    #[doc(hidden)]
    pub const fn hop_count(&self) -> usize {
        1 + self.tail.len()
    }

    /// The first hop and the rest, for a path built at compile time.
    #[doc(hidden)]
    pub const fn parts(&self) -> (RelationMeta, &'static [RelationMeta]) {
        (self.head, self.tail)
    }

    /// The relations of the model this one leads to, each by a function,
    /// for a path built at compile time.
    #[doc(hidden)]
    pub const fn then(&self) -> T::Hops
    where
        T: Model,
    {
        T::HOPS
    }

    const fn of(hops: &'static [RelationMeta]) -> Self {
        match hops {
            [head, tail @ ..] => Self {
                head: *head,
                tail,
                marker: PhantomData,
            },
            [] => panic!("a relation follows at least one hop"),
        }
    }
}

impl<S, T, C> Relation<S, T, C> {
    // #[model(belongs_to(Target))] on `target_id`: `target.pk = source.target_id`
    #[doc(hidden)]
    pub const fn belongs_to(name: &'static str, foreign_key: &'static str, indexed: bool) -> Self
    where
        S: Model,
        T: Model,
        C: ToOne,
    {
        Self {
            head: RelationMeta {
                name,
                source: S::META,
                target: T::META,
                source_key: foreign_key,
                // A model with a composite key has a key type no foreign
                // key holds (`foreign_key` refuses it): the key is one
                // column wherever this compiles.
                target_key: match T::META.primary_key {
                    [key, ..] => key,
                    [] => "",
                },
                many: false,
                source_indexed: indexed,
                target_indexed: true,
            },
            tail: &[],
            marker: PhantomData,
        }
    }
}

impl<S, T> Relation<S, T, Many> {
    // #[model(has_many(name = Target))]: the reverse of `Target`'s belongs_to
    #[doc(hidden)]
    pub const fn has_many<C: ToOne>(name: &'static str, inverse: &Relation<T, S, C>) -> Self {
        Self {
            head: inverse.head.reversed(name, true),
            tail: &[],
            marker: PhantomData,
        }
    }

    // #[model(many_to_many(name = Target, through = Join))]: `hops` are the
    // reverse of `back` then `to`, which type-check the join model's two
    // `belongs_to`.
    #[doc(hidden)]
    pub const fn many_to_many<J, C: ToOne, D: ToOne>(
        hops: &'static [RelationMeta; 2],
        _back: &Relation<J, S, C>,
        _to: &Relation<J, T, D>,
    ) -> Self {
        Self::of(hops)
    }

    // #[model(has_many(name = Target, through = path))]: the hops of the
    // path's relations then `last`'s, which leads to `Target`.
    #[doc(hidden)]
    pub const fn through<L, D>(hops: &'static [RelationMeta], _last: &Relation<L, T, D>) -> Self {
        let mut i = 0;
        while i < hops.len() {
            if hops[i].many {
                return Self::of(hops);
            }
            i += 1;
        }
        panic!(
            "a `has_many(..., through = ...)` follows only to-one relations: it leads to one row \
             at most, so read its columns as a path instead"
        )
    }
}

impl<S, T> Relation<S, T, Optional> {
    // #[model(has_one(name = Target))]: the reverse of a unique belongs_to
    #[doc(hidden)]
    pub const fn has_one<C: ToOne + UniqueKey>(
        name: &'static str,
        inverse: &Relation<T, S, C>,
    ) -> Self
    where
        T: Model,
    {
        assert!(
            T::META.key_column().is_some(),
            "a `has_one` leads to a model whose primary key is one column"
        );
        Self {
            head: inverse.head.reversed(name, false),
            tail: &[],
            marker: PhantomData,
        }
    }
}

impl<S, T, C> Clone for Relation<S, T, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, T, C> Copy for Relation<S, T, C> {}

impl<S, T, C> fmt::Debug for Relation<S, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entry(&self.head).entries(self.tail).finish()
    }
}

/// One hop of a relation, how two tables join:
/// `target.target_key = source.source_key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationMeta {
    /// The relation's name in paths.
    pub name: &'static str,
    /// The model the relation starts from.
    pub source: &'static ModelMeta,
    /// The model the relation leads to.
    pub target: &'static ModelMeta,
    /// The joining column on the source table.
    pub source_key: &'static str,
    /// The joining column on the target table.
    pub target_key: &'static str,
    /// Whether one source row may have many target rows.
    pub many: bool,
    /// Whether `source_key` is indexed: a primary key, or a foreign key not
    /// declared `indexed = false`.
    pub source_indexed: bool,
    /// Whether `target_key` is indexed, so that the target rows of one
    /// source row are found without a scan.
    pub target_indexed: bool,
}

impl RelationMeta {
    /// The hop back from `target` to `source`, named `name`.
    #[doc(hidden)]
    pub const fn reversed(self, name: &'static str, many: bool) -> Self {
        Self {
            name,
            source: self.target,
            target: self.source,
            source_key: self.target_key,
            target_key: self.source_key,
            many,
            source_indexed: self.target_indexed,
            target_indexed: self.source_indexed,
        }
    }
}

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
