//! Decoding a row's fields as the query promises, and binding `limit` and
//! `offset` parameters.

use std::any::{Any, TypeId};

use sqlx::{ColumnIndex, Decode, Row, Type};

/// How a row field is decoded: [`Plain`]ly, or as a [`Sum`] that may have
/// left the range of its type.
pub trait Decoded<R: Row, K>: Sized {
    /// The field at `index` of `row`.
    fn decode(row: &R, index: usize) -> Result<Self, sqlx::Error>;
}

/// Decodes the value as sqlx does.
pub enum Plain {}

/// Decodes a sum, which the SQL leaves `NULL` where it is out of range of
/// the sum's type (MySQL casts it to the nearest value otherwise).
pub enum Sum {}

/// Reads nothing: a collection, loaded by a statement of its own.
pub enum Nest {}

impl<R: Row, T> Decoded<R, Nest> for Vec<T> {
    fn decode(_: &R, _: usize) -> Result<Self, sqlx::Error> {
        Ok(Vec::new())
    }
}

impl<R, T> Decoded<R, Plain> for T
where
    R: Row,
    T: for<'r> Decode<'r, R::Database> + Type<R::Database> + 'static,
    i32: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    i16: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    usize: ColumnIndex<R>,
{
    fn decode(row: &R, index: usize) -> Result<Self, sqlx::Error> {
        widening(row, index)
    }
}

/// Column `index` of `row` as a `T`, as sqlx reads it; where sqlx refuses
/// a narrower integer column for an integer field (PostgreSQL's `int2`
/// and `int4`, which frameworks make keys of, for an `i64`; `int2` for an
/// `i32`), that column read and widened.
pub(crate) fn widening<R, T>(row: &R, index: usize) -> Result<T, sqlx::Error>
where
    R: Row,
    T: for<'r> Decode<'r, R::Database> + Type<R::Database> + 'static,
    i32: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    i16: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    usize: ColumnIndex<R>,
{
    match row.try_get::<T, _>(index) {
        Err(error @ sqlx::Error::ColumnDecode { .. }) => widened(row, index).ok_or(error),
        read => read,
    }
}

/// The narrower integer at `index` of `row` as a `T`, where `T` is an
/// integer (or an `Option` of one) wider than it.
fn widened<R, T>(row: &R, index: usize) -> Option<T>
where
    R: Row,
    T: 'static,
    i32: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    i16: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    usize: ColumnIndex<R>,
{
    let is = |id: TypeId| TypeId::of::<T>() == id;
    let small = || row.try_get::<Option<i16>, _>(index).ok();
    let value: Box<dyn Any> = if is(TypeId::of::<i64>()) || is(TypeId::of::<Option<i64>>()) {
        let int = row.try_get::<Option<i32>, _>(index).ok();
        let value = int.or_else(|| small().map(|v| v.map(i32::from)))?;
        match is(TypeId::of::<i64>()) {
            true => Box::new(i64::from(value?)),
            false => Box::new(value.map(i64::from)),
        }
    } else if is(TypeId::of::<i32>()) || is(TypeId::of::<Option<i32>>()) {
        let value = small()?;
        match is(TypeId::of::<i32>()) {
            true => Box::new(i32::from(value?)),
            false => Box::new(value.map(i32::from)),
        }
    } else {
        return None;
    };
    value.downcast::<T>().ok().map(|value| *value)
}

/// Whether a column of `ty` reads into a `T` widened, as a row reads it:
/// `int2` and `int4` into an `i64`, `int2` into an `i32`.
pub fn widens<T: 'static, DB: sqlx::Database>(ty: &DB::TypeInfo) -> bool
where
    i32: Type<DB>,
    i16: Type<DB>,
{
    let is = |id: TypeId| TypeId::of::<T>() == id;
    if is(TypeId::of::<i64>()) || is(TypeId::of::<Option<i64>>()) {
        <i32 as Type<DB>>::compatible(ty) || <i16 as Type<DB>>::compatible(ty)
    } else if is(TypeId::of::<i32>()) || is(TypeId::of::<Option<i32>>()) {
        <i16 as Type<DB>>::compatible(ty)
    } else {
        false
    }
}

impl<R, T> Decoded<R, Sum> for T
where
    R: Row,
    T: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    usize: ColumnIndex<R>,
{
    fn decode(row: &R, index: usize) -> Result<Self, sqlx::Error> {
        let sum: Option<T> = row.try_get(index)?;
        sum.ok_or_else(|| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: out_of_range::<T>().into(),
        })
    }
}

/// Why a sum of type `T` could not be read.
pub(crate) fn out_of_range<T>() -> String {
    format!("the sum overflows `{}`", std::any::type_name::<T>())
}

/// A `limit` or `offset` parameter, bound as an `i64`: it fails to bind,
/// and so the query returns `Err`, when it is negative or past `i64::MAX`.
#[derive(Debug, Clone, Copy)]
pub struct Count(i128);

/// What a `limit` or `offset` parameter may be: an integer of any Rust
/// integer type, or a reference to one.
#[diagnostic::on_unimplemented(
    message = "`limit` and `offset` take an integer, and this parameter is `{Self}`",
    label = "expected an integer, such as `i64`, `u32` or `usize`",
    note = "`limit` and `offset` count rows: pass an integer, such as a `u32` page size or `{{items.len()}}`"
)]
pub trait RowCount {
    /// The count.
    fn get(&self) -> i128;
}

macro_rules! row_counts {
    ($($t:ty),*) => {$(
        impl RowCount for $t {
            fn get(&self) -> i128 {
                i128::from(*self)
            }
        }

        impl RowCount for &$t {
            fn get(&self) -> i128 {
                i128::from(**self)
            }
        }
    )*};
}

row_counts!(i8, i16, i32, i64, u8, u16, u32, u64);

// `usize` and `isize` are at most 64 bits wide on every target Rust
// supports; were one wider, a value past `i128` would still fail to bind.
macro_rules! pointer_sized_row_counts {
    ($($t:ty),*) => {$(
        impl RowCount for $t {
            fn get(&self) -> i128 {
                i128::try_from(*self).unwrap_or(i128::MAX)
            }
        }

        impl RowCount for &$t {
            fn get(&self) -> i128 {
                (*self).get()
            }
        }
    )*};
}

pointer_sized_row_counts!(usize, isize);

/// Checks a `limit` or `offset` parameter, and passes it on.
pub fn row_count<V: RowCount>(value: V) -> Count {
    Count(value.get())
}

impl<DB: sqlx::Database> Type<DB> for Count
where
    i64: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for Count
where
    i64: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        match i64::try_from(self.0) {
            Ok(count) if count >= 0 => count.encode_by_ref(buf),
            Ok(count) => Err(format!(
                "`limit` and `offset` must not be negative, and this one is {count}"
            )
            .into()),
            Err(_) => Err(format!(
                "`limit` and `offset` must be at most {}, and this one is {}",
                i64::MAX,
                self.0
            )
            .into()),
        }
    }
}
