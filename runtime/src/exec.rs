//! Running a query on sqlx: the per-site SQL cache, parameter binding, row
//! decoding and the `tracing` span of each execution.

use std::sync::{Mutex, OnceLock, PoisonError};

use futures_core::stream::BoxStream;
use sqlx::error::BoxDynError;
use sqlx::{Arguments, Database, Encode, Executor, IntoArguments, Type};
use tracing::Instrument;

use crate::plan::Plan;
use crate::sql::{self, DialectKind, ListForm, Rendered, Shape};

/// A database fanless renders SQL for: `sqlx::Postgres`, `sqlx::Sqlite` or
/// `sqlx::MySql`, each behind the cargo feature `postgres`, `sqlite` or
/// `mysql`.
pub trait Dialect: Database {
    /// Which renderer the database takes.
    #[doc(hidden)]
    const KIND: DialectKind;
}

#[cfg(feature = "postgres")]
impl Dialect for sqlx::Postgres {
    const KIND: DialectKind = DialectKind::Postgres;
}

#[cfg(feature = "sqlite")]
impl Dialect for sqlx::Sqlite {
    const KIND: DialectKind = DialectKind::Sqlite;
}

#[cfg(feature = "mysql")]
impl Dialect for sqlx::MySql {
    const KIND: DialectKind = DialectKind::MySql;
}

/// The SQL of one `query!` site, rendered on first use per dialect and,
/// for a query with list parameters on SQLite or MySQL, per length class
/// of its lists: at most 64 classes per list, so a bounded number of texts.
#[doc(hidden)]
#[derive(Debug)]
pub struct SqlCache {
    fixed: [OnceLock<Rendered>; 3],
    shaped: Mutex<Vec<(DialectKind, Shape, &'static Rendered)>>,
}

impl SqlCache {
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Self {
            fixed: [const { OnceLock::new() }; 3],
            shaped: Mutex::new(Vec::new()),
        }
    }

    fn get(
        &'static self,
        kind: DialectKind,
        shape: Shape,
        plan: impl FnOnce() -> Plan,
    ) -> &'static Rendered {
        let render = |plan: Plan, shape: &Shape| {
            sql::render_shaped(&plan, kind, sql::Strategy::Planner, shape)
        };
        if shape.is_fixed() {
            let slot = match kind {
                DialectKind::Postgres => &self.fixed[0],
                DialectKind::Sqlite => &self.fixed[1],
                DialectKind::MySql => &self.fixed[2],
            };
            return slot.get_or_init(|| render(plan(), &shape));
        }
        // A panic while the lock was held left the list whole: every
        // entry is pushed complete.
        let mut shaped = self.shaped.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&(_, _, rendered)) = shaped.iter().find(|(k, s, _)| *k == kind && *s == shape) {
            return rendered;
        }
        // Each shape is rendered once and kept for the program's life; the
        // shapes of a site are bounded, so this memory is too.
        let rendered: &'static Rendered = Box::leak(Box::new(render(plan(), &shape)));
        shaped.push((kind, shape, rendered));
        rendered
    }
}

impl SqlCache {
    /// The SQL of `plan` for the shape of `args` and, past them, of a
    /// collection's parent `keys`.
    pub(crate) fn shaped<'q, DB, A, L>(
        &'static self,
        args: &A,
        keys: Option<&L>,
        plan: impl FnOnce() -> Plan,
    ) -> &'static Rendered
    where
        DB: Dialect,
        A: Args<'q, DB>,
        L: Args<'q, DB>,
    {
        let mut shape = Shape::default();
        args.shape(0, &mut shape);
        if let Some(keys) = keys {
            keys.shape(A::LEN, &mut shape);
        }
        self.get(DB::KIND, shape, plan)
    }
}

/// Builds a value from a result row, by column position.
///
/// `#[derive(Model)]` implements it for the model, and `query!` for the
/// anonymous row type of each `select`.
#[doc(hidden)]
pub trait FromRow<R: sqlx::Row>: Sized {
    fn from_row(row: &R) -> Result<Self, sqlx::Error>;
}

