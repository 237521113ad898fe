//! The SQLite backend (the embedded default): its adapter, its dialect (times as ISO-8601 text,
//! search with FTS5 over an external-content index kept in step by triggers) and its
//! connection. One writer at a time, made explicit by a mutex a write transaction holds, so
//! writers queue in the process instead of failing with `SQLITE_BUSY`; readers run in parallel
//! (WAL). One process owns the file, so its dispatcher always leads.

use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::adapter::{Arg, Dialect, Row, Sql, SqlBackend, SqlTransaction};
use super::{Backend, DispatchLease, StoreError, WriteTx, sql};

/// SQLite storage in one file.
#[derive(Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The writer's turn: held by a write transaction from begin to commit or rollback.
    writer: Arc<Mutex<()>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` (`sqlite://path`), runs the migrations.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(dir) = Path::new(options.get_filename()).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Corrupt(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            writer: Arc::new(Mutex::new(())),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

fn bound<'q>(statement: &'q str, args: &'q [Arg<'q>]) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    args.iter()
        .fold(sqlx::query(statement), |q, arg| match *arg {
            Arg::Int(v) => q.bind(v),
            Arg::Int32(v) => q.bind(v),
            Arg::OptInt(v) => q.bind(v),
            Arg::OptInt32(v) => q.bind(v),
            Arg::Text(v) => q.bind(v),
            Arg::OptText(v) => q.bind(v),
            Arg::Bool(v) => q.bind(v),
        })
}

fn decode<R: Row>(rows: &[SqliteRow]) -> Result<Vec<R>, StoreError> {
    rows.iter()
        .map(|r| R::from_row(r).map_err(StoreError::from))
        .collect()
}

/// Reads on the pool.
pub struct SqliteReader<'a>(&'a SqlitePool);

#[async_trait]
impl Sql for SqliteReader<'_> {
    async fn fetch_all<R: Row>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<Vec<R>, StoreError> {
        decode(&bound(sql, args).fetch_all(self.0).await?)
    }

    async fn fetch_optional<R: Row>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<Option<R>, StoreError> {
        let row = bound(sql, args).fetch_optional(self.0).await?;
        row.map(|r| R::from_row(&r).map_err(StoreError::from))
            .transpose()
    }

    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError> {
        Ok(bound(sql, args).execute(self.0).await?.rows_affected())
    }
}

/// A write transaction, holding the writer's turn (fields drop in order: the transaction
/// ends before the turn is released).
pub struct SqliteWrite {
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

#[async_trait]
impl Sql for SqliteWrite {
    async fn fetch_all<R: Row>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<Vec<R>, StoreError> {
        decode(&bound(sql, args).fetch_all(&mut *self.tx).await?)
    }

    async fn fetch_optional<R: Row>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
    ) -> Result<Option<R>, StoreError> {
        let row = bound(sql, args).fetch_optional(&mut *self.tx).await?;
        row.map(|r| R::from_row(&r).map_err(StoreError::from))
            .transpose()
    }

    async fn execute(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64, StoreError> {
        Ok(bound(sql, args)
            .execute(&mut *self.tx)
            .await?
            .rows_affected())
    }
}

#[async_trait]
impl SqlTransaction for SqliteWrite {
    type Dialect = Lite;

    async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// The SQLite statements.
pub struct Lite;

impl Dialect for Lite {
    /// The writer's turn is the lock: the row is only read.
    const LOCK_SUBJECT: &'static str = sql::SUBJECT_SETTINGS;
    /// A counter of its own (migration 0005), which the allocator can also move back.
    const NEXT_SCHEMA_ID: &'static str =
        "UPDATE schema_id_counter SET next_id = next_id + 1 RETURNING next_id - 1";
    const SCHEMA_IDS_PAST: &'static str =
        "UPDATE schema_id_counter SET next_id = MAX(next_id, $1 + 1) RETURNING next_id";
    const SCHEMA_IDS_FROM: &'static str =
        "UPDATE schema_id_counter SET next_id = $1 + 1 RETURNING next_id";
    const EVENTS: &'static str = "SELECT seq, kind, subject, version, schema_id, keys, actor, \
         created_at, detail FROM events \
         WHERE seq > $1 AND (CAST($3 AS TEXT) IS NULL OR subject = $3) ORDER BY seq LIMIT $2";
    const EVENT_TIME_MS: &'static str = "SELECT CAST((julianday(created_at) - 2440587.5) \
         * 86400000 AS INTEGER) FROM events WHERE seq = $1";
    const PRUNE_EVENTS: &'static str = "DELETE FROM events \
         WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', $1 / 1000.0, 'unixepoch') AND seq < $2";

    /// With words, the FTS5 index finds the documents and `bm25` (column weights: subject,
    /// names, tags, docs, body) orders them.
    fn search_sql(words: bool) -> &'static str {
        static WITH_WORDS: LazyLock<String> = LazyLock::new(|| {
            sql::search(
                "search_fts f JOIN search_docs d ON d.id = f.rowid",
                "search_fts MATCH $1",
                "-bm25(search_fts, 10.0, 4.0, 4.0, 2.0, 1.0)",
            )
        });
        static ALL: LazyLock<String> = LazyLock::new(sql::search_all);
        if words { &WITH_WORDS } else { &ALL }
    }

    /// Every word as a prefix: `order* AND customer*`.
    fn match_expression(words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("{w}*"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

impl SqlBackend for SqliteStore {
    type Dialect = Lite;
    type Reader<'a> = SqliteReader<'a>;

    fn reader(&self) -> SqliteReader<'_> {
        SqliteReader(&self.pool)
    }
}

#[async_trait]
impl Backend for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> Result<Box<dyn WriteTx>, StoreError> {
        let turn = self.writer.clone().lock_owned().await;
        Ok(Box::new(SqliteWrite {
            tx: self.pool.begin().await?,
            _turn: turn,
        }))
    }

    async fn try_lead_dispatch(&self) -> Result<Option<Box<dyn DispatchLease>>, StoreError> {
        Ok(Some(Box::new(SqliteLease)))
    }

    fn pg_pool(&self) -> Option<sqlx::PgPool> {
        None
    }

    fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }
}

struct SqliteLease;

#[async_trait]
impl DispatchLease for SqliteLease {
    async fn alive(&mut self) -> bool {
        true
    }
}
