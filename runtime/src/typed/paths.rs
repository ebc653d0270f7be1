//! Paths as rustc checks them: each segment a relation or a column of the
//! model before it, and whether a chain of relations is to-many, as a type.

use std::marker::PhantomData;

use crate::exec::ListArg;
use crate::model::{Bool, Card, Column, False, Model, ModelMeta, Relation, RelationMeta, ToOne};
use crate::nest::ParentKey;
use crate::plan::{Agg, AggFn, Cond, Expr, Temporal};

/// A type-level boolean carried by a value, so that rustc infers it from
/// the relations a join follows.
pub struct Flag<B>(PhantomData<fn() -> B>);

impl<B> Clone for Flag<B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B> Copy for Flag<B> {}

/// `false`: a branch of no relations.
pub fn no() -> Flag<False> {
    Flag(PhantomData)
}

/// Whether `rel` is to-many, or `rest` holds.
pub fn edge<R, B>(_: &R, _: Flag<B>) -> Flag<<<R::Card as Card>::Many as Bool>::Or<B>>
where
    R: AsRelation,
    B: Bool,
{
    Flag(PhantomData)
}

/// `a or b`.
pub fn or<A: Bool, B: Bool>(_: Flag<A>, _: Flag<B>) -> Flag<A::Or<B>> {
    Flag(PhantomData)
}

/// `a and b`.
pub fn and<A: Bool, B: Bool>(_: Flag<A>, _: Flag<B>) -> Flag<A::And<B>> {
    Flag(PhantomData)
}

/// A path segment that must be a relation.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a column, not a relation",
    label = "only the last segment of a path can name a column",
    note = "every segment before the last must be a relation declared on the model"
)]
pub trait AsRelation: Copy {
    /// [`One`](crate::One), [`Optional`](crate::Optional) or [`Many`](crate::Many).
    type Card: Card;
}

impl<S, T, C: Card> AsRelation for Relation<S, T, C> {
    type Card = C;
}

/// Follows a relation segment of a path.
pub fn relation<R: AsRelation>(rel: &R) -> R {
    *rel
}

/// Follows a relation segment of a path whose column is read directly: it
/// must lead to one row at most.
pub fn to_one<R>(rel: &R) -> R
where
    R: AsRelation,
    R::Card: ToOne,
{
    *rel
}

/// Builds the function from the row struct to what a query returns, once
/// the row's field types are pinned.
pub fn map_of<R, O>(_: PhantomData<R>, map: fn(R) -> O) -> fn(R) -> O {
    map
}

/// A path segment that must be a column.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a relation, not a column",
    label = "expected a column",
    note = "name a column of the related model (`path.column`), or count its rows with `count(path)`"
)]
pub trait AsColumn: Copy {}

impl<M, T, N, K> AsColumn for Column<M, T, N, K> {}

/// Reads the column segment of a path.
pub fn column<C: AsColumn>(column: &C) -> C {
    *column
}

/// The relations of the model a relation leads to.
pub fn relations_of<S, T: Model, C>(_: &Relation<S, T, C>) -> T::Relations {
    T::RELATIONS
}

/// The hops of a path's relations, one after another.
pub fn hops(relations: &[Vec<RelationMeta>]) -> Vec<RelationMeta> {
    relations.concat()
}

/// The names of the model a relation leads to.
pub fn target_of<S, T: Model, C>(_: &Relation<S, T, C>) -> &'static ModelMeta {
    T::META
}

/// The columns of the model a relation leads to.
pub fn columns_of<S, T: Model, C>(_: &Relation<S, T, C>) -> T::Columns {
    T::COLUMNS
}

/// The last segment of an aggregate's path: a relation (its rows) or a
/// column (its values).
pub trait PathEnd: Copy {
    /// The model the aggregate's `where` is read on.
    type Model: Model;
    /// Appends the relation to `hops`, or returns the column.
    fn finish(self, hops: &mut Vec<RelationMeta>) -> Option<&'static str>;
}

impl<S, T: Model, C> PathEnd for Relation<S, T, C> {
    type Model = T;
    fn finish(self, hops: &mut Vec<RelationMeta>) -> Option<&'static str> {
        hops.extend(self.hops());
        None
    }
}

impl<M: Model, T, N, K> PathEnd for Column<M, T, N, K> {
    type Model = M;
    fn finish(self, _: &mut Vec<RelationMeta>) -> Option<&'static str> {
        Some(self.name())
    }
}

/// Reads the last segment of a `count` path: a relation or a column.
pub fn path_end<E: PathEnd>(end: &E) -> E {
    *end
}

/// The relations of the model an aggregate's `where` is read on.
pub fn filter_scope<E: PathEnd>(_: &E) -> <E::Model as Model>::Relations {
    E::Model::RELATIONS
}

/// Builds an aggregate over `hops` then `end`, whose column (if it ends in
/// one) holds `temporal` values.
pub fn agg<E: PathEnd>(
    func: AggFn,
    distinct: bool,
    mut hops: Vec<RelationMeta>,
    end: E,
    temporal: Temporal,
    filter: Option<Cond>,
) -> Expr {
    let column = end.finish(&mut hops);
    Expr::Agg(Box::new(Agg {
        func,
        distinct,
        hops,
        column,
        temporal,
        filter,
    }))
}

/// The hops of `parts` (each a relation's first hop and the rest) one
/// after another, `N` in all: the path of a `has_many(..., through = ...)`,
/// built at compile time.
pub const fn path<const N: usize>(
    parts: &[(RelationMeta, &'static [RelationMeta])],
) -> [RelationMeta; N] {
    let mut out = [parts[0].0; N];
    let (mut part, mut n) = (0, 0);
    while part < parts.len() {
        let (head, tail) = parts[part];
        out[n] = head;
        n += 1;
        let mut i = 0;
        while i < tail.len() {
            out[n] = tail[i];
            n += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(n == N, "the path's length is the sum of its relations'");
    out
}

/// The type of a collection's field: a `Vec` of its row type `R`.
pub struct Rows<R>(PhantomData<fn() -> R>);

impl<R> Clone for Rows<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Rows<R> {}

impl<R> super::Typed for Rows<R> {
    type Value = Vec<R>;
}

/// The field type of a collection whose rows are `R`.
pub fn rows_of<R>(_: PhantomData<R>) -> Rows<R> {
    Rows(PhantomData)
}

/// The field of the row type `P` that a collection fills.
pub fn field_of<P, R>(
    _: PhantomData<P>,
    field: fn(&mut P) -> &mut Vec<R>,
) -> fn(&mut P) -> &mut Vec<R> {
    field
}

/// How the keys of the parents of a collection whose path starts with
/// `rel` are bound: their primary key, as a list.
pub fn key_list<S: Model, T, C>(
    _: &Relation<S, T, C>,
    list: fn(Vec<S::Key>) -> ListArg<S::Key>,
) -> fn(Vec<S::Key>) -> ListArg<S::Key>
where
    S::Key: ParentKey,
{
    list
}
