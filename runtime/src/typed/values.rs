//! The type of every value of a query, as a zero-sized witness, and the
//! checks that values which meet have types that fit.

use std::marker::PhantomData;

use crate::exec::{ListProbe, OptArg};
use crate::model::{
    Card, Column, Key, Model, NotNull, Nullable, Nullity, Numeric, Relation, SqliteText,
};
use crate::plan::{Number, Temporal};

/// The type of a value in a query, `T` or `Option<T>` as its nullity `N`
/// says, known to rustc and never constructed at run time beyond this
/// zero-sized marker.
pub struct Witness<T, N = NotNull>(PhantomData<fn() -> (T, N)>);

impl<T, N> Clone for Witness<T, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, N> Copy for Witness<T, N> {}

impl<T, N: Nullity> Witness<T, N> {
    #[allow(clippy::new_without_default)]
    /// The witness of `T` with nullity `N`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }

    /// Whether the value may be `NULL`.
    pub const fn nullable(&self) -> bool {
        N::NULLABLE
    }
}

/// The Rust type a witness stands for.
pub trait Typed {
    /// `T`, or `Option<T>` when nullable.
    type Value;
}

impl<T, N: Nullity> Typed for Witness<T, N> {
    type Value = N::Of<T>;
}

/// The type of a column.
pub fn witness<M, T, N: Nullity, K>(_: &Column<M, T, N, K>) -> Witness<T, N> {
    Witness::new()
}

/// The type of a column read through a relation (a to-one one, as
/// [`to_one`](super::to_one) checks).
pub fn through<S, T, C: Card, X, N: Nullity>(
    _: &Relation<S, T, C>,
    _: Witness<X, N>,
) -> Witness<X, C::Through<N>> {
    Witness::new()
}

/// A column of rows a `left join` may leave empty.
pub fn nullable<T, N>(_: Witness<T, N>) -> Witness<T, Nullable> {
    Witness::new()
}

/// `count(...)` is an `i64`.
pub fn count() -> Witness<i64> {
    Witness::new()
}

/// `exists(...)` is a `bool`.
pub fn exists() -> Witness<bool> {
    Witness::new()
}

/// A column `sum` and `avg` accept: one of a [`Numeric`] type, or `Option`
/// of one.
#[diagnostic::on_unimplemented(
    message = "`sum` and `avg` need a numeric column, and this one is `{Self}`",
    label = "not a numeric column",
    note = "numeric column types are `i16`, `i32`, `i64`, `u8`, `u16`, `u32`, `f32`, `f64` and `rust_decimal::Decimal`, or `Option` of one"
)]
pub trait NumericColumn {
    /// The column's type without `Option`.
    type Sum: Numeric;
}

impl<M, T: Numeric, N, K> NumericColumn for Column<M, T, N, K> {
    type Sum = T;
}

/// `sum(path.column)` is an `i64` of integers, an `f64` of floats, a
/// decimal of decimals. (Read
/// through `Numeric`, so that a column that is not numeric leaves the
/// witness without a type and the error is reported once.)
pub fn sum<C: NumericColumn>(_: C) -> Witness<<C::Sum as Numeric>::Sum> {
    Witness::new()
}

/// What kind of number a `sum` or an `avg` is, off its witness: the
/// plan's SQL casts follow it.
pub fn number_of<T: Numeric, N>(_: &Witness<T, N>) -> Number {
    T::NUMBER
}

/// `avg(path.column)` is an `Option<f64>`, or an `Option<Decimal>` of
/// decimals.
pub fn avg<C: NumericColumn>(_: C) -> Witness<<C::Sum as Numeric>::Avg, Nullable> {
    Witness::new()
}

/// `min(path.column)` and `max(path.column)` are `Option` of the column's type.
pub fn min_max<M, T, N, K>(_: &Column<M, T, N, K>) -> Witness<T, Nullable> {
    Witness::new()
}

/// A column that can be a condition on its own.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a boolean column, so it cannot be a condition on its own",
    label = "not a boolean",
    note = "compare it instead, such as `column = {{value}}` or `column is not null`"
)]
pub trait BooleanColumn {}