/// The parameters of a query in written order, as a tree of tuples at most
/// 16 wide (so that a thousand parameters nest three deep), each leaf an
/// [`Arg`] or a [`ListArg`]; bound in whatever order the SQL text uses them.
#[doc(hidden)]
pub trait Args<'q, DB: Database>: Send {
    /// How many parameters the tree holds.
    const LEN: usize;
    /// Binds parameter `n`, which must not have been bound yet.
    fn add_nth(&mut self, n: usize, arguments: &mut DB::Arguments<'q>) -> Result<(), BoxDynError>;
    /// Adds to `shape` what the SQL text depends on, the tree's first
    /// parameter being argument `first`.
    fn shape(&self, first: usize, shape: &mut Shape) {
        let _ = (first, shape);
    }
}

/// One parameter, until it is bound.
#[doc(hidden)]
pub struct Arg<T>(pub Option<T>);

impl<'q, DB, T> Args<'q, DB> for Arg<T>
where
    DB: Database,
    T: Encode<'q, DB> + Type<DB> + Send + 'q,
{
    const LEN: usize = 1;

    fn add_nth(&mut self, n: usize, arguments: &mut DB::Arguments<'q>) -> Result<(), BoxDynError> {
        match (n, self.0.take()) {
            (0, Some(value)) => arguments.add(value),
            (0, None) => Err("a parameter is bound twice".into()),
            _ => Err(format!("the query has no parameter {n}").into()),
        }
    }
}

/// An optional filter's parameter (`{?expr}`): `None` drops the condition
/// that holds it, and is never bound. (The shape is read before binding
/// takes the value.)
#[doc(hidden)]
pub struct OptArg<T>(Option<T>);

impl<T> OptArg<T> {
    pub fn new(value: Option<T>) -> Self {
        Self(value)
    }
}

impl<'q, DB, T> Args<'q, DB> for OptArg<T>
where
    DB: Database,
    T: Encode<'q, DB> + Type<DB> + Send + 'q,
{
    const LEN: usize = 1;

    fn add_nth(&mut self, n: usize, arguments: &mut DB::Arguments<'q>) -> Result<(), BoxDynError> {
        Arg(self.0.take()).add_nth(n, arguments)
    }

    fn shape(&self, first: usize, shape: &mut Shape) {
        if self.0.is_none() {
            shape.absent.push(first);
        }
    }
}

/// A list parameter (`id in {ids}`), until it is bound: its elements (none
/// for an optional list that is `None`; the shape is read before binding
/// takes them), and for a list of integers the way to write them as the
/// JSON array SQLite and MySQL read a long one as.
#[doc(hidden)]
pub struct ListArg<T> {
    values: Option<Vec<T>>,
    json: Option<fn(&[T]) -> String>,
    /// From which length the JSON array is bound, per dialect: for a
    /// plain list, or for a collection's parent keys.
    json_from: fn(DialectKind, usize) -> bool,
}

impl<T> ListArg<T> {
    /// The list, bound element by element.
    pub fn new(values: Option<Vec<T>>) -> Self {
        Self {
            values,
            json: None,
            json_from: sql::json_list,
        }
    }

    /// The list of integers, bound as one JSON array where it is long.
    pub fn integers(values: Option<Vec<T>>) -> Self
    where
        T: JsonInteger,
    {
        Self {
            values,
            json: Some(json_array),
            json_from: sql::json_list,
        }
    }

    /// The list as the keys of a collection's parents.
    pub(crate) fn into_keys(self) -> Self {
        Self {
            json_from: sql::json_keys,
            ..self
        }
    }

    /// Whether `DB` reads the list as one JSON array.
    fn as_json<DB: Dialect>(&self) -> bool {
        let len = self.values.as_ref().map_or(0, Vec::len);
        self.json.is_some() && (self.json_from)(DB::KIND, len)
    }
}

/// `[1,2,3]`.
fn json_array<T: JsonInteger>(values: &[T]) -> String {
    let mut json = String::from("[");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        value.write(&mut json);
    }
    json.push(']');
    json
}

