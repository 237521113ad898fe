//! The service layer: every operation of the registry as one function that takes domain input
//! and returns a domain result (writes: with the cache keys they made stale), or a
//! [`ServiceError`]. It owns the rules (registration, deletes, settings, keys), the caches and
//! the CPU pool; it drives the store and knows nothing of HTTP.
//!
//! [`Registry`] is the shared context; each concern adds its functions in its own file
//! (`register.rs`, `delete.rs`, `settings.rs`...).

mod associations;
mod cache;
mod codegen;
mod compatibility;
mod config;
mod context_ids;
mod contexts;
mod cpu;
mod dek_registry;
mod delete;
mod edges;
mod error;
mod events;
mod follow;
mod keys;
mod kms;
mod llm;
mod log_cursor;
mod lookup;
mod reads;
mod register;
mod register_one_call;
mod schemas;
mod search;
mod search_cache;
mod settings;
mod tags;
mod validate;

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use registry_core::budget::Budget;
use registry_core::cache_key::CacheKey;
use registry_core::change::Change;
use registry_core::{CompatibilityLevel, CompatibilityReport, Schema, compat};

pub use associations::AssociationFilter;
pub use cache::{CachedBody, ResponseCache};
pub use compatibility::{Against, CompatibilityAnswer};
pub use context_ids::{in_context, named_context};
pub use cpu::{CancelOnDrop, CpuPool};
pub use dek_registry::{DekSelector, KeyContext, LATEST as LATEST_DEK};
pub use edges::EdgeView;
pub use error::{KeyError, ServiceError};
pub use follow::{follow_log, next_notification};
pub use keys::{KeyCache, NewKey, Role, generate_key, hash_secret};
pub use llm::{ExportRequest, find_profile};
pub use log_cursor::LogCursor;
pub use reads::subject_version;
pub use register::{RegisterInput, Registered, Stamp, check_subject};
pub use schemas::SchemaInput;
pub use settings::{SettingsView, parse_level, parse_mode};
pub use tags::find_tags;

use crate::store::{Database, NewEvent, WriteTx};

/// Sizes, lifetimes and defaults.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// The memory all the caches together may hold (bytes, estimated per entry).
    pub cache_bytes: u64,
    /// How long a cached mutable response may live if no event drops it first.
    pub mutable_ttl: Duration,
    /// The compatibility level when none is configured.
    pub default_compatibility: CompatibilityLevel,
    /// Deepest chain of references followed when resolving a schema.
    pub max_reference_depth: usize,
    /// Largest schema text accepted (bytes); larger ones get 422 (42209).
    pub max_schema_bytes: usize,
    /// Deepest nesting in a schema text; deeper ones get 422 (42210).
    pub max_json_depth: usize,
    /// How long CPU-bound work waits for a worker before the request is refused (503).
    pub cpu_wait: Duration,
    /// Steps a compatibility check may take before it is refused as too complex (422).
    pub check_steps: u64,
    /// Nodes a schema may expand to once its `$ref`s are inlined for a check.
    pub check_nodes: usize,
    /// Hosts edges may be added at (empty: any).
    pub edge_allowed_hosts: Vec<String>,
    /// The local KMS's secret for shared KEKs that carry none.
    pub dek_local_secret: Option<String>,
    /// The most KEKs, and the most DEKs, the DEK registry holds.
    pub dek_max_keys: i64,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            cache_bytes: 48 << 20,
            mutable_ttl: Duration::from_secs(5),
            default_compatibility: CompatibilityLevel::Backward,
            max_reference_depth: 32,
            max_schema_bytes: 256 * 1024,
            max_json_depth: 64,
            cpu_wait: Duration::from_secs(5),
            check_steps: registry_core::budget::DEFAULT_STEPS,
            check_nodes: registry_core::budget::DEFAULT_EXPANDED_NODES,
            edge_allowed_hosts: Vec::new(),
            dek_local_secret: None,
            dek_max_keys: 10_000,
        }
    }
}

/// The result of a write: its value and the cached responses it made stale (already dropped
/// from this origin's cache; an edge that forwarded the write drops them too).
#[derive(Debug, Clone, PartialEq)]
pub struct Written<T> {
    pub value: T,
    pub stale: Vec<CacheKey>,
}

/// Most schema ids whose reads are counted between two flushes; reads of others are not
/// counted until the next flush (the counters stay a few MiB at most).
pub const MAX_COUNTED_IDS: usize = 65_536;

