//! What a backend provides: a way to run a statement with typed arguments and read named rows
//! ([`Sql`]), the statements that differ between databases ([`Dialect`]), a handle for reads
//! ([`SqlBackend`]) and one for a write transaction ([`SqlTransaction`]).
//!
//! The concern traits ([`super::SchemaReads`], [`super::WriteTx`], ...) are implemented once,
//! over these, in `reads.rs`, `log.rs` and `write.rs`; each backend module is its adapter, its
//! dialect and its connection handling.

use async_trait::async_trait;
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use super::StoreError;

/// An argument of a statement, bound as `$1`, `$2`... in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    Int(i64),
    Int32(i32),
    OptInt(Option<i64>),
    OptInt32(Option<i32>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Bool(bool),
}

/// A row type both databases can decode (derive `sqlx::FromRow`; tuples for scalars).
pub trait Row: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin {}

impl<T> Row for T where T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin
{}

/// Runs statements on a connection, a pool or a transaction.
#[async_trait]
pub trait Sql: Send {
    async fn fetch_all<R: Row>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<Vec<R>, StoreError>;

    async fn fetch_optional<R: Row>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<Option<R>, StoreError>;

    /// The number of rows affected.
    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError>;

    /// The one row a statement returns.
    async fn fetch_one<R: Row>(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<R, StoreError> {
        self.fetch_optional(sql, args)
            .await?
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
    }
}

/// The statements that differ between the databases.
pub trait Dialect {
    /// Locks a subject's row (created just before) and returns its settings.
    const LOCK_SUBJECT: &'static str;
    /// Hands out the next schema id (the caller skips ids already taken).
    const NEXT_SCHEMA_ID: &'static str;
    /// Makes the next schema id at least `$1 + 1` (after an IMPORT of id `$1`).
    const SCHEMA_IDS_PAST: &'static str;
    /// Makes the next schema id exactly `$1 + 1` (after the allocator jumped to a free id).
    const SCHEMA_IDS_FROM: &'static str;
    /// Events after `$1`, at most `$2`, of subject `$3` (or all), with `created_at` as text.
    const EVENTS: &'static str;
    /// When event `$1` was written, in Unix ms.
    const EVENT_TIME_MS: &'static str;
    /// Deletes events written before `$1` (Unix ms) with a seq below `$2`.
    const PRUNE_EVENTS: &'static str;

    /// The search statement (see [`super::sql::search`]), with or without words.
    fn search_sql(words: bool) -> &'static str;

    /// The full-text match expression for `words` (each a prefix, all required).
    fn match_expression(words: &[String]) -> String;
}

/// A backend's handle for reads.
pub trait SqlBackend: Send + Sync {
    type Dialect: Dialect;
    type Reader<'a>: Sql
    where
        Self: 'a;

    fn reader(&self) -> Self::Reader<'_>;
}

/// A backend's write transaction.
#[async_trait]
pub trait SqlTransaction: Sql {
    type Dialect: Dialect;

    /// An event was logged in this transaction: other processes are woken once it commits.
    fn logged_event(&mut self) {}

    async fn commit(self) -> Result<(), StoreError>;
}
