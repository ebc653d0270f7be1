//! What `#[derive(Model)]` publishes about a model: the [`Model`] trait, typed
//! column and relation values, and the untyped metadata the SQL renderer reads.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

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
    /// One [`Relation`] field per declared relation (`StoreRelations`). It
    /// dereferences to the columns, so a path's last segment may name either.
    type Relations: Deref<Target = Self::Columns> + 'static;
    /// The relations of this model.
    const RELATIONS: Self::Relations;
    /// The `belongs_to` relations alone; `has_many` and `has_one` on other
    /// models are built from them, which keeps self-references acyclic.
    #[doc(hidden)]
    type BelongsTo: 'static;
    #[doc(hidden)]
    const BELONGS_TO: Self::BelongsTo;
    /// The type of the primary key, which foreign keys to this model hold.
    #[doc(hidden)]
    type Key;
    /// Table name, column names and primary key.
    const META: &'static ModelMeta;
    /// The foreign keys of the `belongs_to` fields.
    const FOREIGN_KEYS: &'static [crate::ForeignKey];

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
        DB: crate::Dialect,
        Self: crate::schema::Table<DB>,
    {
        crate::schema::create_table::<Self, DB>()
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
    /// The primary key column, unquoted.
    pub primary_key: &'static str,
}

/// Ties a metadata value to types it never holds, keeping it `Copy`,
/// `Send` and `Sync` whatever they are.
type Marker<T> = PhantomData<fn() -> T>;

/// A column of model `M` whose Rust type is `T`.
pub struct Column<M, T> {
    name: &'static str,
    marker: Marker<(M, T)>,
}

impl<M, T> Column<M, T> {
    #[doc(hidden)]
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            marker: PhantomData,
        }
    }

    /// The column's SQL name, unquoted.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<M, T> Clone for Column<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, T> Copy for Column<M, T> {}

impl<M, T> fmt::Debug for Column<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Column").field(&self.name).finish()
    }
}

/// A relation from model `S` to model `T`, with cardinality [`One`],
/// [`Optional`] or [`Many`].
pub struct Relation<S, T, C> {
    meta: RelationMeta,
    marker: Marker<(S, T, C)>,
}

impl<S, T, C> Relation<S, T, C> {
    /// The untyped description the renderer joins with.
    pub const fn meta(&self) -> RelationMeta {
        self.meta
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
            meta: RelationMeta {
                name,
                source: S::META,
                target: T::META,
                source_key: foreign_key,
                target_key: T::META.primary_key,
                many: false,
                source_indexed: indexed,
                target_indexed: true,
            },
            marker: PhantomData,
        }
    }
}

impl<S, T> Relation<S, T, Many> {
    // #[model(has_many(name = Target))]: the reverse of `Target`'s belongs_to
    #[doc(hidden)]
    pub const fn has_many<C: ToOne>(name: &'static str, inverse: &Relation<T, S, C>) -> Self {
        Self {
            meta: inverse.meta.reversed(name, true),
            marker: PhantomData,
        }
    }
}

impl<S, T> Relation<S, T, Optional> {
    // #[model(has_one(name = Target))]: the reverse of a unique belongs_to
    #[doc(hidden)]
    pub const fn has_one<C: ToOne + UniqueKey>(
        name: &'static str,
        inverse: &Relation<T, S, C>,
    ) -> Self {
        Self {
            meta: inverse.meta.reversed(name, false),
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
        f.debug_tuple("Relation").field(&self.meta).finish()
    }
}

/// How two tables join: `target.target_key = source.source_key`.
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
    const fn reversed(self, name: &'static str, many: bool) -> Self {
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

/// Cardinality of a relation whose target always exists (a non-null FK).
#[derive(Debug, Clone, Copy)]
pub enum One {}
/// Cardinality of a relation with at most one target (a nullable FK, `has_one`).
#[derive(Debug, Clone, Copy)]
pub enum Optional {}
/// Cardinality of a relation with any number of targets (`has_many`).
#[derive(Debug, Clone, Copy)]
pub enum Many {}

/// The cardinality of a `belongs_to(..., unique)`: `C` ([`One`] or
/// [`Optional`]), and no two rows hold one key, so that the inverse may be
/// a `has_one`.
pub struct Unique<C>(PhantomData<fn() -> C>);

impl<C> fmt::Debug for Unique<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Unique")
    }
}