impl<M, N, K> BooleanColumn for Column<M, bool, N, K> {}

/// Checks that a column used as a condition is a boolean.
pub fn boolean<C: BooleanColumn>(_: C) {}

/// A parameter type that may stand where a value of type `T` is expected.
#[diagnostic::on_unimplemented(
    message = "a parameter of type `{Self}` cannot stand for a value of type `{T}`",
    label = "expected `{T}`, a reference to one, or `&str` for a `String`",
    note = "a value that may be `NULL` also takes an `Option` of one"
)]
pub trait Fits<T, N> {}

// Not listed in errors: the label says what fits.
#[diagnostic::do_not_recommend]
impl<T, N> Fits<T, N> for T {}
#[diagnostic::do_not_recommend]
impl<T, N> Fits<T, N> for &T {}
#[diagnostic::do_not_recommend]
impl<N> Fits<String, N> for &str {}
#[diagnostic::do_not_recommend]
impl<N> Fits<String, N> for &&str {}
#[diagnostic::do_not_recommend]
impl<T> Fits<T, Nullable> for Option<T> {}
#[diagnostic::do_not_recommend]
impl<T> Fits<T, Nullable> for &Option<T> {}
#[diagnostic::do_not_recommend]
impl<T> Fits<T, Nullable> for Option<&T> {}
#[diagnostic::do_not_recommend]
impl Fits<String, Nullable> for Option<&str> {}

/// A list parameter for values of type `T` (`id in {ids}`): a `Vec`, a
/// slice or an array of parameters that fit `T`, or a reference to one.
#[diagnostic::on_unimplemented(
    message = "`in {{...}}` takes a list of values of type `{T}`, and this parameter is `{Self}`",
    label = "expected a `Vec`, a slice or an array of `{T}`",
    note = "a list holds values, never `NULL`: `Vec<{T}>`, `&[{T}]`, `[{T}; N]`, or references to them"
)]
pub trait ListOf<T> {
    /// What each element is bound as.
    type Item;
    /// The elements.
    fn into_items(self) -> Vec<Self::Item>;
}

#[diagnostic::do_not_recommend]
impl<T, V: Fits<T, NotNull>> ListOf<T> for Vec<V> {
    type Item = V;
    fn into_items(self) -> Vec<V> {
        self
    }
}

#[diagnostic::do_not_recommend]
impl<T, V: Fits<T, NotNull>, const K: usize> ListOf<T> for [V; K] {
    type Item = V;
    fn into_items(self) -> Vec<V> {
        Vec::from(self)
    }
}

#[diagnostic::do_not_recommend]
impl<'a, T, V> ListOf<T> for &'a [V]
where
    &'a V: Fits<T, NotNull>,
{
    type Item = &'a V;
    fn into_items(self) -> Vec<&'a V> {
        self.iter().collect()
    }
}

#[diagnostic::do_not_recommend]
impl<'a, T, V> ListOf<T> for &'a Vec<V>
where
    &'a V: Fits<T, NotNull>,
{
    type Item = &'a V;
    fn into_items(self) -> Vec<&'a V> {
        self.iter().collect()
    }
}

#[diagnostic::do_not_recommend]
impl<'a, T, V, const K: usize> ListOf<T> for &'a [V; K]
where
    &'a V: Fits<T, NotNull>,
{
    type Item = &'a V;
    fn into_items(self) -> Vec<&'a V> {
        self.iter().collect()
    }
}

/// Checks that a list parameter holds values that fit the value it meets,
/// and passes its elements on.
pub fn fit_list<T, N, L: ListOf<T>>(_: &Witness<T, N>, list: L) -> ListProbe<L::Item> {
    ListProbe::new(Some(list.into_items()))
}

/// An optional list (`in {?list}`): as [`fit_list`], `None` dropping its
/// condition.
pub fn fit_optional_list<T, N, L: ListOf<T>>(
    _: &Witness<T, N>,
    list: Option<L>,
) -> ListProbe<L::Item> {
    ListProbe::new(list.map(ListOf::into_items))
}

