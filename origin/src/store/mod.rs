//! Storage: one trait per concern, implemented by two sqlx backends — PostgreSQL
//! (production) and SQLite (the embedded default, a file under `./data`). Numbered, commented
//! migrations run at start-up.
//!
//! The store runs statements; it makes no decisions. Reads are methods of the concern traits;
//! every write goes through a [`WriteTx`] (a transaction of small primitives) that the service
//! layer drives, so the rules of a registration or a delete are written once, not per backend.
//! It knows nothing of HTTP, caches or API error codes. The circuit breaker wraps every call
//! once, in [`Database`].

mod adapter;
mod associations;
mod context_ids;
mod contexts;
mod database;
mod encryption_keys;
mod log;
mod notifier;
pub mod one_call;
pub mod postgres;
mod reads;
pub mod records;
pub mod rows;
mod sql;
pub mod sqlite;
mod write;

use async_trait::async_trait;

pub use database::{Call, Database, Outage, calls_in_flight};
pub use one_call::{OneCall, OneCallOutcome, Seen};
pub use postgres::PostgresStore;
pub use records::{
    ApiKeyRecord, AssociationKey, AssociationRecord, DekRecord, DekScope, Deleted, EdgeRecord,
    EventRecord, KekRecord, NewEvent, NewSchema, NewVersion, SearchHit, SearchPage, SearchQuery,
    Setting, Settings, StoredSchema, Unindexed, Usage, VersionRecord, VersionState,
};
pub use sqlite::SqliteStore;

use registry_core::search::SearchTerms;

/// The wall clock in Unix milliseconds, as the store keeps times (events, edges, keys).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A version's metadata and rule set, as stored (JSON texts).
pub type RuleTexts = (Option<String>, Option<String>);

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
        match self {
            Self::CircuitOpen
            | Self::Database(
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed,
            ) => true,
            Self::Database(sqlx::Error::Database(e)) => e
                .code()
                .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")),
            _ => false,
        }
    }

    /// Whether the database timed out handing out a connection.
    pub fn is_pool_timeout(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::PoolTimedOut))
    }
}

/// Schemas by id or guid.
#[async_trait]
pub trait SchemaReads: Send + Sync {
    async fn schema_by_id(&self, id: i64) -> Result<Option<StoredSchema>, StoreError>;

    async fn schema_by_guid(&self, guid: &str) -> Result<Option<StoredSchema>, StoreError>;

    /// The metadata and rule set (JSON texts) of the first version registered with schema
    /// `id`, if any version uses it.
    async fn first_rules(&self, id: i64) -> Result<Option<RuleTexts>, StoreError>;

    /// The subject versions that use schema `id`, by subject and version.
    async fn schema_usage(&self, id: i64) -> Result<Vec<Usage>, StoreError>;

    /// The highest id of a stored schema (0 when there is none).
    async fn max_schema_id(&self) -> Result<i64, StoreError>;
}

/// Subjects, their versions and their settings.
#[async_trait]
pub trait SubjectReads: Send + Sync {
    /// Subjects with at least one version admitted by `deleted`, sorted.
    async fn subjects(&self, prefix: &str, deleted: Deleted) -> Result<Vec<String>, StoreError>;

    /// A subject's version numbers and states, oldest first (no schema texts).
    async fn version_states(&self, subject: &str) -> Result<Vec<VersionState>, StoreError>;