/// An integer type, which a long list binds as one JSON array of numbers.
#[doc(hidden)]
pub trait JsonInteger {
    /// Writes the integer as JSON.
    fn write(&self, json: &mut String);
}

macro_rules! json_integers {
    ($($t:ty),*) => {$(
        impl JsonInteger for $t {
            fn write(&self, json: &mut String) {
                use std::fmt::Write;
                let _ = write!(json, "{self}");
            }
        }
    )*};
}

json_integers!(i8, i16, i32, i64, u8, u16, u32);

impl<T: JsonInteger> JsonInteger for &T {
    fn write(&self, json: &mut String) {
        (*self).write(json);
    }
}

/// A list's elements, before the expansion knows whether they are
/// integers: it calls `(&probe).list_arg()`, which finds
/// [`IntegerList`] on `ListProbe<T>` for integers and [`AnyList`] on
/// `&ListProbe<T>`, one autoref further, for any other type.
#[doc(hidden)]
pub struct ListProbe<T>(std::cell::Cell<Option<Vec<T>>>);

impl<T> ListProbe<T> {
    /// The elements; `None` for an optional list that is `None`.
    pub fn new(values: Option<Vec<T>>) -> Self {
        Self(std::cell::Cell::new(values))
    }

    fn take(&self) -> Option<Vec<T>> {
        self.0.take()
    }
}

/// Makes the argument of a list of integers.
#[doc(hidden)]
pub trait IntegerList<T> {
    fn list_arg(&self) -> ListArg<T>;
}

impl<T: JsonInteger> IntegerList<T> for ListProbe<T> {
    fn list_arg(&self) -> ListArg<T> {
        ListArg::integers(self.take())
    }
}

/// Makes the argument of a list of any other type.
#[doc(hidden)]
pub trait AnyList<T> {
    fn list_arg(&self) -> ListArg<T>;
}

impl<T> AnyList<T> for &ListProbe<T> {
    fn list_arg(&self) -> ListArg<T> {
        ListArg::new(self.take())
    }
}

/// How a database binds a list of `T`: PostgreSQL as one array, the others
/// as one value per placeholder, the last repeated up to the length class.
#[doc(hidden)]
pub trait BindList<'q, T>: Dialect {
    fn add_list(list: ListArg<T>, arguments: &mut Self::Arguments<'q>) -> Result<(), BoxDynError>;
}

#[cfg(feature = "postgres")]
impl<'q, T> BindList<'q, T> for sqlx::Postgres
where
    Vec<T>: Encode<'q, Self> + Type<Self> + Send + 'q,
{
    fn add_list(list: ListArg<T>, arguments: &mut Self::Arguments<'q>) -> Result<(), BoxDynError> {
        arguments.add(list.values.unwrap_or_default())
    }
}

/// Binds the JSON array, or the elements, then the last of them again up
/// to the length class.
#[cfg(any(feature = "sqlite", feature = "mysql"))]
fn add_expanded<'q, DB, T>(
    list: ListArg<T>,
    arguments: &mut DB::Arguments<'q>,
) -> Result<(), BoxDynError>
where
    DB: Database,
    T: Encode<'q, DB> + Type<DB> + Clone + Send + 'q,
    String: Encode<'q, DB> + Type<DB>,
{
    let values = list.values.unwrap_or_default();
    if let Some(json) = list.json {
        return arguments.add(json(&values));
    }
    let padding = sql::length_class(values.len()) - values.len();
    let last = values.last().cloned();
    for value in values {
        arguments.add(value)?;
    }
    for value in last.into_iter().cycle().take(padding) {
        arguments.add(value)?;
    }
    Ok(())
}

macro_rules! bind_expanded {
    ($($feature:literal $db:ty),*) => {$(
        #[cfg(feature = $feature)]
        impl<'q, T> BindList<'q, T> for $db
        where
            T: Encode<'q, Self> + Type<Self> + Clone + Send + 'q,
        {
            fn add_list(list: ListArg<T>, arguments: &mut Self::Arguments<'q>) -> Result<(), BoxDynError> {
                add_expanded::<Self, T>(list, arguments)
            }
        }
    )*};
}

