//! Decoding a row's fields as the query promises, and binding `limit` and
//! `offset` parameters.

use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::model::Numeric;

/// How a row field is decoded: [`Plain`]ly, or as a [`Sum`] narrowed back
/// to the column's type.
pub trait Decoded<R: Row, K>: Sized {
    /// The field at `index` of `row`.
    fn decode(row: &R, index: usize) -> Result<Self, sqlx::Error>;
}

/// Decodes the value as sqlx does.
pub enum Plain {}

/// Decodes the 64-bit sum the SQL casts to, then narrows it.
pub enum Sum {}

impl<R, T> Decoded<R, Plain> for T
where
    R: Row,
    T: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    usize: ColumnIndex<R>,
{
    fn decode(row: &R, index: usize) -> Result<Self, sqlx::Error> {
        row.try_get(index)
    }
}

impl<R, T> Decoded<R, Sum> for T
where
    R: Row,
    T: Numeric,
    T::Wide: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    usize: ColumnIndex<R>,
{
    fn decode(row: &R, index: usize) -> Result<Self, sqlx::Error> {
        let wide: T::Wide = row.try_get(index)?;
        T::narrow(wide).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: format!("the sum does not fit in `{}`", std::any::type_name::<T>()).into(),
        })
    }
}

/// A `limit` or `offset` parameter: an `i64` that fails to bind, and so
/// the query returns `Err`, when it is negative.
#[derive(Debug, Clone, Copy)]
pub struct Count(i64);

/// What a `limit` or `offset` parameter may be.
#[diagnostic::on_unimplemented(
    message = "`limit` and `offset` take an `i64`, and this parameter is `{Self}`",
    label = "expected `i64` or `&i64`",
    note = "convert it, such as `{{i64::from(n)}}` or `{{i64::try_from(n)?}}`"
)]
pub trait RowCount {
    /// The count.
    fn get(&self) -> i64;
}

impl RowCount for i64 {
    fn get(&self) -> i64 {
        *self
    }
}

impl RowCount for &i64 {
    fn get(&self) -> i64 {
        **self
    }
}

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
        if self.0 < 0 {
            return Err(format!(
                "`limit` and `offset` must not be negative, and this one is {}",
                self.0
            )
            .into());
        }
        self.0.encode_by_ref(buf)
    }
}
