//! Storage: one trait, two sqlx backends — PostgreSQL (production) and SQLite (the embedded
//! default, a file under `./data`). Numbered, commented migrations run at start-up.
//!
//! The store owns transactions and their invariants (versions dense per subject, one schema row
//! per fingerprint, events written with the change). It knows nothing of HTTP or caches; the
//! compatibility check runs inside the registration transaction through [`RegistrationGate`].

mod breaker;
mod postgres;
mod sql;
mod sqlite;

pub use breaker::{Guarded, calls_in_flight};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use async_trait::async_trait;
use registry_core::SchemaReference;
use registry_core::cache_key::CacheKey;
use registry_core::invalidation::EventKind;

/// The wall clock in Unix milliseconds, as the store keeps times (events, edges, keys).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A store failure that is not the caller's fault. Its text is logged, never sent to clients.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The circuit breaker is open: the database failed repeatedly and is not being asked.
    #[error("database unavailable (circuit open)")]
    CircuitOpen,
}

impl StoreError {
    /// Whether this is the database being unreachable or too slow (what opens the circuit), as
    /// opposed to a query the database answered with an error.
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            Self::Database(
                sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::WorkerCrashed
            ) | Self::CircuitOpen
        ) || matches!(self, Self::Database(sqlx::Error::Database(e)) if e.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")))
    }
}

/// A stored schema (one row per fingerprint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchema {
    pub id: i64,
    pub fingerprint: String,
    pub schema_type: String,
    pub text: String,
    pub references: Vec<SchemaReference>,
}

/// A version of a subject, joined with its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub subject: String,
    pub version: i32,
    pub deleted: bool,
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    pub schema: StoredSchema,
}

/// Which versions to include in a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deleted {
    /// Only live versions (the default).
    #[default]
    Exclude,
    /// Live and soft-deleted.
    Include,
    /// Only soft-deleted.
    Only,
}

impl Deleted {
    pub fn from_flags(deleted: bool, deleted_only: bool) -> Self {
        match (deleted, deleted_only) {
            (_, true) => Self::Only,
            (true, false) => Self::Include,
            (false, false) => Self::Exclude,
        }
    }

    pub fn admits(self, deleted: bool) -> bool {
        match self {
            Self::Exclude => !deleted,
            Self::Include => true,
            Self::Only => deleted,
        }
    }
}

/// A version to register.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub subject: String,
    pub fingerprint: String,
    pub schema_type: String,
    pub text: String,
    pub references: Vec<SchemaReference>,
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    /// IMPORT mode only: the id and version to use.
    pub import_id: Option<i64>,
    pub import_version: Option<i32>,
    /// Who asked (an API key id or `anonymous`), for the event log.
    pub actor: String,
}

/// What the registration gate sees: the settings in force and the live versions, oldest first.
#[derive(Debug)]
pub struct GateInput<'a> {
    pub subject: &'a str,
    /// The subject's compatibility level, else the global one, else `None` (the default).
    pub compatibility: Option<String>,
    /// The subject's mode, else the global one.
    pub mode: Option<String>,
    pub existing: Vec<VersionRecord>,
}

/// Why the gate refused a registration. Passed through to the caller unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateRejection {
    pub code: u32,
    pub message: String,
}

/// Decides, inside the registration transaction, whether a new version may be added.
#[async_trait]
pub trait RegistrationGate: Send + Sync {
    async fn admit(&self, input: &GateInput<'_>, new: &NewVersion) -> Result<(), GateRejection>;
}

/// The result of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub id: i64,
    pub version: i32,
    /// False when the subject already had this schema (nothing was written).
    pub created: bool,
}

/// Why a registration did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("{}", .0.message)]
    Rejected(GateRejection),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a delete did not happen.
