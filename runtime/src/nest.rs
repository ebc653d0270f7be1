//! Queries with collections: the root statement, then one statement per
//! collection for all the rows of the level above, keyed on their primary
//! keys, on one connection and one snapshot; or, for a collection SQLite
//! carries as JSON, a column of its parents' statement.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use futures_core::future::BoxFuture;
use sqlx::{ColumnIndex, Connection, Database, Decode, Executor, IntoArguments, Row, Type};
use tracing::Instrument;

use crate::exec::{bind, span, Args, Dialect, FromRow, ListArg, SqlCache};
use crate::json::JsonRows;
use crate::plan::Plan;
use crate::source::Source;
use crate::sql;
use crate::typed::widening;

/// The key a collection's rows are matched to their parent by: the parent
/// model's primary key, of one column.
#[diagnostic::on_unimplemented(
    message = "a collection is loaded by its parent's primary key, and `{Self}` is not one key value",
    label = "the collection's parent model has no primary key of one column that can be hashed",
    note = "give the parent model a primary key of one column, such as `#[model(primary_key)] id: i64`"
)]
pub trait ParentKey: Eq + Hash + Clone + Send + Sync + 'static {}

impl<T: Eq + Hash + Clone + Send + Sync + 'static> ParentKey for T {}

/// What the statements of one query share: the connection, the arguments
/// (each bound by the statement that reads it), the plan of every level,
/// and the count of statements run.
#[doc(hidden)]
pub struct Level<'a, DB: Database, A> {
    conn: &'a mut DB::Connection,
    args: &'a mut A,
    plan: &'a Plan,
    statements: &'a mut usize,
}

impl<DB: Database, A> Level<'_, DB, A> {
    fn reborrow(&mut self) -> Level<'_, DB, A> {
        Level {
            conn: &mut *self.conn,
            args: &mut *self.args,
            plan: self.plan,
            statements: &mut *self.statements,
        }
    }
}

/// The collections of a row type `R`: `()` for none, or a tuple of
/// [`Collection`]s, all keyed on the rows' primary key `Key`.
#[doc(hidden)]
pub trait Children<'q, DB: Dialect, R>: Send + Sized {
    /// The rows' key; `()` where they have no collections.
    type Key: Send + Sync;

    /// The key of a result row, at `index` (after the selected columns).
    fn key(row: &DB::Row, index: usize) -> Result<Self::Key, sqlx::Error>;

    /// Fills the collections that `row` carries as JSON (those `carried`
    /// marks, in its columns from `index` on) in `raw`, its decoded row.
    fn carry(
        &self,
        row: &DB::Row,
        index: usize,
        raw: &mut R,
        carried: &[bool],
    ) -> Result<(), sqlx::Error>;

    /// Fills each collection of `rows` that is not `carried`, `rows`' keys
    /// being `keys`.
    fn load<'a, A: Args<'q, DB> + 'a>(
        self,
        at: Level<'a, DB, A>,
        rows: &'a mut [R],
        keys: &'a [Self::Key],
        carried: &'a [bool],
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>
    where
        'q: 'a,
        Self: 'a,
        R: 'a;
}

impl<'q, DB: Dialect, R: Send> Children<'q, DB, R> for () {
    type Key = ();

    fn key(_: &DB::Row, _: usize) -> Result<(), sqlx::Error> {
        Ok(())
    }

    fn carry(&self, _: &DB::Row, _: usize, _: &mut R, _: &[bool]) -> Result<(), sqlx::Error> {
        Ok(())
    }

