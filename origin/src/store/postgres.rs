//! The PostgreSQL backend: its adapter, its dialect (a subject locked with `SELECT ... FOR
//! UPDATE` on its row, ids from `schema_id_seq`, `NOTIFY` after every commit that logged an
//! event (`notifier.rs`), times from
//! `TIMESTAMPTZ`, search with a GIN index over a weighted `tsvector`) and its connection.

use std::sync::LazyLock;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgPoolOptions, PgRow};
use sqlx::query::Query;
use sqlx::{PgPool, Postgres, Transaction};

use super::adapter::{Arg, Dialect, Row, Sql, SqlBackend, SqlTransaction};
use super::notifier::Notifier;
use super::{Backend, DispatchLease, OneCall, OneCallOutcome, StoreError, WriteTx, sql};

/// PostgreSQL storage.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    notifier: Notifier,
}

/// How long a pooled connection may sit idle before it is pinged ahead of its next use.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// The advisory lock key of the dispatcher lease ("registry" in ASCII).
const DISPATCH_LOCK: i64 = 0x7265_6769_7374_7279;

impl PostgresStore {
    /// Connects and runs the migrations.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            // A connection in steady use is known to work: pinging it before every use (sqlx's
            // default) would add a round trip to each statement outside a transaction. One
            // that sat idle (the database may have restarted since) is pinged first.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_AFTER_IDLE {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let notifier = Notifier::start(pool.clone());
        Ok(Self { pool, notifier })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The search statement (see [`Dialect::search_sql`]), for `EXPLAIN`.
    pub fn search_sql(words: bool) -> &'static str {
        Pg::search_sql(words)
    }

    /// The full-text match expression (see [`Dialect::match_expression`]).
    pub fn match_expression(words: &[String]) -> String {
        Pg::match_expression(words)
    }
}

fn bound<'q>(statement: &'q str, args: &'q [Arg<'q>]) -> Query<'q, Postgres, PgArguments> {
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

fn decode<R: Row>(rows: &[PgRow]) -> Result<Vec<R>, StoreError> {
    rows.iter()
        .map(|r| R::from_row(r).map_err(StoreError::from))
        .collect()
}

/// Reads on the pool.
pub struct PgReader<'a>(&'a PgPool);

#[async_trait]
impl Sql for PgReader<'_> {
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

/// A write transaction: writers of different subjects run in parallel, each subject's row
/// locked until commit. With an event logged, other processes are notified after the commit.
pub struct PgWrite {
    tx: Transaction<'static, Postgres>,
    notifier: Notifier,
    logged_event: bool,
}

#[async_trait]
impl Sql for PgWrite {
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
impl SqlTransaction for PgWrite {
    type Dialect = Pg;

    fn logged_event(&mut self) {
        self.logged_event = true;
    }

    async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        if self.logged_event {
            self.notifier.committed();
        }
        Ok(())
    }
}

/// The PostgreSQL statements.
pub struct Pg;

impl Dialect for Pg {
    const LOCK_SUBJECT: &'static str =
        "SELECT compatibility, mode, config FROM subjects WHERE subject = $1 FOR UPDATE";
    const NEXT_SCHEMA_ID: &'static str = "SELECT nextval('schema_id_seq')";
    const SCHEMA_IDS_PAST: &'static str = "SELECT setval('schema_id_seq', \
         GREATEST($1, (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM schema_id_seq)))";
    const SCHEMA_IDS_FROM: &'static str = "SELECT setval('schema_id_seq', $1)";
    const EVENTS: &'static str = "SELECT seq, kind, subject, version, schema_id, keys, actor, \
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at, \
         detail FROM events WHERE seq > $1 AND (CAST($3 AS TEXT) IS NULL OR subject = $3) \
         ORDER BY seq LIMIT $2";
    const EVENT_TIME_MS: &'static str =
        "SELECT CAST(EXTRACT(EPOCH FROM created_at) * 1000 AS BIGINT) FROM events WHERE seq = $1";
    const PRUNE_EVENTS: &'static str =
        "DELETE FROM events WHERE created_at < to_timestamp($1 / 1000.0) AND seq < $2";

    /// With words, the GIN index on `tsv` finds the documents and `ts_rank` orders them.
    fn search_sql(words: bool) -> &'static str {
        static WITH_WORDS: LazyLock<String> = LazyLock::new(|| {
            sql::search(
                "search_docs d",
                "d.tsv @@ to_tsquery('simple', $1)",
                "CAST(ts_rank(d.tsv, to_tsquery('simple', $1)) AS DOUBLE PRECISION)",
            )
        });
        static ALL: LazyLock<String> = LazyLock::new(sql::search_all);
        if words { &WITH_WORDS } else { &ALL }
    }

    /// Every word as a prefix: `order:* & customer:*`.
    fn match_expression(words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

impl SqlBackend for PostgresStore {
    type Dialect = Pg;
    type Reader<'a> = PgReader<'a>;

    fn reader(&self) -> PgReader<'_> {
        PgReader(&self.pool)
    }
}

#[async_trait]
impl Backend for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> Result<Box<dyn WriteTx>, StoreError> {
        Ok(Box::new(PgWrite {
            tx: self.pool.begin().await?,
            notifier: self.notifier.clone(),
            logged_event: false,
        }))
    }

    async fn register_in_one_call(
        &self,
        registration: &OneCall<'_>,
    ) -> Result<Option<OneCallOutcome>, StoreError> {
        let outcome = super::one_call::register_pg(&self.pool, registration).await?;
        if matches!(outcome, OneCallOutcome::Written { .. }) {
            self.notifier.committed();
        }
        Ok(Some(outcome))
    }

    /// A session advisory lock on a connection taken out of the pool, released when the
    /// connection closes (on drop, or if the database goes away).
    async fn try_lead_dispatch(&self) -> Result<Option<Box<dyn DispatchLease>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(DISPATCH_LOCK)
            .fetch_one(&mut *conn)
            .await?;
        if !locked {
            return Ok(None);
        }
        Ok(Some(Box::new(PgLease(conn.detach()))))
    }

    fn pg_pool(&self) -> Option<PgPool> {
        Some(self.pool.clone())
    }

    fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }
}

struct PgLease(sqlx::PgConnection);

#[async_trait]
impl DispatchLease for PgLease {
    async fn alive(&mut self) -> bool {
        sqlx::query("SELECT 1").execute(&mut self.0).await.is_ok()
    }
}