bind_expanded!("sqlite" sqlx::Sqlite, "mysql" sqlx::MySql);

impl<'q, DB, T> Args<'q, DB> for ListArg<T>
where
    DB: BindList<'q, T>,
    T: Send,
{
    const LEN: usize = 1;

    fn add_nth(&mut self, n: usize, arguments: &mut DB::Arguments<'q>) -> Result<(), BoxDynError> {
        match (n, self.values.is_some()) {
            (0, true) => {
                let list = ListArg {
                    json: self.json.filter(|_| self.as_json::<DB>()),
                    values: self.values.take(),
                    json_from: self.json_from,
                };
                DB::add_list(list, arguments)
            }
            (0, false) => Err("a parameter is bound twice, or an absent one at all".into()),
            _ => Err(format!("the query has no parameter {n}").into()),
        }
    }

    fn shape(&self, first: usize, shape: &mut Shape) {
        // PostgreSQL binds one array: its text is the same for any list.
        let form = match &self.values {
            None => return shape.absent.push(first),
            Some(_) if DB::KIND == DialectKind::Postgres => return,
            Some(_) if self.as_json::<DB>() => ListForm::Json,
            Some(values) => ListForm::Placeholders(sql::length_class(values.len())),
        };
        shape.lists.push((first, form));
    }
}

macro_rules! args_tuples {
    ($(($($index:tt $name:ident),*))*) => {$(
        impl<'q, DB: Database, $($name: Args<'q, DB>),*> Args<'q, DB> for ($($name,)*) {
            const LEN: usize = 0 $(+ $name::LEN)*;

            #[allow(unused_mut, unused_variables, unused_assignments)]
            fn shape(&self, first: usize, shape: &mut Shape) {
                let mut first = first;
                $(
                    self.$index.shape(first, shape);
                    first += $name::LEN;
                )*
            }

            #[allow(unused_mut, unused_variables)]
            fn add_nth(&mut self, n: usize, arguments: &mut DB::Arguments<'q>) -> Result<(), BoxDynError> {
                let mut n = n;
                $(
                    if n < $name::LEN {
                        return self.$index.add_nth(n, arguments);
                    }
                    n -= $name::LEN;
                )*
                Err(format!("the query has no parameter {n} more").into())
            }
        }
    )*};
}

args_tuples! {
    ()
    (0 A)
    (0 A, 1 B)
    (0 A, 1 B, 2 C)
    (0 A, 1 B, 2 C, 3 D)
    (0 A, 1 B, 2 C, 3 D, 4 E)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O)
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O, 15 P)
}

/// A query built by `query!` or `query_as!`, ready to run on any sqlx
/// executor (a pool, a connection, a transaction) of a [`Dialect`].
///
/// Its SQL is rendered once per call site and dialect; values are always
/// bound parameters.
#[must_use = "a query does nothing until it is fetched"]
pub struct Query<Raw, O, A, P> {
    cache: &'static SqlCache,
    plan: P,
    args: A,
    map: fn(Raw) -> O,
}