/// An optional filter's parameter (`{?expr}`): an `Option` of one that
/// fits the value it meets, `None` dropping its condition.
pub fn fit_optional<T, N, V: Fits<T, N>>(_: &Witness<T, N>, value: Option<V>) -> OptArg<V> {
    OptArg::new(value)
}

/// Checks that a parameter fits the value it meets, and passes it on.
pub fn fit<T, N, V: Fits<T, N>>(_: &Witness<T, N>, value: V) -> V {
    value
}

/// A column that is its model's whole primary key: what `group by` holds
/// alone for the model's other columns to be selected.
#[diagnostic::on_unimplemented(
    message = "grouped by this column alone, the other selected columns of its model need it to be the model's primary key, and it is not",
    label = "not the primary key",
    note = "group by the primary key, such as `group by d.id`, or add each selected column to `group by`"
)]
pub trait WholeKey {}

impl<M, T, N> WholeKey for Column<M, T, N, Key> {}

/// Checks that a column grouped by alone is its model's primary key.
pub fn grouped_key<C: WholeKey>(_: &C) {}

/// A model with a `belongs_to` leading to `T`: what a `has_many`,
/// `has_one` or `many_to_many` of `T` goes back through.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `belongs_to` leading to `{T}`, which this relation goes back through",
    label = "no relation of `{Self}` leads back here",
    note = "declare one on the foreign key of `{Self}`, such as `#[model(belongs_to({T}))]`"
)]
pub trait BelongsToModel<T> {
    /// The names of the relations of `Self` that lead to `T`.
    const NAMES: &'static [&'static str];
    /// What to write when a relation names none of them.
    const HINT: &'static str;
}

/// Checks that `S` has a `belongs_to` named `name` leading to `T`: the
/// relation back that a `has_many`, `has_one` or `many_to_many` without
/// `via` reads. Fails to compile with `S`'s candidates otherwise.
pub const fn goes_back<S: BelongsToModel<T>, T>(name: &str) {
    let mut i = 0;
    while i < S::NAMES.len() {
        if same_str(S::NAMES[i], name) {
            return;
        }
        i += 1;
    }
    panic!("{}", S::HINT);
}

const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The type a foreign key must have: its target's primary key, or an
/// `Option` of it for a nullable relation.
#[diagnostic::on_unimplemented(
    message = "this foreign key is `{Self}`, but its target's primary key makes it `{K}`",
    label = "expected `{K}`",
    note = "a foreign key has the type of its target's primary key, in an `Option` when the relation is nullable; a `belongs_to` leads to a model whose primary key is one column"
)]
pub trait KeyOf<K> {}

impl<K> KeyOf<K> for K {}

/// The key type of a model whose primary key is several columns: no
/// foreign key holds one, and no collection is keyed on one (it is no
/// `Hash`, which [`ParentKey`](crate::__private::ParentKey) asks alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompositeKey {}

/// Checks that a non-null foreign key `F` holds `T`'s primary key.
pub const fn foreign_key<F: KeyOf<T::Key>, T: Model>() {}

/// Checks that a nullable foreign key `F` holds `T`'s primary key.
pub const fn nullable_foreign_key<F: KeyOf<Option<T::Key>>, T: Model>() {}

/// What an integer literal may meet.
#[diagnostic::on_unimplemented(
    message = "an integer cannot stand for a value of type `{Self}`",
    label = "expected a value of type `{Self}`",
    note = "integer literals meet integer and floating point values; bind other values as `{{parameters}}`"
)]
pub trait IntLiteral {}

/// What a floating point literal may meet.
#[diagnostic::on_unimplemented(
    message = "a floating point number cannot stand for a value of type `{Self}`",
    label = "expected a value of type `{Self}`",
    note = "floating point literals meet `f32` and `f64` values; an integer one takes an integer literal"
)]
pub trait FloatLiteral {}

/// What `true` and `false` may meet.
#[diagnostic::on_unimplemented(
    message = "`true` and `false` cannot stand for a value of type `{Self}`",
    label = "expected a value of type `{Self}`",
    note = "boolean literals meet `bool` values"
)]
pub trait BoolLiteral {}

