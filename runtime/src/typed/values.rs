//! The type of every value of a query, as a zero-sized witness, and the
//! checks that values which meet have types that fit.

use std::marker::PhantomData;

use crate::model::{Card, Column, Model, NotNull, Nullable, Nullity, Numeric, Relation};

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
pub fn witness<M, T, N: Nullity>(_: &Column<M, T, N>) -> Witness<T, N> {
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
    note = "numeric column types are `i16`, `i32`, `i64`, `f32` and `f64`, or `Option` of one"
)]
pub trait NumericColumn {
    /// The column's type without `Option`: the type of its sum.
    type Sum: Numeric;
}

impl<M, T: Numeric, N> NumericColumn for Column<M, T, N> {
    type Sum = T;
}

/// `sum(path.column)` has the column's type without `Option`.
pub fn sum<C: NumericColumn>(_: C) -> Witness<C::Sum> {
    Witness::new()
}

/// Whether `sum(path.column)` is cast to a floating point type.
pub fn sum_is_float<C: NumericColumn>(_: C) -> bool {
    <C::Sum as Numeric>::FLOAT
}

/// `avg(path.column)` is an `Option<f64>`.
pub fn avg<C: NumericColumn>(_: C) -> Witness<f64, Nullable> {
    Witness::new()
}

/// `min(path.column)` and `max(path.column)` are `Option` of the column's type.
pub fn min_max<M, T: Ordered, N>(_: &Column<M, T, N>) -> Witness<T, Nullable> {
    Witness::new()
}

/// A column that can be a condition on its own.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a boolean column, so it cannot be a condition on its own",
    label = "not a boolean",
    note = "compare it instead, such as `column = {{value}}` or `column is not null`"
)]
pub trait BooleanColumn {}

impl<M, N> BooleanColumn for Column<M, bool, N> {}

/// Checks that a column used as a condition is a boolean.
pub fn boolean<C: BooleanColumn>(_: C) {}

/// A parameter type that may stand where a value of type `T` is expected.
#[diagnostic::on_unimplemented(
    message = "a parameter of type `{Self}` cannot stand for a value of type `{T}`",
    label = "expected `{T}`, a reference to one, or `&str` for a `String`",
    note = "a value that may be `NULL` also takes an `Option` of one"
)]
pub trait Fits<T, N> {}

impl<T, N> Fits<T, N> for T {}
impl<T, N> Fits<T, N> for &T {}
impl<N> Fits<String, N> for &str {}
impl<T> Fits<T, Nullable> for Option<T> {}
impl<T> Fits<T, Nullable> for &Option<T> {}
impl<T> Fits<T, Nullable> for Option<&T> {}
impl Fits<String, Nullable> for Option<&str> {}

/// Checks that a parameter fits the value it meets, and passes it on.
pub fn fit<T, N, V: Fits<T, N>>(_: &Witness<T, N>, value: V) -> V {
    value
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
/// foreign key holds one.
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

/// A column type with an order every database knows: what `min` and `max`
/// accept.
#[diagnostic::on_unimplemented(
    message = "`min` and `max` need a number or text, and this column is `{Self}`",
    label = "no order for `min` and `max`",
    note = "test booleans with `exists(path where column)`, count them with `count(path where column)`"
)]
pub trait Ordered {}

literal_types!(Ordered: i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, String);