    fn load<'a, A: Args<'q, DB> + 'a>(
        self,
        _: Level<'a, DB, A>,
        _: &'a mut [R],
        _: &'a [()],
        _: &'a [bool],
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>
    where
        'q: 'a,
        Self: 'a,
        R: 'a,
    {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// One collection of the rows `P` of a level, keyed on `K`: loads its rows
/// `R` for every parent at once, then their own collections `C`.
#[doc(hidden)]
pub trait Load<'q, DB: Dialect, P>: Send {
    /// The parents' key.
    type Key;

    /// Fills the collection of `parent` from the JSON at `index` of `row`.
    fn carry(&self, row: &DB::Row, index: usize, parent: &mut P) -> Result<(), sqlx::Error>;

    /// Fills the collection of each of `parents`, whose keys are `keys`.
    fn load<'a, A: Args<'q, DB> + 'a>(
        self,
        at: Level<'a, DB, A>,
        parents: &'a mut [P],
        keys: &'a [Self::Key],
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>
    where
        'q: 'a,
        Self: 'a,
        P: 'a;
}

macro_rules! children_tuples {
    ($(($($index:tt $name:ident),+))*) => {$(
        impl<'q, DB, R, K, $($name),+> Children<'q, DB, R> for ($($name,)+)
        where
            DB: Dialect,
            R: Send,
            K: ParentKey + for<'r> Decode<'r, DB> + Type<DB>,
    i32: for<'r> Decode<'r, DB> + Type<DB>,
    i16: for<'r> Decode<'r, DB> + Type<DB>,
            i32: for<'r> Decode<'r, DB> + Type<DB>,
            i16: for<'r> Decode<'r, DB> + Type<DB>,
            usize: ColumnIndex<DB::Row>,
            $($name: Load<'q, DB, R, Key = K>,)+
        {
            type Key = K;

            fn key(row: &DB::Row, index: usize) -> Result<K, sqlx::Error> {
                widening(row, index)
            }

            fn carry(
                &self,
                row: &DB::Row,
                index: usize,
                raw: &mut R,
                carried: &[bool],
            ) -> Result<(), sqlx::Error> {
                // The carried collections' columns follow one another.
                $(if carried.get($index).copied().unwrap_or_default() {
                    let before = carried.iter().take($index).filter(|c| **c).count();
                    self.$index.carry(row, index + before, raw)?;
                })+
                Ok(())
            }

            fn load<'a, Z: Args<'q, DB> + 'a>(
                self,
                mut at: Level<'a, DB, Z>,
                rows: &'a mut [R],
                keys: &'a [K],
                carried: &'a [bool],
            ) -> BoxFuture<'a, Result<(), sqlx::Error>>
            where
                'q: 'a,
                Self: 'a,
                R: 'a,
            {
                Box::pin(async move {
                    $(if !carried.get($index).copied().unwrap_or_default() {
                        self.$index.load(at.reborrow(), &mut *rows, keys).await?;
                    })+
                    Ok(())
                })
            }
        }
    )*};
}

children_tuples! {
    (0 L0)
    (0 L0, 1 L1)
    (0 L0, 1 L1, 2 L2)
    (0 L0, 1 L1, 2 L2, 3 L3)
    (0 L0, 1 L1, 2 L2, 3 L3, 4 L4)
    (0 L0, 1 L1, 2 L2, 3 L3, 4 L4, 5 L5)
    (0 L0, 1 L1, 2 L2, 3 L3, 4 L4, 5 L5, 6 L6)
    (0 L0, 1 L1, 2 L2, 3 L3, 4 L4, 5 L5, 6 L6, 7 L7)
}

/// A collection, `path { items ... } as name`, of the rows `P`: the place
/// of its plan among the collections of the query's plan, how its parents'
/// keys are bound, the field it fills, its own collections, and how its
/// rows decode from JSON where they can be carried so.
#[doc(hidden)]
pub struct Collection<P, K, R, C> {
    cache: &'static SqlCache,
    at: &'static [usize],
    list: fn(Vec<K>) -> ListArg<K>,
    field: fn(&mut P) -> &mut Vec<R>,
    children: C,
    json: Option<JsonRows<R>>,
}

impl<P, K, R, C> Collection<P, K, R, C> {
    pub fn new(
        cache: &'static SqlCache,
        at: &'static [usize],
        list: fn(Vec<K>) -> ListArg<K>,
        field: fn(&mut P) -> &mut Vec<R>,
        children: C,
        json: Option<JsonRows<R>>,
    ) -> Self {
        Self {
            cache,
            at,
            list,
            field,
            children,
            json,
        }
    }
}

/// One statement of a query with collections: the root's, or a
/// collection's for every parent.
struct Statement<'p> {
    cache: &'static SqlCache,
    plan: &'p Plan,
    /// Whether the first row is enough.
    one: bool,
}