impl<Raw, O, A, P> Query<Raw, O, A, P>
where
    P: Fn() -> Plan,
{
    #[doc(hidden)]
    pub fn new(cache: &'static SqlCache, plan: P, args: A, map: fn(Raw) -> O) -> Self {
        Self {
            cache,
            plan,
            args,
            map,
        }
    }

    /// The SQL this query runs on `DB`.
    ///
    /// ```
    /// # use fanless::Model;
    /// # #[derive(Model)]
    /// # struct Store { #[model(primary_key)] id: i64, name: String }
    /// let q = fanless::query!(from Store select name where id = {7_i64});
    /// assert_eq!(
    ///     q.sql::<sqlx::Sqlite>(),
    ///     r#"SELECT t0."name" AS "name" FROM "store" AS t0 WHERE t0."id" = ?"#,
    /// );
    /// ```
    ///
    /// With a list parameter, on SQLite and MySQL, the text holds one
    /// placeholder per element, up to the list's length class.
    pub fn sql<'q, DB: Dialect>(&self) -> &'static str
    where
        A: Args<'q, DB>,
    {
        &self.rendered::<DB>().sql
    }

    /// The SQL, rendered without the cache: what the first call costs.
    #[doc(hidden)]
    pub fn render_uncached<DB: Dialect>(&self) -> String {
        sql::render(&(self.plan)(), DB::KIND).sql
    }

    /// The plan the query renders its SQL from.
    #[doc(hidden)]
    pub fn plan(&self) -> Plan {
        (self.plan)()
    }

    fn rendered<'q, DB: Dialect>(&self) -> &'static Rendered
    where
        A: Args<'q, DB>,
    {
        self.cache.shaped::<DB, A, ()>(&self.args, None, &self.plan)
    }

    /// Runs the query and collects every row.
    pub async fn fetch_all<'q, 'c, E, DB>(self, executor: E) -> Result<Vec<O>, sqlx::Error>
    where
        DB: Dialect,
        E: Executor<'c, Database = DB> + 'q,
        A: Args<'q, DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
        Raw: FromRow<DB::Row> + Send + 'q,
        O: Send + Unpin + 'q,
    {
        let (rendered, span) = self.start::<DB>();
        let query = self.into_sqlx(rendered)?;
        let record = span.clone();
        async move {
            let rows = query.fetch_all(executor).await?;
            record.record("rows", rows.len());
            Ok(rows)
        }
        .instrument(span)
        .await
    }

    /// Runs the query and returns its first row, or
    /// [`sqlx::Error::RowNotFound`].
    pub async fn fetch_one<'q, 'c, E, DB>(self, executor: E) -> Result<O, sqlx::Error>
    where
        DB: Dialect,
        E: Executor<'c, Database = DB> + 'q,
        A: Args<'q, DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
        Raw: FromRow<DB::Row> + Send + 'q,
        O: Send + Unpin + 'q,
    {
        let (rendered, span) = self.start::<DB>();
        let query = self.into_sqlx(rendered)?;
        let record = span.clone();
        async move {
            let row = query.fetch_one(executor).await?;
            record.record("rows", 1);
            Ok(row)
        }
        .instrument(span)
        .await
    }

    /// Runs the query and returns its first row, if any.
    pub async fn fetch_optional<'q, 'c, E, DB>(self, executor: E) -> Result<Option<O>, sqlx::Error>
    where
        DB: Dialect,
        E: Executor<'c, Database = DB> + 'q,
        A: Args<'q, DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
        Raw: FromRow<DB::Row> + Send + 'q,
        O: Send + Unpin + 'q,
    {
        let (rendered, span) = self.start::<DB>();
        let query = self.into_sqlx(rendered)?;
        let record = span.clone();
        async move {
            let row = query.fetch_optional(executor).await?;
            record.record("rows", usize::from(row.is_some()));
            Ok(row)
        }
        .instrument(span)
        .await
    }

    /// Runs the query and streams its rows: read them with
    /// [`RowStream::try_next`], or with any `Stream` combinator.
    pub fn fetch<'q, 'c, E, DB>(self, executor: E) -> RowStream<'q, O>
    where
        DB: Dialect,
        E: Executor<'c, Database = DB> + 'q,
        'c: 'q,
        A: Args<'q, DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
        Raw: FromRow<DB::Row> + Send + 'q,
        O: Send + Unpin + 'q,
    {
        let (rendered, span) = self.start::<DB>();
        let rows = match self.into_sqlx(rendered) {
            Ok(query) => span.in_scope(|| query.fetch(executor)),
            Err(error) => Box::pin(Once(Some(Err(error)))),
        };
        RowStream {
            rows,
            span,
            count: 0,
        }
    }

    fn start<'q, DB: Dialect>(&self) -> (&'static Rendered, tracing::Span)
    where
        A: Args<'q, DB>,
    {
        let rendered = self.rendered::<DB>();
        (rendered, span(&rendered.sql))
    }

    /// The sqlx query: `sql` with the parameters bound, decoding each row.
    #[allow(clippy::type_complexity)]
    fn into_sqlx<'q, DB>(
        self,
        rendered: &'static Rendered,
    ) -> Result<
        sqlx::query::Map<
            'q,
            DB,
            impl FnMut(DB::Row) -> Result<O, sqlx::Error> + Send + 'q,
            DB::Arguments<'q>,
        >,
        sqlx::Error,
    >
    where
        DB: Dialect,
        A: Args<'q, DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
        Raw: FromRow<DB::Row> + Send + 'q,
        O: Send + Unpin + 'q,
    {
        let mut args = self.args;
        let arguments = bind::<DB, _, ()>(rendered, &mut args, None)?;
        let map = self.map;
        Ok(sqlx::query_with(rendered.sql.as_str(), arguments)
            .try_map(move |row: DB::Row| Raw::from_row(&row).map(map)))
    }
}