macro_rules! literal_types {
    ($trait:ident: $($t:ty),*) => {
        $(impl $trait for $t {})*
    };
}

literal_types!(IntLiteral: i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);
literal_types!(FloatLiteral: f32, f64);
literal_types!(BoolLiteral: bool);

/// Checks that an integer literal may meet a value of type `T`.
pub fn int_literal<T: IntLiteral, N>(_: &Witness<T, N>) {}

/// Checks that a floating point literal may meet a value of type `T`.
pub fn float_literal<T: FloatLiteral, N>(_: &Witness<T, N>) {}

/// Checks that `true` or `false` may meet a value of type `T`.
pub fn bool_literal<T: BoolLiteral, N>(_: &Witness<T, N>) {}

/// Two values of one type, `Option` aside.
#[diagnostic::on_unimplemented(
    message = "cannot compare a value of type `{B}` with one of type `{Self}`",
    label = "this is `{Self}`",
    note = "both sides of a comparison have one type, `Option` aside"
)]
pub trait SameType<B> {}

impl<T> SameType<T> for T {}

/// Checks that two values that meet have one type.
pub fn same_type<A, B: SameType<A>, NA, NB>(_: &Witness<A, NA>, _: &Witness<B, NB>) {}

/// Text, as `like` matches.
#[diagnostic::on_unimplemented(
    message = "`like` matches text, and this is `{Self}`",
    label = "not text",
    note = "compare other values with `=`, `<`, `in`..."
)]
pub trait Text {}

impl Text for String {}

/// Checks that `like` reads text.
pub fn text<T: Text, N>(_: &Witness<T, N>) {}

/// A value that is a condition on its own.
#[diagnostic::on_unimplemented(
    message = "a condition is a `bool`, and this is `{Self}`",
    label = "not a boolean",
    note = "compare it, such as `count(...) > 0`, or test for related rows with `exists(...)`"
)]
pub trait Truth {}

impl Truth for bool {}

/// Checks that a value used as a condition is a boolean.
pub fn truth<T: Truth, N>(_: &Witness<T, N>) {}

// Dates and times are told by autoref specialization as well: the
// generated code calls `(&witness).temporal()`, which finds
// `ListedTemporal` on `Witness<T, N>` for the date and time types sqlx
// stores as text on SQLite, and `PlainTemporal` on `&Witness<T, N>` for
// any other type.

/// The date and time types SQLite stores as text, in whichever form the
/// program that wrote them chose.
pub trait Clocked {
    /// What the values are.
    const TEMPORAL: Temporal;
}

macro_rules! clocked {
    ($([$feature:literal] $t:ty => $temporal:ident;)*) => {
        $(
            #[cfg(feature = $feature)]
            impl Clocked for $t {
                const TEMPORAL: Temporal = Temporal::$temporal;
            }
        )*
    };
}

clocked!(
    ["chrono"] sqlx::types::chrono::NaiveDateTime => DateTime;
    ["chrono"] sqlx::types::chrono::NaiveTime => Time;
    ["time"] sqlx::types::time::PrimitiveDateTime => DateTime;
    ["time"] sqlx::types::time::OffsetDateTime => DateTime;
    ["time"] sqlx::types::time::Time => Time;
);

#[cfg(feature = "chrono")]
impl<Tz: sqlx::types::chrono::TimeZone> Clocked for sqlx::types::chrono::DateTime<Tz> {
    const TEMPORAL: Temporal = Temporal::DateTime;
}

/// A column type `sqlite_text` may describe.
#[diagnostic::on_unimplemented(
    message = "`sqlite_text` is for dates and times, and this column is `{Self}`",
    label = "not a date and time or a time of day",
    note = "`sqlite_text = \"sqlx\"` or `\"unix\"` says in which form SQLite holds a column of `chrono` or `time` dates and times"
)]
pub trait SqlxText {}

#[diagnostic::do_not_recommend]
impl<T: Clocked> SqlxText for T {}

/// Checks that a column `sqlite_text` describes holds dates and times.
pub const fn sqlx_text<T: SqlxText>() {}

