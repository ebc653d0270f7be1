//! Cardinalities: how many target rows a relation leads to, as types, so
//! that rustc computes the checks of `query!` over them.

use std::fmt;
use std::marker::PhantomData;

use super::{Nullable, Nullity};

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
    /// The nullity a column of nullity `N` has when read through a relation
    /// of this cardinality (for a to-many one, that of each value).
    type Through<N: Nullity>: Nullity;
    /// Whether one row may lead to many, as a type: the join checks of
    /// `query!` are computed by rustc from it.
    #[doc(hidden)]
    type Many: Bool;
}

impl Card for One {
    type Through<N: Nullity> = N;
    type Many = False;
}

impl Card for Optional {
    type Through<N: Nullity> = Nullable;
    type Many = False;
}

impl Card for Many {
    type Through<N: Nullity> = N;
    type Many = True;
}

impl<C: ToOne> Card for Unique<C> {
    type Through<N: Nullity> = C::Through<N>;
    type Many = C::Many;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::One {}
    impl Sealed for super::Optional {}
    impl Sealed for super::Many {}
    impl<C> Sealed for super::Unique<C> {}
}

/// A boolean as a type, for the checks rustc computes over joins.
#[doc(hidden)]
pub trait Bool {
    /// `Self or B`.
    type Or<B: Bool>: Bool;
    /// `Self and B`.
    type And<B: Bool>: Bool;
}

/// The type `true`.
#[doc(hidden)]
pub enum True {}

/// The type `false`.
#[doc(hidden)]
pub enum False {}

impl Bool for True {
    type Or<B: Bool> = True;
    type And<B: Bool> = B;
}

impl Bool for False {
    type Or<B: Bool> = B;
    type And<B: Bool> = False;
}