/// The span of one statement: its SQL, and the rows it returned once
/// recorded.
pub(crate) fn span(sql: &str) -> tracing::Span {
    tracing::debug_span!(
        "fanless.query",
        db.statement = sql,
        rows = tracing::field::Empty
    )
}

/// The arguments of `rendered` in the order its text reads them: from
/// `args`, and past them from `list` (a collection's parent keys).
pub(crate) fn bind<'q, DB, A, L>(
    rendered: &Rendered,
    args: &mut A,
    mut list: Option<&mut L>,
) -> Result<DB::Arguments<'q>, sqlx::Error>
where
    DB: Dialect,
    A: Args<'q, DB>,
    L: Args<'q, DB>,
{
    let mut arguments = DB::Arguments::default();
    for &n in &rendered.order {
        let bound = match (n.checked_sub(A::LEN), list.as_deref_mut()) {
            (None, _) => args.add_nth(n, &mut arguments),
            (Some(n), Some(list)) => list.add_nth(n, &mut arguments),
            (Some(n), None) => Err(format!("the query has no parameter {n} more").into()),
        };
        bound.map_err(sqlx::Error::Encode)?;
    }
    Ok(arguments)
}

/// The rows of [`Query::fetch`], polled inside the query's span, which
/// records how many there were once the stream ends.
/// The rows of [`Query::fetch`], as they arrive: a `futures` `Stream`, and
/// without any crate beside fanless,
///
/// ```no_run
/// # use fanless::{query, Model};
/// # #[derive(Model)] struct Store { #[model(primary_key)] id: i64, name: String }
/// # async fn run(pool: &sqlx::SqlitePool) -> Result<(), sqlx::Error> {
/// let mut rows = query!(from Store select id, name).fetch(pool);
/// while let Some(store) = rows.try_next().await? {
///     println!("{} {}", store.id, store.name);
/// }
/// # Ok(())
/// # }
/// ```
pub struct RowStream<'q, T> {
    rows: BoxStream<'q, Result<T, sqlx::Error>>,
    span: tracing::Span,
    count: usize,
}

impl<T> RowStream<'_, T> {
    /// The next row, `None` after the last, or the error that ended the
    /// stream.
    pub async fn try_next(&mut self) -> Result<Option<T>, sqlx::Error> {
        std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(std::pin::Pin::new(&mut *self), cx)
        })
        .await
        .transpose()
    }
}

impl<T> std::fmt::Debug for RowStream<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream")
            .field("rows", &self.count)
            .finish_non_exhaustive()
    }
}

impl<T> futures_core::Stream for RowStream<'_, T> {
    type Item = Result<T, sqlx::Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = &mut *self;
        let _entered = this.span.enter();
        let next = this.rows.as_mut().poll_next(cx);
        match &next {
            std::task::Poll::Ready(Some(Ok(_))) => this.count += 1,
            std::task::Poll::Ready(None) => {
                this.span.record("rows", this.count);
            }
            _ => {}
        }
        next
    }
}

/// A stream of one item: the error of a query that could not be built.
struct Once<T>(Option<T>);

impl<T: Unpin> futures_core::Stream for Once<T> {
    type Item = T;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<T>> {
        std::task::Poll::Ready(self.0.take())
    }
}
