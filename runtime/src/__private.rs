//! The only path generated code uses. Not a public API: anything here may
//! change in any release.

pub use std::marker::PhantomData;

pub use crate::exec::{
    AnyList, Arg, Args, BindList, FromRow, IntegerList, ListArg, ListProbe, OptArg, Query, SqlCache,
};
pub use crate::json::{json_probe, Carried, JsonError, JsonField, JsonReader, JsonRow, NotCarried};
pub use crate::model::{
    Bool, Card, Column, False, Key, Many, Model, NotKey, NotNull, Nullable, Nullity, Numeric, One,
    Optional, Relation, RelationMeta, Table, ToOne, True, Unique,
};
pub use crate::nest::{Children, Collection, Load, ParentKey};
pub use crate::plan::{
    Agg, AggFn, CmpOp, Collection as CollectionPlan, ColumnPath, Cond, Expr, Item, Join, JoinedAgg,
    Number, Order, Parent, Plan, Temporal,
};
pub use crate::sql::{
    carried, create_table, json_keys, json_list, length_class, render_shaped, render_with,
    ColumnDef, DialectKind, ListForm, Rendered, Shape, Strategy,
};
pub use crate::typed::*;
pub use crate::verify::Decodes;
pub use sqlx;
