//! The SQLite backend (the embedded default): one writer at a time, made explicit by a mutex
//! so writers queue in the process instead of failing with `SQLITE_BUSY`; readers run in
//! parallel (WAL).

use std::path::Path;
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{Mutex, MutexGuard};

use super::StoreError;
use super::sql::impl_store;

/// SQLite storage in one file.
#[derive(Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    writer: Mutex<()>,
}

impl SqliteStore {
    const LOCK_SUBJECT: &'static str =
        "SELECT compatibility, mode FROM subjects WHERE subject = $1";
    const AFTER_EXPLICIT_ID: Option<&'static str> = None;
    const EVENTS_QUERY: &'static str = "SELECT seq, kind, subject, version, schema_id, keys, actor, created_at, detail \
         FROM events WHERE seq > $1 AND (CAST($3 AS TEXT) IS NULL OR subject = $3) ORDER BY seq LIMIT $2";
    const PRUNE_EVENTS: &'static str = "DELETE FROM events \
         WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', $1 / 1000.0, 'unixepoch') AND seq < $2";

    /// The search SQL (see [`super::sql::search_sql`]): with words, the FTS5 index finds the
    /// documents and `bm25` (column weights: subject, names, tags, docs, body) orders them.
    pub fn search_sql(words: bool) -> &'static str {
        static WITH_WORDS: LazyLock<String> = LazyLock::new(|| {
            super::sql::search_sql(
                "search_fts f JOIN search_docs d ON d.id = f.rowid",
                "search_fts MATCH $1",
                "-bm25(search_fts, 10.0, 4.0, 4.0, 2.0, 1.0)",
            )
        });
        static ALL: LazyLock<String> = LazyLock::new(super::sql::search_all_sql);
        if words { &WITH_WORDS } else { &ALL }
    }

    /// Every word as a prefix: `order* AND customer*`.
    pub fn match_expression(words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("{w}*"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    const EVENT_TIME_MS: &'static str = "SELECT CAST((julianday(created_at) - 2440587.5) * 86400000 AS INTEGER) FROM events WHERE seq = $1";
    const NOTIFY: Option<&'static str> = None;

    /// One process owns an SQLite file, so its dispatcher always leads.
    #[allow(clippy::unused_async)]
    async fn lead(&self) -> Result<Option<Box<dyn super::DispatchLease>>, StoreError> {
        Ok(Some(Box::new(SqliteLease)))
    }

    #[allow(clippy::unused_self)]
    fn postgres_pool(&self) -> Option<sqlx::PgPool> {
        None
    }

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
            writer: Mutex::new(()),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn write_guard(&self) -> MutexGuard<'_, ()> {
        self.writer.lock().await
    }
}

impl_store!(SqliteStore, sqlx::Sqlite, "sqlite");

struct SqliteLease;

#[async_trait::async_trait]
impl super::DispatchLease for SqliteLease {
    async fn alive(&mut self) -> bool {
        true
    }
}
