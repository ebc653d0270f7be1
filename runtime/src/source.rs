//! What a query with collections runs on: a pool, a connection or a
//! transaction, held as one connection for all its statements.

use futures_core::future::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::{Connection, Pool, TransactionManager};

use crate::exec::Dialect;
use crate::sql::DialectKind;

/// What a query with collections runs on, as sqlx's executors: `&pool`,
/// `&mut *conn` (a connection) or `&mut *tx` (a transaction's), of
/// PostgreSQL, SQLite or MySQL.
///
/// The query's futures are `Send` whatever the source: the connection is
/// held as one concrete type rather than as sqlx's `Acquire::Connection`,
/// whose projection rustc cannot prove `Send` for every lifetime (a query
/// awaited in `tokio::spawn` or an axum handler would not compile).
///
/// A connection a query takes from a pool is its own until it gives it
/// back, and so is the state it gives it back in:
///
/// * dropped before it is done (a request's future cancelled by a
///   timeout), the query may have begun a transaction the driver has not
///   yet counted, which would stay open on the server: on PostgreSQL and
///   MySQL such a connection is closed rather than given back to the pool;
///   on SQLite, whose worker runs the commands it was sent in order, a
///   rollback is sent after them;
/// * a pooled connection that comes in a transaction the driver counts,
///   left by a future that was dropped, belongs to no caller: the query
///   rolls it back before its own statements, rather than read inside it.
///
/// On a connection or a transaction of the caller's, the caller answers
/// for it: a query dropped while it begins its own transaction on `&mut
/// *conn` may leave one open, as sqlx's own `begin` may.
#[diagnostic::on_unimplemented(
    message = "a query with collections runs on a pool, a connection or a transaction, and this is `{Self}`",
    label = "expected `&pool`, `&mut *conn` or `&mut *tx`",
    note = "its statements need one connection: pass a pool, a connection or a transaction by reference"
)]
pub trait Source<'c, DB: Dialect>: Send {
    /// The connection, for every statement of the query.
    #[doc(hidden)]
    fn hold(self) -> BoxFuture<'c, Result<Held<'c, DB>, sqlx::Error>>;
}

/// A connection a query holds: taken from a pool, or lent by the caller.
#[doc(hidden)]
pub enum Held<'c, DB: Dialect> {
    /// Taken from a pool, given back when done.
    Pooled(Pooled<DB>),
    /// The caller's connection or transaction.
    Lent(&'c mut DB::Connection),
}

/// A connection taken from a pool, closed or rolled back rather than
/// given back as it is if the query is dropped before it is done.
#[doc(hidden)]
pub struct Pooled<DB: Dialect> {
    conn: PoolConnection<DB>,
    done: bool,
}

impl<DB: Dialect> Drop for Pooled<DB> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        match DB::KIND {
            // SQLite's worker runs the commands it was sent in order, a
            // `BEGIN` still waiting too, and then this rollback; closing a
            // connection to `:memory:` would lose the database.
            DialectKind::Sqlite => DB::TransactionManager::start_rollback(&mut self.conn),
            DialectKind::Postgres | DialectKind::MySql => self.conn.close_on_drop(),
        }
    }
}

impl<DB: Dialect> Held<'_, DB> {
    /// The connection, without a transaction that belongs to no caller.
    pub(crate) async fn connection(&mut self) -> Result<&mut DB::Connection, sqlx::Error> {
        let leftover = match self {
            Self::Pooled(pooled) => pooled.conn.is_in_transaction(),
            Self::Lent(_) => false,
        };
        let conn = self.raw();
        if leftover {
            while conn.is_in_transaction() {
                DB::TransactionManager::rollback(conn).await?;
            }
        }
        Ok(conn)
    }

    fn raw(&mut self) -> &mut DB::Connection {
        match self {
            Self::Pooled(pooled) => &mut pooled.conn,
            Self::Lent(conn) => conn,
        }
    }

    /// The query ran to its end (`Ok` or `Err`): a pooled connection goes
    /// back to the pool.
    pub(crate) fn done(&mut self) {
        if let Self::Pooled(pooled) = self {
            pooled.done = true;
        }
    }
}

impl<'c, DB: Dialect> Source<'c, DB> for &'c Pool<DB> {
    fn hold(self) -> BoxFuture<'c, Result<Held<'c, DB>, sqlx::Error>> {
        Box::pin(async move {
            let conn = self.acquire().await?;
            Ok(Held::Pooled(Pooled { conn, done: false }))
        })
    }
}

macro_rules! connections {
    ($($feature:literal $db:ty => $conn:ty),*) => {$(
        #[cfg(feature = $feature)]
        impl<'c> Source<'c, $db> for &'c mut $conn {
            fn hold(self) -> BoxFuture<'c, Result<Held<'c, $db>, sqlx::Error>> {
                Box::pin(async move { Ok(Held::Lent(self)) })
            }
        }
    )*};
}

connections!(
    "postgres" sqlx::Postgres => sqlx::PgConnection,
    "sqlite" sqlx::Sqlite => sqlx::SqliteConnection,
    "mysql" sqlx::MySql => sqlx::MySqlConnection
);