/// What `column` holds, as its type says (`temporal`) and its model: a
/// column SQLite holds as sqlx writes it compares as stored, one of Unix
/// times against parameters read as Unix times.
pub fn stored<M, T, N, K>(column: &Column<M, T, N, K>, temporal: Temporal) -> Temporal {
    match (column.stored_form(), temporal) {
        (_, Temporal::Plain) | (SqliteText::Any, _) => temporal,
        (SqliteText::Sqlx, _) => Temporal::Plain,
        (SqliteText::Unix, _) => Temporal::Unix,
    }
}

/// Tells the date and time types.
pub trait ListedTemporal {
    /// What the values are.
    fn temporal(&self) -> Temporal;
}

impl<T: Clocked, N> ListedTemporal for Witness<T, N> {
    fn temporal(&self) -> Temporal {
        T::TEMPORAL
    }
}

/// Tells any other type.
pub trait PlainTemporal {
    /// [`Temporal::Plain`].
    fn temporal(&self) -> Temporal {
        Temporal::Plain
    }
}

impl<T, N> PlainTemporal for &Witness<T, N> {}

// Every column type works in every position but for two kinds, which
// fanless lists and refuses by autoref specialization: the generated code
// calls `(&witness).extremum()`, which finds the refusing trait's method on
// `Witness<T, N>` when `T` is listed, and otherwise the accepting trait's
// on `&Witness<T, N>`, one autoref further. Any other type, a user's or a
// third party's, is accepted without implementing a trait.

/// A column type without an order that `min` and `max` read alike on
/// every database.
#[diagnostic::on_unimplemented(
    message = "`min` and `max` need a column type with an order, and this column is `{Self}`",
    label = "no order for `min` and `max`",
    note = "test booleans with `exists(path where column)`, count them with `count(path where column)`; PostgreSQL has no `min` or `max` of a boolean, bytes, a UUID or JSON"
)]
pub trait Extremum {}

/// A column type whose values compare alike on every database: not JSON,
/// which MySQL compares as a document, MariaDB as text.
#[diagnostic::on_unimplemented(
    message = "`{Self}` values cannot be compared or sorted alike on every database",
    label = "not comparable",
    note = "JSON is selected, or tested with `is null`; compare another column"
)]
pub trait Comparable {}

/// The column types listed as without an order for `min` and `max`.
pub trait Unordered {}

/// The column types listed as without a comparison.
pub trait Incomparable {}

impl Unordered for bool {}
impl Unordered for Vec<u8> {}
#[cfg(feature = "uuid")]
impl Unordered for sqlx::types::Uuid {}
#[cfg(feature = "json")]
impl<T> Unordered for sqlx::types::Json<T> {}
#[cfg(feature = "json")]
impl Unordered for sqlx::types::JsonValue {}
#[cfg(feature = "json")]
impl<T> Incomparable for sqlx::types::Json<T> {}
#[cfg(feature = "json")]
impl Incomparable for sqlx::types::JsonValue {}

/// Refuses `min` and `max` of an [`Unordered`] type.
pub trait RefuseExtremum<T> {
    /// Fails to compile: `T` has no [`Extremum`].
    fn extremum(&self)
    where
        T: Extremum,
    {
    }
}

impl<T: Unordered, N> RefuseExtremum<T> for Witness<T, N> {}

/// Accepts `min` and `max` of any other type.
pub trait AcceptExtremum {
    /// Compiles.
    fn extremum(&self) {}
}

impl<T, N> AcceptExtremum for &Witness<T, N> {}

/// Refuses comparing or sorting an [`Incomparable`] type.
pub trait RefuseComparison<T> {
    /// Fails to compile: `T` is not [`Comparable`].
    fn comparable(&self)
    where
        T: Comparable,
    {
    }
}

impl<T: Incomparable, N> RefuseComparison<T> for Witness<T, N> {}

/// Accepts comparing or sorting any other type.
pub trait AcceptComparison {
    /// Compiles.
    fn comparable(&self) {}
}

impl<T, N> AcceptComparison for &Witness<T, N> {}