/// A foreign key declared `unique`, which a `has_one` goes through.
#[diagnostic::on_unimplemented(
    message = "a `has_one` goes through a unique foreign key",
    label = "the `belongs_to` this goes through is not `unique`",
    note = "declare it on the other model: `#[model(belongs_to(Target, unique))]`, which `create_table` makes a unique index"
)]
pub trait UniqueKey: Card {}

impl<C: ToOne> UniqueKey for Unique<C> {}

/// The cardinalities that lead to at most one row: [`One`] and [`Optional`].
#[diagnostic::on_unimplemented(
    message = "this path goes through a to-many relation, so it has many values per row",
    label = "to-many relation",
    note = "aggregate over the path instead, such as `count(...)`, `min(...)` or `max(...)`: each aggregate becomes its own subquery"
)]
pub trait ToOne: Card {}

impl ToOne for One {}
impl ToOne for Optional {}
impl<C: ToOne> ToOne for Unique<C> {}

/// A cardinality: [`One`], [`Optional`] or [`Many`].
pub trait Card: sealed::Sealed {
    /// The type a column of type `T` has when read through a relation of
    /// this cardinality (for a to-many one, the type of each value).
    type Through<T: Scalar>;
    /// Whether one row may lead to many, as a type: the join checks of
    /// `query!` are computed by rustc from it.
    #[doc(hidden)]
    type Many: crate::__private::Bool;
}

impl Card for One {
    type Through<T: Scalar> = T;
    type Many = crate::__private::False;
}

impl Card for Optional {
    type Through<T: Scalar> = Option<T::NonNull>;
    type Many = crate::__private::False;
}

impl Card for Many {
    type Through<T: Scalar> = T;
    type Many = crate::__private::True;
}

impl<C: ToOne> Card for Unique<C> {
    type Through<T: Scalar> = C::Through<T>;
    type Many = C::Many;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::One {}
    impl Sealed for super::Optional {}
    impl Sealed for super::Many {}
    impl<C> Sealed for super::Unique<C> {}
}

/// A column type, and its form without `NULL`.
///
/// Implemented for the primitive types sqlx decodes, and for `Option<T>`. It
/// lets a column read through a nullable relation become `Option<T>` (never
/// `Option<Option<T>>`), and gives `min`/`max` their `Option<T>` type.
pub trait Scalar {
    /// The type without `Option`.
    type NonNull;
    /// Whether the type holds `NULL` (it is an `Option`).
    const NULLABLE: bool;
}

impl<T: Scalar> Scalar for Option<T> {
    type NonNull = T::NonNull;
    const NULLABLE: bool = true;
}

macro_rules! scalars {
    ($($t:ty),* $(,)?) => {
        $(impl Scalar for $t {
            type NonNull = $t;
            const NULLABLE: bool = false;
        })*
    };
}

scalars!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    String,
    Vec<u8>
);

/// A numeric column type: what `sum` and `avg` accept.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric column type",
    label = "`sum` and `avg` need a numeric column",
    note = "numeric column types are `i16`, `i32`, `i64`, `f32` and `f64`, or `Option` of one"
)]
pub trait Numeric: Scalar<NonNull = Self> + Sized {
    /// The type the database returns a sum in, after fanless's cast.
    #[doc(hidden)]
    type Wide;
    /// Whether the sum is cast to a floating point type.
    #[doc(hidden)]
    const FLOAT: bool;
    /// Narrows a sum back to the column's type; `None` if it does not fit.
    #[doc(hidden)]
    fn narrow(wide: Self::Wide) -> Option<Self>;
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            type Wide = i64;
            const FLOAT: bool = false;
            fn narrow(wide: i64) -> Option<Self> {
                Self::try_from(wide).ok()
            }
        }
    )*};
}

integers!(i16, i32, i64);

impl Numeric for f64 {
    type Wide = f64;
    const FLOAT: bool = true;
    fn narrow(wide: f64) -> Option<Self> {
        Some(wide)
    }
}

impl Numeric for f32 {
    type Wide = f64;
    const FLOAT: bool = true;
    fn narrow(wide: f64) -> Option<Self> {
        // A sum of `f32` values is computed in double precision; rounding it
        // to `f32` is the expected result, but an overflow is not.
        let narrow = wide as f32;
        (narrow.is_finite() || !wide.is_finite()).then_some(narrow)
    }
}