/// The registry service shared by all requests.
pub struct Registry {
    pub db: Arc<Database>,
    pub options: RegistryOptions,
    /// Signalled after every write, to wake the invalidation dispatcher at once.
    pub wake: Arc<tokio::sync::Notify>,
    pub cache: ResponseCache,
    pub keys: KeyCache,
    parsed: Cache<i64, Arc<Schema>>,
    searches: search_cache::SearchCache,
    /// Short CPU jobs: parsing, search terms, validation.
    cpu: CpuPool,
    /// Compatibility checks, which may run to their budget: a pool of their own, so parsing
    /// for every other request never queues behind them.
    checks: CpuPool,
    /// Reads of schemas by id since the last flush ([`Registry::take_reads`]), for warming.
    reads: dashmap::DashMap<i64, u64>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("backend", &self.db.backend())
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// The caches share `options.cache_bytes`: three quarters for responses, an eighth for
    /// parsed schemas (with their validators), a thirty-second for search pages.
    pub fn new(db: Arc<Database>, options: RegistryOptions) -> Self {
        Self {
            cache: ResponseCache::new(options.cache_bytes, options.mutable_ttl),
            parsed: schemas::parsed_cache(options.cache_bytes / 8 + 1),
            searches: search_cache::SearchCache::new(
                options.cache_bytes / 32 + 1,
                options.mutable_ttl,
            ),
            cpu: CpuPool::per_core(options.cpu_wait),
            checks: CpuPool::per_core(options.cpu_wait),
            keys: KeyCache::new(),
            reads: dashmap::DashMap::new(),
            wake: Arc::new(tokio::sync::Notify::new()),
            db,
            options,
        }
    }

    /// The CPU pool, for work that callers run themselves.
    pub fn cpu(&self) -> &CpuPool {
        &self.cpu
    }

    /// Appends `change` to the event log in `tx` and commits; then drops what it made stale
    /// from this origin's caches and wakes the dispatcher.
    async fn commit_change(
        &self,
        mut tx: Box<dyn WriteTx>,
        change: &Change,
        actor: &str,
        detail: Option<String>,
    ) -> Result<Vec<CacheKey>, ServiceError> {
        tx.append_event(&NewEvent {
            change,
            actor,
            detail,
        })
        .await?;
        tx.commit().await?;
        Ok(self.committed(change).await)
    }

    /// After `change` is committed: drops what it made stale from this origin's caches and
    /// wakes the dispatcher; the keys dropped.
    async fn committed(&self, change: &Change) -> Vec<CacheKey> {
        let stale = change.stale_keys();
        self.forget(&stale).await;
        self.wake.notify_one();
        stale
    }

    /// Drops `keys` from this origin's caches (its own writes, and other origins' from the
    /// event log).
    pub async fn forget(&self, keys: &[CacheKey]) {
        self.cache.invalidate(keys).await;
        self.searches.changed();
        for key in keys {
            match key {
                CacheKey::SchemaById(id) => self.parsed.invalidate(id).await,
                CacheKey::ApiKey(id) => self.keys.forget(id).await,
                _ => {}
            }
        }
    }

    /// Counts a read of schema `id` (cheap: one shard lock and an add).
    pub fn count_read(&self, id: i64) {
        if let Some(mut n) = self.reads.get_mut(&id) {
            *n += 1;
        } else if self.reads.len() < MAX_COUNTED_IDS {
            *self.reads.entry(id).or_insert(0) += 1;
        }
    }

    /// The reads counted since the last call, most first; the counters restart from zero.
    pub fn take_reads(&self) -> Vec<(i64, u64)> {
        let mut out = Vec::with_capacity(self.reads.len());
        self.reads.retain(|id, n| {
            out.push((*id, *n));
            false
        });
        out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Checks `new` against `existing` (oldest first) at `level` on the CPU pool, within the
    /// check budget; it stops if the caller goes away.
    pub async fn check_schemas(
        &self,
        level: CompatibilityLevel,
        new: Schema,
        existing: Vec<Arc<Schema>>,
    ) -> Result<CompatibilityReport, ServiceError> {
        if level == CompatibilityLevel::None || existing.is_empty() {
            // Nothing to compare: no turn on the checks pool to wait for.
            return Ok(CompatibilityReport {
                compatible: true,
                ..CompatibilityReport::default()
            });
        }
        let cancel = CancelOnDrop::new();
        let mut budget = Budget::new(self.options.check_steps, self.options.check_nodes)
            .cancelled_by(cancel.flag());
        let report = self
            .checks
            .run(move || {
                let refs: Vec<&Schema> = existing.iter().map(AsRef::as_ref).collect();
                compat::check_within(level, &new, &refs, &mut budget)
            })
            .await?;
        drop(cancel);
        report.map_err(|e| {
            metrics::counter!("registry_checks_too_complex_total").increment(1);
            ServiceError::TooComplex(e)
        })
    }

    /// The level in force given a stored setting.
    pub fn level_in_force(&self, configured: Option<&str>) -> CompatibilityLevel {
        configured
            .and_then(|l| l.parse().ok())
            .unwrap_or(self.options.default_compatibility)
    }
}
