//! The only path generated code uses. Not a public API: anything here may
//! change in any release.

pub use std::marker::PhantomData;

pub use crate::exec::{Arg, Args, FromRow, Query, SqlCache};
pub use crate::model::{
    Bool, Card, Column, False, Many, Model, NotNull, Nullable, Nullity, Numeric, One, Optional,
    Relation, RelationMeta, Table, ToOne, True, Unique,
};
pub use crate::plan::{
    Agg, AggFn, CmpOp, ColumnPath, Cond, Expr, Item, Join, JoinedAgg, Number, Order, Plan,
};
pub use crate::sql::{create_table, render_with, ColumnDef, DialectKind, Rendered, Strategy};
pub use crate::typed::*;
pub use sqlx;