impl Statement<'_> {
    /// Its rows, its arguments bound from `args` and, past them, from
    /// `keys`, the parents' keys; counted in `statements`, in a span of its
    /// own.
    async fn run<'q, DB, A, L>(
        self,
        conn: &mut DB::Connection,
        args: &mut A,
        mut keys: Option<L>,
        statements: &mut usize,
    ) -> Result<Vec<DB::Row>, sqlx::Error>
    where
        DB: Dialect,
        A: Args<'q, DB>,
        L: Args<'q, DB>,
        for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
    {
        let rendered = self
            .cache
            .shaped::<DB, A, L>(args, keys.as_ref(), || self.plan.clone());
        let arguments = bind::<DB, _, _>(rendered, args, keys.as_mut())?;
        *statements += 1;
        let span = span(&rendered.sql);
        // Fetched, then decoded: decoding each row as it arrives
        // (`try_map`) measured 1.6× slower on SQLite in
        // `examples/loading.rs`, and no faster elsewhere.
        let query = sqlx::query_with(rendered.sql.as_str(), arguments);
        let rows = if self.one {
            query
                .fetch_optional(&mut *conn)
                .instrument(span.clone())
                .await?
                .into_iter()
                .collect()
        } else {
            query.fetch_all(&mut *conn).instrument(span.clone()).await?
        };
        span.record("rows", rows.len());
        Ok(rows)
    }
}

/// The plan of the collection at `at` in `plan`'s tree of collections.
fn collection_plan<'p>(plan: &'p Plan, at: &[usize]) -> Result<&'p Plan, sqlx::Error> {
    at.iter().try_fold(plan, |plan, &index| {
        plan.collections
            .get(index)
            .map(|collection| &collection.plan)
            .ok_or_else(|| sqlx::Error::Protocol(format!("fanless: no collection at {at:?}")))
    })
}

/// Which collections of `plan`'s rows come inside its statement, as JSON.
fn carried<DB: Dialect>(plan: &Plan) -> Vec<bool> {
    plan.collections
        .iter()
        .map(|collection| sql::carried(collection, DB::KIND))
        .collect()
}

/// The keys of `keys`, each once, in their first order.
fn unique<K: ParentKey>(keys: &[K]) -> Vec<K> {
    let mut seen = HashSet::new();
    keys.iter()
        .filter(|key| seen.insert(*key))
        .cloned()
        .collect()
}

impl<'q, DB, P, K, R, C> Load<'q, DB, P> for Collection<P, K, R, C>
where
    DB: Dialect,
    P: Send,
    K: ParentKey + for<'r> Decode<'r, DB> + Type<DB>,
    i32: for<'r> Decode<'r, DB> + Type<DB>,
    i16: for<'r> Decode<'r, DB> + Type<DB>,
    R: FromRow<DB::Row> + Clone + Send,
    C: Children<'q, DB, R>,
    ListArg<K>: Args<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: Decode<'r, DB> + Type<DB>,
    for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
    DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    type Key = K;

    fn carry(&self, row: &DB::Row, index: usize, parent: &mut P) -> Result<(), sqlx::Error> {
        let decode = self.json.ok_or_else(|| {
            sqlx::Error::Protocol("fanless: a collection carried as JSON has no decoder".into())
        })?;
        let text: &str = row.try_get(index)?;
        *(self.field)(parent) = decode(text).map_err(|e| sqlx::Error::ColumnDecode {
            index: index.to_string(),
            source: Box::new(e),
        })?;
        Ok(())
    }

    fn load<'a, A: Args<'q, DB> + 'a>(
        self,
        at: Level<'a, DB, A>,
        parents: &'a mut [P],
        keys: &'a [K],
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>
    where
        'q: 'a,
        Self: 'a,
        P: 'a,
    {
        Box::pin(async move {
            let Level {
                conn,
                args,
                plan,
                statements,
            } = at;
            let unique = unique(keys);
            if unique.is_empty() {
                return Ok(());
            }
            let own = collection_plan(plan, self.at)?;
            let list = (self.list)(unique).into_keys();
            let statement = Statement {
                cache: self.cache,
                plan: own,
                one: false,
            };
            let rows = statement.run(conn, args, Some(list), statements).await?;

            let items = own.select.as_ref().map_or(0, Vec::len);
            let carried = carried::<DB>(own);
            let mut children = Vec::with_capacity(rows.len());
            let mut parent_keys = Vec::with_capacity(rows.len());
            let mut child_keys = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut child = R::from_row(row)?;
                // The parent's key, the row's own, then the carried JSON.
                self.children.carry(row, items + 2, &mut child, &carried)?;
                children.push(child);
                parent_keys.push(widening::<_, K>(row, items)?);
                child_keys.push(C::key(row, items + 1)?);
            }
            drop(rows);
            let level = Level {
                conn,
                args,
                plan,
                statements,
            };
            self.children
                .load(level, &mut children, &child_keys, &carried)
                .await?;

            // Each parent gets its rows in the statement's order; a key
            // that several parents share (a path that reaches a row twice)
            // gives each a copy.
            let mut positions: HashMap<&K, Vec<usize>> = HashMap::new();
            for (position, key) in keys.iter().enumerate() {
                positions.entry(key).or_default().push(position);
            }
            for (child, key) in children.into_iter().zip(&parent_keys) {
                let Some((&last, rest)) = positions.get(key).and_then(|p| p.split_last()) else {
                    continue;
                };
                for &position in rest {
                    if let Some(parent) = parents.get_mut(position) {
                        (self.field)(parent).push(child.clone());
                    }
                }
                if let Some(parent) = parents.get_mut(last) {
                    (self.field)(parent).push(child);
                }
            }
            Ok(())
        })
    }
}