    /// A subject's versions admitted by `deleted`, oldest first.
    async fn versions(
        &self,
        subject: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError>;

    /// One version (`None`: the latest admitted by `deleted`).
    async fn version(
        &self,
        subject: &str,
        version: Option<i32>,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError>;

    /// The subject's first version with this fingerprint.
    async fn lookup(
        &self,
        subject: &str,
        fingerprint: &str,
        deleted: Deleted,
    ) -> Result<Option<VersionRecord>, StoreError>;

    /// All versions of subjects with `prefix`, by subject and version (`GET /schemas`).
    async fn all_versions(
        &self,
        prefix: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError>;

    /// Ids of the schemas, used by a live version, that reference `subject`/`version`.
    async fn referenced_by(&self, subject: &str, version: i32) -> Result<Vec<i64>, StoreError>;

    /// The settings of `subject`, or the global ones (`None`).
    async fn settings(&self, subject: Option<&str>) -> Result<Settings, StoreError>;

    /// What `subject` falls back to where it has no setting of its own: its context's settings
    /// over the global ones (the global ones alone in the default context).
    async fn parent_settings(&self, subject: &str) -> Result<Settings, StoreError>;
}

/// API keys (written through [`WriteTx`], which records who did it).
#[async_trait]
pub trait KeyReads: Send + Sync {
    /// The key with this id, revoked or not.
    async fn api_key(&self, id: &str) -> Result<Option<ApiKeyRecord>, StoreError>;

    /// Every key, oldest first.
    async fn api_keys(&self) -> Result<Vec<ApiKeyRecord>, StoreError>;
}

/// The event log: the invalidation outbox and the audit timeline.
#[async_trait]
pub trait EventLog: Send + Sync {
    /// Events after `after` (of one subject, if given), oldest first.
    async fn events(
        &self,
        after: i64,
        subject: Option<&str>,
        limit: i64,
    ) -> Result<Vec<EventRecord>, StoreError>;

    /// The highest event seq (0 when there is none).
    async fn max_event_seq(&self) -> Result<i64, StoreError>;

    /// When event `seq` was written (Unix ms).
    async fn event_time_ms(&self, seq: i64) -> Result<Option<i64>, StoreError>;

    /// Subjects changed within the last `window` events, most recent first.
    async fn recent_subjects(&self, window: i64, limit: i64) -> Result<Vec<String>, StoreError>;
}

/// The edges that receive invalidations, and their delivery state.
#[async_trait]
pub trait EdgeStore: Send + Sync {
    async fn edges(&self) -> Result<Vec<EdgeRecord>, StoreError>;

    /// Adds an edge (if present: sets its secret when one is given) with its cursor at the
    /// current end of the log: a new edge starts with an empty cache, so older events are
    /// nothing to it.
    async fn add_edge(&self, url: &str, secret: Option<&str>) -> Result<(), StoreError>;

    async fn remove_edge(&self, url: &str) -> Result<bool, StoreError>;

    /// Records a delivery attempt: the new cursor on success (it only moves forward), the
    /// error otherwise.
    async fn record_delivery(
        &self,
        url: &str,
        cursor: Option<i64>,
        error: Option<&str>,
        now_ms: i64,
    ) -> Result<(), StoreError>;
}

/// Associations of subjects with resources.
#[async_trait]
pub trait AssociationStore: Send + Sync {
    /// The associations of `resource_type` that `key` names, by resource and type.
    async fn associations(
        &self,
        key: AssociationKey<'_>,
        resource_type: &str,
    ) -> Result<Vec<AssociationRecord>, StoreError>;

    /// Creates the association, or replaces the one of its resource and type.
    async fn put_association(&self, record: &AssociationRecord) -> Result<(), StoreError>;

    /// Removes the association of a resource and type; whether there was one.
    async fn remove_association(
        &self,
        resource_type: &str,
        resource_id: &str,
        association_type: &str,
    ) -> Result<bool, StoreError>;
}

/// The DEK registry's reads: KEKs of a context and DEKs of a KEK, deleted ones included (the
/// service decides what a request sees).
#[async_trait]
pub trait EncryptionKeyReads: Send + Sync {
    /// The KEKs of `context`, by name.
    async fn keks(&self, context: &str) -> Result<Vec<KekRecord>, StoreError>;

    async fn kek(&self, context: &str, name: &str) -> Result<Option<KekRecord>, StoreError>;

    /// The DEKs in `scope`, by subject, algorithm and version.
    async fn deks(&self, scope: &DekScope<'_>) -> Result<Vec<DekRecord>, StoreError>;

    /// Every DEK of `subject`, under any KEK.
    async fn deks_of_subject(&self, subject: &str) -> Result<Vec<DekRecord>, StoreError>;

    /// How many KEKs and DEKs are stored.
    async fn key_counts(&self) -> Result<(i64, i64), StoreError>;
}

/// The DEK registry's primitives inside a write transaction. Each write is conditional on
/// the state the caller read, and says whether it changed anything.
#[async_trait]
pub trait EncryptionKeyWrites: Send {
    async fn kek_in_tx(
        &mut self,
        context: &str,
        name: &str,
    ) -> Result<Option<KekRecord>, StoreError>;

    async fn deks_in_tx(&mut self, scope: &DekScope<'_>) -> Result<Vec<DekRecord>, StoreError>;

    /// Inserts a KEK unless one of its context and name exists.
    async fn insert_kek(&mut self, kek: &KekRecord) -> Result<bool, StoreError>;

    /// Rewrites a KEK's props, doc, shared and deleted flags, if its `deleted` is `was_deleted`.
    async fn update_kek(&mut self, kek: &KekRecord, was_deleted: bool) -> Result<bool, StoreError>;

    /// Removes a soft-deleted KEK.
    async fn remove_kek(&mut self, context: &str, name: &str) -> Result<bool, StoreError>;

    /// Inserts a DEK unless that version exists.
    async fn insert_dek(&mut self, dek: &DekRecord) -> Result<bool, StoreError>;

    /// Sets `deleted` on the DEKs in `scope` that are not so already; how many changed.
    async fn mark_deks(
        &mut self,
        scope: &DekScope<'_>,
        deleted: bool,
        now_ms: i64,
    ) -> Result<u64, StoreError>;

    /// Removes the soft-deleted DEKs in `scope`; how many went.
    async fn remove_deks(&mut self, scope: &DekScope<'_>) -> Result<u64, StoreError>;
}

/// What removing a context did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextRemoval {
    Removed,
    /// There was no such context.
    Missing,
    /// Versions (live or soft-deleted) are still registered in it.
    NotEmpty,
}

/// Contexts: the named ones (the default context `.` is not stored).
#[async_trait]
pub trait ContextStore: Send + Sync {
    /// The named contexts, sorted.
    async fn contexts(&self) -> Result<Vec<String>, StoreError>;

    /// Removes a context (`.ctx`) no version is registered in.
    async fn remove_context(&self, name: &str) -> Result<ContextRemoval, StoreError>;
}

/// The ids of the named contexts (the default context's ids are the schema rows' own).
#[async_trait]
pub trait ContextIdReads: Send + Sync {
    /// The schema row that has id `id` in `context` (`.ctx`), if any ever had.
    async fn row_of_context_id(&self, context: &str, id: i64) -> Result<Option<i64>, StoreError>;

    /// The id schema row `row` has in `context`.
    async fn context_id_of_row(&self, context: &str, row: i64) -> Result<Option<i64>, StoreError>;

    /// The highest id handed out in `context` (0 for none).
    async fn max_context_id(&self, context: &str) -> Result<i64, StoreError>;

    /// Every (named context, id) schema row `row` has.
    async fn context_ids_of_row(&self, row: i64) -> Result<Vec<(String, i64)>, StoreError>;
}

/// The registration's primitives for the named contexts' ids.
#[async_trait]
pub trait ContextIdWrites: Send {
    /// The id schema row `row` has in `context`, as this transaction sees it.
    async fn id_in_context(&mut self, context: &str, row: i64) -> Result<Option<i64>, StoreError>;

    /// Whether `id` names a schema in `context`, or did.
    async fn context_id_taken(&mut self, context: &str, id: i64) -> Result<bool, StoreError>;

    /// The next id of `context`'s counter (which moves past it).
    async fn next_context_id(&mut self, context: &str) -> Result<i64, StoreError>;

    /// Moves `context`'s counter to at least `id`.
    async fn context_ids_past(&mut self, context: &str, id: i64) -> Result<(), StoreError>;

    /// Gives schema row `row` id `id` in `context`; false when either already has one there
    /// (another registration may have given the row one first).
    async fn insert_context_id(
        &mut self,
        context: &str,
        id: i64,
        row: i64,
    ) -> Result<bool, StoreError>;
}

/// Full-text search over the versions' documents.
#[async_trait]
pub trait SearchStore: Send + Sync {
    /// Ranked search over the live versions' documents.
    async fn search(&self, query: &SearchQuery) -> Result<SearchPage, StoreError>;

    /// Up to `limit` versions without a search document.
    async fn unindexed(&self, limit: i64) -> Result<Vec<Unindexed>, StoreError>;
}

/// Read counters, for cache warming.
#[async_trait]
pub trait ReadCounters: Send + Sync {
    /// Adds read counts of schemas by id, then keeps only the `keep` most read.
    async fn add_reads(&self, counts: &[(i64, u64)], keep: i64) -> Result<(), StoreError>;

    /// The most read schema ids, most first.
    async fn most_read(&self, limit: i64) -> Result<Vec<i64>, StoreError>;
}

/// The backend itself: health, pool, transactions and the dispatcher lease.
#[async_trait]
pub trait Backend: Send + Sync {
    /// `postgres` or `sqlite`.
    fn backend(&self) -> &'static str;

    async fn ping(&self) -> Result<(), StoreError>;

    /// A write transaction (on SQLite, the one writer's turn).
    async fn begin_write(&self) -> Result<Box<dyn WriteTx>, StoreError>;

    /// A registration in one round trip, where the backend has one (`None`: it has not; the
    /// caller writes through [`Backend::begin_write`]).
    async fn register_in_one_call(
        &self,
        _registration: &OneCall<'_>,
    ) -> Result<Option<OneCallOutcome>, StoreError> {
        Ok(None)
    }

    /// Becomes the one dispatcher among the processes sharing this database, if none is: the
    /// returned guard holds the lease until dropped.
    async fn try_lead_dispatch(&self) -> Result<Option<Box<dyn DispatchLease>>, StoreError>;

    /// The PostgreSQL pool, for `LISTEN` (none on SQLite).
    fn pg_pool(&self) -> Option<sqlx::PgPool>;

    /// Connections open and idle in the pool.
    fn pool_stats(&self) -> (u32, usize);
}

/// The registry's storage: every concern.
pub trait Store:
    SchemaReads
    + SubjectReads
    + KeyReads
    + EventLog
    + EdgeStore
    + AssociationStore
    + EncryptionKeyReads
    + ContextStore
    + ContextIdReads
    + SearchStore
    + ReadCounters
    + Backend
{
}

impl<T> Store for T where
    T: SchemaReads
        + SubjectReads
        + KeyReads
        + EventLog
        + EdgeStore
        + AssociationStore
        + EncryptionKeyReads
        + ContextStore
        + ContextIdReads
        + SearchStore
        + ReadCounters
        + Backend
{
}

/// One write transaction: primitives the service combines into a registration, a delete, a
/// settings change or key administration. Nothing is written unless [`WriteTx::commit`] is
/// called; dropping the transaction rolls it back.
#[async_trait]
pub trait WriteTx: ContextIdWrites + EncryptionKeyWrites + Send {
    /// Locks `subject` against other writers until commit (creating its row) and returns its
    /// settings.
    async fn lock_subject(&mut self, subject: &str) -> Result<Settings, StoreError>;

    /// The settings of `subject`, or the global ones (`None`), as this transaction sees them.
    async fn settings(&mut self, subject: Option<&str>) -> Result<Settings, StoreError>;

    /// [`SubjectReads::parent_settings`], as this transaction sees them.
    async fn parent_settings(&mut self, subject: &str) -> Result<Settings, StoreError>;

    /// The subject's versions admitted by `deleted`, oldest first.
    async fn versions(
        &mut self,
        subject: &str,
        deleted: Deleted,
    ) -> Result<Vec<VersionRecord>, StoreError>;

    /// The subject's version numbers and states, oldest first.
    async fn version_states(&mut self, subject: &str) -> Result<Vec<VersionState>, StoreError>;

    /// The highest version the subject ever had (0 for none; kept through deletes).
    async fn max_version(&mut self, subject: &str) -> Result<i32, StoreError>;

    /// The next schema id from the allocator (it may be taken, or past the highest id).
    async fn next_schema_id(&mut self) -> Result<i64, StoreError>;

    /// Moves the allocator past `id`: to at least `id + 1`, or (`exactly`) to `id + 1`.
    async fn schema_ids_past(&mut self, id: i64, exactly: bool) -> Result<(), StoreError>;

    /// The lowest id in `from..=max` that no schema has or had.
    async fn lowest_free_id(&mut self, from: i64, max: i64) -> Result<Option<i64>, StoreError>;

    /// The fingerprint of the permanently deleted schema that had id `id`, if any.
    async fn retired_fingerprint(&mut self, id: i64) -> Result<Option<String>, StoreError>;

    /// The id of the schema with `fingerprint`.
    async fn schema_id(&mut self, fingerprint: &str) -> Result<Option<i64>, StoreError>;

    /// Whether a schema has id `id`.
    async fn schema_exists(&mut self, id: i64) -> Result<bool, StoreError>;

    /// Inserts a schema under `schema.id`; `None` when another writer inserted the same
    /// fingerprint first.
    async fn insert_schema(&mut self, schema: &NewSchema<'_>) -> Result<Option<i64>, StoreError>;

    /// Inserts a version (and raises the subject's highest version).
    async fn insert_version(&mut self, version: &NewVersion<'_>) -> Result<(), StoreError>;

    /// The search document of a version.
    async fn insert_search_doc(
        &mut self,
        version: &NewVersion<'_>,
        schema_type: &str,
        terms: &SearchTerms,
    ) -> Result<(), StoreError>;

    /// Soft-deletes one version of `subject`, or all of them (`None`).
    async fn mark_deleted(&mut self, subject: &str, version: Option<i32>)
    -> Result<(), StoreError>;

    /// Removes one version of `subject`, or all of them (`None`).
    async fn remove_versions(
        &mut self,
        subject: &str,
        version: Option<i32>,
    ) -> Result<(), StoreError>;

    /// Clears a subject's settings once it has no versions (its row, with its highest version,
    /// stays).
    async fn clear_subject(&mut self, subject: &str) -> Result<(), StoreError>;

    /// Removes schema `id` with its reference rows if no version uses it, remembering its id as
    /// retired; whether it did.
    async fn remove_schema_if_unused(&mut self, id: i64) -> Result<bool, StoreError>;

    /// Ids of the schemas still used by a version (by a live one, with `live_only`) that
    /// reference `subject`/`version`.
    async fn referrers(
        &mut self,
        subject: &str,
        version: i32,
        live_only: bool,
    ) -> Result<Vec<i64>, StoreError>;

    /// Sets (`Some`) or clears (`None`) a setting of `subject` or the global one.
    async fn set_setting(
        &mut self,
        setting: Setting,
        subject: Option<&str>,
        value: Option<&str>,
    ) -> Result<(), StoreError>;

    async fn insert_api_key(&mut self, key: &ApiKeyRecord) -> Result<(), StoreError>;

    /// Marks a key revoked; false when there is no such live key.
    async fn revoke_api_key(&mut self, id: &str, now_ms: i64) -> Result<bool, StoreError>;

    /// Appends an event to the log (delivered to edges and other origins after commit).
    async fn append_event(&mut self, event: &NewEvent<'_>) -> Result<(), StoreError>;

    /// Deletes events written before `before_ms` that every edge has received, keeping the
    /// newest; how many went.
    async fn prune_events(&mut self, before_ms: i64) -> Result<u64, StoreError>;

    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// The dispatcher lease; checked before each round, released on drop.
#[async_trait]
pub trait DispatchLease: Send + Sync {
    /// Whether the lease still holds (its connection is alive).
    async fn alive(&mut self) -> bool;
}