#[derive(Debug, thiserror::Error)]
pub enum DeleteError {
    #[error("subject not found")]
    SubjectNotFound,
    #[error("version not found")]
    VersionNotFound,
    /// Soft-deleting what is already soft-deleted.
    #[error("already soft-deleted")]
    AlreadySoftDeleted,
    /// Permanently deleting what was not soft-deleted first.
    #[error("not soft-deleted first")]
    NotSoftDeleted,
    /// Other schemas reference it (the ids that do).
    #[error("referenced by other schemas")]
    Referenced(Vec<i64>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A settings change and the value it replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Compatibility,
    Mode,
}

impl Setting {
    fn column(self) -> &'static str {
        match self {
            Self::Compatibility => "compatibility",
            Self::Mode => "mode",
        }
    }

    fn event(self) -> EventKind {
        match self {
            Self::Compatibility => EventKind::Config,
            Self::Mode => EventKind::Mode,
        }
    }
}

/// An event of the log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub seq: i64,
    pub kind: String,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub schema_id: Option<i64>,
    pub keys: Vec<String>,
    pub actor: String,
    pub created_at: String,
    /// What changed beyond the kind, as JSON (settings: from/to; keys: action, key, role).
    pub detail: Option<String>,
}

/// A search (`GET /search`).
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Free text; its words are matched as prefixes, all of them.
    pub text: String,
    /// `AVRO`, `JSON`, or empty for any.
    pub schema_type: String,
    pub subject_prefix: String,
    /// A metadata tag the hit must carry (exact, case-insensitive), or empty.
    pub tag: String,
    pub offset: i64,
    pub limit: i64,
}

/// One hit: a subject's highest matching live version.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub subject: String,
    pub version: i32,
    pub id: i64,
    pub schema_type: String,
    pub tags: Vec<String>,
    /// Higher is better; 0 when the query has no words.
    pub score: f64,
}

/// A page of hits and how many there are in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchPage {
    pub total: i64,
    pub hits: Vec<SearchHit>,
}

/// The registry's storage.
#[async_trait]
pub trait Store: Send + Sync {
    /// `postgres` or `sqlite`.
    fn backend(&self) -> &'static str;

    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Registers `new` under its subject in one transaction, serialised per subject: returns the
    /// existing version if the subject already has the schema, else asks `gate` and writes.
    async fn register(
        &self,
        new: &NewVersion,
        gate: &dyn RegistrationGate,
    ) -> Result<Registered, RegisterError>;

    async fn schema_by_id(&self, id: i64) -> Result<Option<StoredSchema>, StoreError>;

    /// The (subject, version, deleted) triples that use schema `id`.
    async fn schema_usage(&self, id: i64) -> Result<Vec<(String, i32, bool)>, StoreError>;

    /// Subjects with at least one version admitted by `deleted`, sorted.
    async fn subjects(&self, prefix: &str, deleted: Deleted) -> Result<Vec<String>, StoreError>;