/// A query with collections, built by `query!` or `query_as!`: its rows,
/// each with the rows of its collections, in a number of statements that
/// depends on the query and the database alone (one for the rows, then one
/// per collection that has parents, unless SQLite carries it inside its
/// parents' statement as JSON), run on one connection in one snapshot.
///
/// It runs on a [`Source`]: a pool (the statements then run in a read-only
/// transaction, repeatable read where the database has it), a connection
/// (the same, unless it is in a transaction), or a transaction (`&mut
/// *tx`, whose snapshot they read); its futures are `Send`, so it is
/// awaited in `tokio::spawn` or a web handler. Dropped before it is done
/// (a request cancelled by a timeout), it leaves no transaction open on a
/// connection it took from a pool (see [`Source`]).
#[must_use = "a query does nothing until it is fetched"]
pub struct Nested<Raw, O, A, P, C> {
    cache: &'static SqlCache,
    plan: P,
    args: A,
    map: fn(Raw) -> O,
    children: C,
}

impl<Raw, O, A, P, C> Nested<Raw, O, A, P, C>
where
    P: Fn() -> Plan,
{
    #[doc(hidden)]
    pub fn new(cache: &'static SqlCache, plan: P, args: A, map: fn(Raw) -> O, children: C) -> Self {
        Self {
            cache,
            plan,
            args,
            map,
            children,
        }
    }

    /// The SQL of the query's statements on `DB`, each ended by `;` on a
    /// line of its own: the one that selects its rows, then one per
    /// collection that is not carried inside its parents' statement, in
    /// the order they run (a collection's parents' keys written as for one
    /// parent).
    pub fn sql<'q, DB: Dialect>(&self) -> String
    where
        A: Args<'q, DB>,
    {
        let mut shape = sql::Shape::default();
        self.args.shape(0, &mut shape);
        let statements = sql::statements(&(self.plan)(), DB::KIND, &shape);
        statements.iter().map(|sql| format!("{sql};\n")).collect()
    }

    /// The plan the query renders its SQL from, its collections' plans
    /// inside.
    #[doc(hidden)]
    pub fn plan(&self) -> Plan {
        (self.plan)()
    }

    /// Runs the query and collects every row, each with its collections.
    pub async fn fetch_all<'q, 'c, E, DB>(self, source: E) -> Result<Vec<O>, sqlx::Error>
    where
        DB: Dialect,
        E: Source<'c, DB>,
        A: Args<'q, DB>,
        C: Children<'q, DB, Raw>,
        Raw: FromRow<DB::Row> + Send,
        for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
    {
        self.run(source, usize::MAX).await
    }

    /// Runs the query and returns its first row, with its collections, or
    /// [`sqlx::Error::RowNotFound`].
    pub async fn fetch_one<'q, 'c, E, DB>(self, source: E) -> Result<O, sqlx::Error>
    where
        DB: Dialect,
        E: Source<'c, DB>,
        A: Args<'q, DB>,
        C: Children<'q, DB, Raw>,
        Raw: FromRow<DB::Row> + Send,
        for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
    {
        self.run(source, 1)
            .await?
            .pop()
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Runs the query and returns its first row, with its collections, if
    /// any.
    pub async fn fetch_optional<'q, 'c, E, DB>(self, source: E) -> Result<Option<O>, sqlx::Error>
    where
        DB: Dialect,
        E: Source<'c, DB>,
        A: Args<'q, DB>,
        C: Children<'q, DB, Raw>,
        Raw: FromRow<DB::Row> + Send,
        for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
    {
        Ok(self.run(source, 1).await?.pop())
    }

    /// The first `most` rows, on a connection held from `source`.
    async fn run<'q, 'c, E, DB>(self, source: E, most: usize) -> Result<Vec<O>, sqlx::Error>
    where
        DB: Dialect,
        E: Source<'c, DB>,
        A: Args<'q, DB>,
        C: Children<'q, DB, Raw>,
        Raw: FromRow<DB::Row> + Send,
        for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
    {
        let mut held = source.hold().await?;
        let rows = self.on(held.connection().await?, most).await;
        held.done();
        rows
    }

    /// The first `most` rows, on `conn`: in a snapshot of its own unless
    /// it is already in a transaction.
    async fn on<'q, DB>(self, conn: &mut DB::Connection, most: usize) -> Result<Vec<O>, sqlx::Error>
    where
        DB: Dialect,
        A: Args<'q, DB>,
        C: Children<'q, DB, Raw>,
        Raw: FromRow<DB::Row> + Send,
        for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
    {
        let span = tracing::debug_span!("fanless.nested", statements = tracing::field::Empty);
        let mut statements = 0;
        let plan = (self.plan)();
        // Where every collection comes inside the rows' statement, that
        // one statement reads one snapshot by itself.
        let carried = carried::<DB>(&plan);
        let alone = carried.iter().all(|carried| *carried);
        let rows = if alone || conn.is_in_transaction() {
            self.statements(&plan, &carried, conn, most, &mut statements)
                .instrument(span.clone())
                .await
        } else {
            let (before, begin) = sql::snapshot(DB::KIND);
            if let Some(before) = before {
                (&mut *conn).execute(before).await?;
            }
            let mut tx = conn.begin_with(begin).await?;
            let rows = self
                .statements(&plan, &carried, &mut tx, most, &mut statements)
                .instrument(span.clone())
                .await?;
            tx.commit().await?;
            Ok(rows)
        };
        span.record("statements", statements);
        rows
    }

    /// The rows of `plan`, and of each collection, `carried` saying which
    /// come inside the rows' statement.
    async fn statements<'q, DB>(
        self,
        plan: &Plan,
        carried: &[bool],
        conn: &mut DB::Connection,
        most: usize,
        statements: &mut usize,
    ) -> Result<Vec<O>, sqlx::Error>
    where
        DB: Dialect,
        A: Args<'q, DB>,
        C: Children<'q, DB, Raw>,
        Raw: FromRow<DB::Row> + Send,
        for<'e> &'e mut DB::Connection: Executor<'e, Database = DB>,
        DB::Arguments<'q>: IntoArguments<'q, DB>,
    {
        let Self {
            cache,
            mut args,
            map,
            children,
            ..
        } = self;
        let statement = Statement {
            cache,
            plan,
            one: most == 1,
        };
        let rows = statement
            .run(&mut *conn, &mut args, None::<()>, statements)
            .await?;
        let items = plan.select.as_ref().map_or(0, Vec::len);
        let mut raws = Vec::with_capacity(rows.len());
        let mut keys = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut raw = Raw::from_row(row)?;
            // The row's key, then the carried JSON.
            children.carry(row, items + 1, &mut raw, carried)?;
            raws.push(raw);
            keys.push(C::key(row, items)?);
        }
        drop(rows);
        let level = Level {
            conn,
            args: &mut args,
            plan,
            statements,
        };
        children.load(level, &mut raws, &keys, carried).await?;
        Ok(raws.into_iter().map(map).collect())
    }
}
