//! The PostgreSQL backend: a subject is locked with `SELECT ... FOR UPDATE` on its row, ids come
//! from `schema_id_seq`.

use std::sync::LazyLock;
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use super::StoreError;
use super::sql::impl_store;

/// PostgreSQL storage.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    const LOCK_SUBJECT: &'static str =
        "SELECT compatibility, mode FROM subjects WHERE subject = $1 FOR UPDATE";
    /// After an IMPORT with an explicit id, the sequence moves past it (never backwards, so an
    /// id handed out before is never handed out again).
    const AFTER_EXPLICIT_ID: Option<&'static str> = Some(
        "SELECT setval('schema_id_seq', GREATEST((SELECT MAX(id) FROM schemas), (SELECT last_value FROM schema_id_seq)))",
    );
    const EVENTS_QUERY: &'static str = "SELECT seq, kind, subject, version, schema_id, keys, actor, \
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), detail \
         FROM events WHERE seq > $1 AND (CAST($3 AS TEXT) IS NULL OR subject = $3) ORDER BY seq LIMIT $2";
    const PRUNE_EVENTS: &'static str =
        "DELETE FROM events WHERE created_at < to_timestamp($1 / 1000.0) AND seq < $2";

    /// The search SQL (see [`super::sql::search_sql`]): with words, the GIN index on `tsv`
    /// finds the documents and `ts_rank` orders them.
    pub fn search_sql(words: bool) -> &'static str {
        static WITH_WORDS: LazyLock<String> = LazyLock::new(|| {
            super::sql::search_sql(
                "search_docs d",
                "d.tsv @@ to_tsquery('simple', $1)",
                "CAST(ts_rank(d.tsv, to_tsquery('simple', $1)) AS DOUBLE PRECISION)",
            )
        });
        static ALL: LazyLock<String> = LazyLock::new(super::sql::search_all_sql);
        if words { &WITH_WORDS } else { &ALL }
    }

    /// Every word as a prefix: `order:* & customer:*`.
    pub fn match_expression(words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }

    const EVENT_TIME_MS: &'static str =
        "SELECT CAST(EXTRACT(EPOCH FROM created_at) * 1000 AS BIGINT) FROM events WHERE seq = $1";
    /// Sent with every event, delivered at commit: wakes dispatchers in other processes.
    const NOTIFY: Option<&'static str> = Some("SELECT pg_notify('registry_events', '')");
    /// The advisory lock key of the dispatcher lease ("registry" in ASCII).
    const DISPATCH_LOCK: i64 = 0x7265_6769_7374_7279;

    /// The dispatcher lease: a session advisory lock on a connection taken out of the pool,
    /// released when the connection closes (on drop, or if the database goes away).
    async fn lead(&self) -> Result<Option<Box<dyn super::DispatchLease>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(Self::DISPATCH_LOCK)
            .fetch_one(&mut *conn)
            .await?;
        if !locked {
            return Ok(None);
        }
        Ok(Some(Box::new(PgLease(conn.detach()))))
    }

    #[allow(clippy::unnecessary_wraps)]
    fn postgres_pool(&self) -> Option<PgPool> {
        Some(self.pool.clone())
    }

    /// Connects and runs the migrations.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// PostgreSQL serialises writers per subject with row locks; no process-wide lock.
    #[allow(clippy::unused_async)]
    async fn write_guard(&self) {}
}

impl_store!(PostgresStore, sqlx::Postgres, "postgres");

struct PgLease(sqlx::PgConnection);

#[async_trait::async_trait]
impl super::DispatchLease for PgLease {
    async fn alive(&mut self) -> bool {
        sqlx::query("SELECT 1").execute(&mut self.0).await.is_ok()
    }
}