    /// A subject's versions admitted by `deleted`, oldest first.
    async fn versions(
        &self,
        subject: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError>;

    /// One version (`None` version: the latest admitted by `deleted`).
    async fn version(
        &self,
        subject: &str,
        version: Option<i32>,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError>;

    /// The subject's version with this fingerprint.
    async fn lookup(
        &self,
        subject: &str,
        fingerprint: &str,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError>;

    /// All versions of subjects with `prefix`, for `GET /schemas`.
    async fn all_versions(
        &self,
        prefix: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError>;

    /// Ids of the schemas that reference `subject`/`version`.
    async fn referenced_by(&self, subject: &str, version: i32) -> Result<Vec<i64>, StoreError>;

    /// Deletes one version (soft, or permanent after soft); returns it and the cache keys the
    /// delete made stale (those written to its event).
    async fn delete_version(
        &self,
        subject: &str,
        version: i32,
        permanent: bool,
        actor: &str,
    ) -> Result<(i32, Vec<CacheKey>), DeleteError>;

    /// Deletes every version of a subject; returns the versions deleted and the stale keys.
    async fn delete_subject(
        &self,
        subject: &str,
        permanent: bool,
        actor: &str,
    ) -> Result<(Vec<i32>, Vec<CacheKey>), DeleteError>;

    /// A setting of a subject (`Some`) or the global one (`None`).
    async fn setting(
        &self,
        setting: Setting,
        subject: Option<&str>,
    ) -> Result<Option<String>, StoreError>;

    /// Sets (`Some`) or clears (`None`) a setting; returns the previous value.
    async fn set_setting(
        &self,
        setting: Setting,
        subject: Option<&str>,
        value: Option<&str>,
        actor: &str,
    ) -> Result<Option<String>, StoreError>;

    /// Events after `after` (of one subject, if given), oldest first.
    async fn events(
        &self,
        after: i64,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError>;

    /// Deletes events written before `before_ms` (Unix ms) that every edge has received,
    /// keeping the newest; returns how many went.
    async fn prune_events(&self, before_ms: i64) -> Result<u64, StoreError>;

    /// Ranked full-text search over the live versions' documents.
    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, StoreError>;

    /// Indexes up to `batch` versions that have no search document (those stored before the
    /// index existed); returns how many it indexed.
    async fn index_missing(&self, batch: i64) -> Result<usize, StoreError>;

    /// Adds read counts of schemas by id, then keeps only the `keep` most read.
    async fn add_reads(&self, counts: &[(i64, u64)], keep: i64) -> Result<(), StoreError>;

    /// The most read schema ids, most first.
    async fn most_read(&self, limit: i64) -> Result<Vec<i64>, StoreError>;

    /// Subjects changed within the last `window` events, most recent first.
    async fn recent_subjects(&self, window: i64, limit: i64) -> Result<Vec<String>, StoreError>;

    /// The highest event seq (0 when there is none).
    async fn max_event_seq(&self) -> Result<i64, StoreError>;

    /// When event `seq` was written (Unix ms).
    async fn event_time_ms(&self, seq: i64) -> Result<Option<i64>, StoreError>;

    /// The edges and their delivery state.
    async fn edges(&self) -> Result<Vec<EdgeRecord>, StoreError>;

    /// Adds an edge (no-op if present) with its cursor at the current end of the log: a new
    /// edge starts with an empty cache, so older events are nothing to it.
    async fn add_edge(&self, url: &str) -> Result<(), StoreError>;

    async fn remove_edge(&self, url: &str) -> Result<bool, StoreError>;

    /// Records a delivery attempt: the new cursor on success, the error otherwise.
    async fn record_delivery(
        &self,
        url: &str,
        cursor: Option<i64>,
        error: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// Stores a new API key (its secret only as a hash).
    /// (A `key_admin` event records who did it.)
    async fn create_api_key(&self, key: &ApiKeyRecord, actor: &str) -> Result<(), StoreError>;

    /// The key with this id, revoked or not.
    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;

    /// Every key, oldest first.
    async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError>;

    /// Marks a key revoked; false when there is no such live key.
    async fn revoke_api_key(&self, id: &str, now_ms: i64, actor: &str) -> Result<bool, StoreError>;

    /// Becomes the one dispatcher among the processes sharing this database, if none is: the
    /// returned guard holds the lease until dropped.
    async fn try_lead_dispatch(&self) -> Result<Option<Box<dyn DispatchLease>>, StoreError>;

    /// The PostgreSQL pool, for `LISTEN` (none on SQLite).
    fn pg_pool(&self) -> Option<sqlx::PgPool>;

    /// Connections open and idle in the pool.
    fn pool_stats(&self) -> (u32, usize);
}

/// The dispatcher lease; checked before each round, released on drop.
#[async_trait]
pub trait DispatchLease: Send + Sync {
    /// Whether the lease still holds (its connection is alive).
    async fn alive(&mut self) -> bool;
}

/// An API key as stored: never its secret, only the secret's SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKeyRecord {
    pub id: String,
    pub name: String,
    pub role: String,
    pub secret_hash: String,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

/// An edge as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRecord {
    pub url: String,
    pub cursor: i64,
    pub last_error: Option<String>,
    pub last_attempt_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
}
