//! The registry's behaviour between HTTP and storage: parsing with references resolved, the
//! compatibility and mode gate of a registration, the caches of parsed schemas, compiled
//! validators and serialised responses.
//!
//! Caches, bounded by an estimate of the memory they hold ([`RegistryOptions::cache_bytes`]):
//! half for responses to immutable resources (a schema by id, a numbered version), which live
//! until evicted; an eighth each for mutable responses, their last good values, parsed schemas
//! and compiled validators. Responses for mutable resources (latest, lists, config) are dropped
//! by the writes that change them and, as a bound on staleness across several origins, expire
//! after [`RegistryOptions::mutable_ttl`]. Concurrent misses of one key make one database query.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::body::Bytes;
use moka::future::Cache;
use registry_core::api::{Mode, codes};
use registry_core::cache_key::CacheKey;
use registry_core::{
    CompatibilityLevel, Fingerprint, ParseOptions, ResolvedReference, Schema, SchemaReference,
    SchemaType, Validator,
};
use sha2::{Digest, Sha256};

use crate::http::ApiError;
use crate::store::{
    GateInput, GateRejection, NewVersion, RegistrationGate, Store, StoredSchema, VersionRecord,
};

/// Sizes and lifetimes of the caches, and defaults.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// The memory all the caches together may hold (bytes, estimated per entry).
    pub cache_bytes: u64,
    pub mutable_ttl: Duration,
    /// The compatibility level when none is configured.
    pub default_compatibility: CompatibilityLevel,
    /// Deepest chain of references followed when resolving a schema.
    pub max_reference_depth: usize,
    /// Largest schema text accepted (bytes); larger ones get 422 (42209).
    pub max_schema_bytes: usize,
    /// Deepest nesting in a schema text; deeper ones get 422 (42210).
    pub max_json_depth: usize,
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
        }
    }
}

/// A serialised response kept in the cache.
#[derive(Debug)]
pub struct CachedBody {
    pub body: Bytes,
    /// A strong ETag, quoted.
    pub etag: String,
    pub immutable: bool,
}

impl CachedBody {
    pub fn new(body: Vec<u8>, immutable: bool, etag_source: Option<&str>) -> Self {
        let etag = match etag_source {
            Some(s) => format!("\"{s}\""),
            None => format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..16])),
        };
        Self {
            body: Bytes::from(body),
            etag,
            immutable,
        }
    }
}

/// The registry service shared by all requests.
pub struct Registry {
    pub store: Arc<dyn Store>,
    /// Signalled after every write, to wake the invalidation dispatcher at once.
    pub wake: Arc<tokio::sync::Notify>,
    pub options: RegistryOptions,
    immutable: Cache<CacheKey, Arc<CachedBody>>,
    mutable: Cache<CacheKey, Arc<CachedBody>>,
    /// The last good answer for each mutable key, kept past its TTL and served only while the
    /// database is unavailable (cached reads keep answering through an outage).
    last_good: Cache<CacheKey, Arc<CachedBody>>,
    parsed: Cache<i64, Arc<Schema>>,
    /// Compiled validators with the length of their schema's text (their weight).
    validators: Cache<Fingerprint, (Validator, u32)>,
    /// Reads of schemas by id since the last flush ([`Registry::take_reads`]), for warming.
    reads: dashmap::DashMap<i64, u64>,
}

/// Most schema ids whose reads are counted between two flushes; reads of others are not
/// counted until the next flush (the counters stay a few MiB at most).
pub const MAX_COUNTED_IDS: usize = 65_536;

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("backend", &self.store.backend())
            .finish_non_exhaustive()
    }
}

/// Bookkeeping per cache entry beyond its payload (key, entry metadata, allocation headers),
/// an estimate used to weigh entries.
const ENTRY_OVERHEAD: usize = 320;

/// Parsed and compiled forms take several times the size of their text.
const PARSED_PER_TEXT_BYTE: usize = 6;

fn weight(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

fn response_weight(_: &CacheKey, body: &Arc<CachedBody>) -> u32 {
    weight(body.body.len() + body.etag.len() + ENTRY_OVERHEAD)
}

impl Registry {
    pub fn new(store: Arc<dyn Store>, options: RegistryOptions) -> Self {
        let eighth = options.cache_bytes / 8 + 1;
        Self {
            immutable: Cache::builder()
                .max_capacity(options.cache_bytes / 2 + 1)
                .weigher(response_weight)
                .build(),
            mutable: Cache::builder()
                .max_capacity(eighth)
                .weigher(response_weight)
                .time_to_live(options.mutable_ttl)
                .build(),
            last_good: Cache::builder()
                .max_capacity(eighth)
                .weigher(response_weight)
                .build(),
            parsed: Cache::builder()
                .max_capacity(eighth)
                .weigher(|_, schema: &Arc<Schema>| {
                    weight(schema.text.len() * PARSED_PER_TEXT_BYTE + ENTRY_OVERHEAD)
                })
                .build(),
            validators: Cache::builder()
                .max_capacity(eighth)
                .weigher(|_, (_, text_len): &(Validator, u32)| {
                    weight(*text_len as usize * PARSED_PER_TEXT_BYTE + ENTRY_OVERHEAD)
                })
                .build(),
            store,
            options,
            wake: Arc::new(tokio::sync::Notify::new()),
            reads: dashmap::DashMap::new(),
        }
    }

    /// The cache that holds `key`'s responses.
    fn response_cache(&self, key: &CacheKey) -> &Cache<CacheKey, Arc<CachedBody>> {
        if key.is_immutable() {
            &self.immutable
        } else {
            &self.mutable
        }
    }

    /// The cached response for `key`, produced by `make` on a miss (once for concurrent misses).
    /// Errors are not cached.
    pub async fn cached<F, Fut>(&self, key: CacheKey, make: F) -> Result<Arc<CachedBody>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedBody, ApiError>>,
    {
        let cache = self.response_cache(&key);
        if let Some(hit) = cache.get(&key).await {
            metrics::counter!("registry_cache_hits_total").increment(1);
            return Ok(hit);
        }
        metrics::counter!("registry_cache_misses_total").increment(1);
        // Concurrent callers share one error value; each gets its own copy.
        let answer = cache
            .try_get_with(key.clone(), async { make().await.map(Arc::new) })
            .await
            .map_err(|e: Arc<ApiError>| (*e).clone());
        if key.is_immutable() {
            return answer;
        }
        match answer {
            Ok(body) => {
                self.last_good.insert(key, body.clone()).await;
                Ok(body)
            }
            Err(e @ ApiError::Unavailable(..)) => match self.last_good.get(&key).await {
                Some(stale) => {
                    metrics::counter!("registry_stale_served_total").increment(1);
                    Ok(stale)
                }
                None => Err(e),
            },
            Err(e) => Err(e),
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

    /// Puts `key`'s response in the cache unless it is there, without counting a hit or a miss
    /// (warming is not traffic); the bytes added (0 if it was cached).
    pub async fn warm<F, Fut>(&self, key: CacheKey, make: F) -> Result<usize, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedBody, ApiError>>,
    {
        let cache = self.response_cache(&key);
        if cache.contains_key(&key) {
            return Ok(0);
        }
        let body = Arc::new(make().await?);
        let bytes = body.body.len();
        if !key.is_immutable() {
            self.last_good.insert(key.clone(), body.clone()).await;
        }
        cache.insert(key, body).await;
        Ok(bytes)
    }

    /// Whether `key`'s response is cached.
    pub fn is_cached(&self, key: &CacheKey) -> bool {
        self.immutable.contains_key(key) || self.mutable.contains_key(key)
    }

    /// (hits, misses) are not tracked by moka itself; the entry count is.
    pub fn cached_entries(&self) -> u64 {
        self.immutable.entry_count() + self.mutable.entry_count()
    }

    /// The estimated bytes held by the response caches, after pending evictions.
    pub async fn cached_bytes(&self) -> u64 {
        self.immutable.run_pending_tasks().await;
        self.mutable.run_pending_tasks().await;
        self.immutable.weighted_size() + self.mutable.weighted_size()
    }

    /// Drops the cached responses a write made stale (the keys of its event).
    pub async fn invalidate(&self, keys: &[CacheKey]) {
        for key in keys {
            self.immutable.invalidate(key).await;
            self.mutable.invalidate(key).await;
            self.last_good.invalidate(key).await;
        }
        self.wake.notify_one();
    }

    /// Resolves `references` (recursively, dependencies first) from stored versions.
    pub async fn resolve_references(
        &self,
        references: &[SchemaReference],
    ) -> Result<Vec<ResolvedReference>, ApiError> {
        let mut out = Vec::new();
        let mut stack = Vec::new();
        for r in references {
            self.resolve_one(r, &mut out, &mut stack).await?;
        }
        Ok(out)
    }

    fn resolve_one<'a>(
        &'a self,
        reference: &'a SchemaReference,
        out: &'a mut Vec<ResolvedReference>,
        stack: &'a mut Vec<(String, i32)>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send + 'a>> {
        Box::pin(async move {
            let key = (reference.subject.clone(), reference.version);
            if out
                .iter()
                .any(|r| r.reference.subject == key.0 && r.reference.version == key.1)
            {
                return Ok(());
            }
            if stack.contains(&key) || stack.len() >= self.options.max_reference_depth {
                return Err(ApiError::invalid_schema(format!(
                    "reference cycle or chain too deep at {}/{}",
                    key.0, key.1
                )));
            }
            let version = (reference.version > 0).then_some(reference.version);
            let Some(record) = self
                .store
                .version(&reference.subject, version, crate::store::Deleted::Exclude)
                .await?
            else {
                return Err(ApiError::invalid_schema(format!(
                    "reference \"{}\" to subject '{}' version {} not found",
                    reference.name, reference.subject, reference.version
                )));
            };
            stack.push(key);
            for inner in &record.schema.references {
                self.resolve_one(inner, out, stack).await?;
            }
            stack.pop();
            out.push(ResolvedReference {
                reference: reference.clone(),
                schema: record.schema.text.clone(),
            });
            Ok(())
        })
    }

    /// Refuses schema texts over the size and nesting limits, before any parser sees them.
    fn check_limits(&self, text: &str) -> Result<(), ApiError> {
        if text.len() > self.options.max_schema_bytes {
            return Err(ApiError::Unprocessable(
                codes::SCHEMA_TOO_LARGE,
                format!(
                    "Schema is {} bytes; the limit is {}",
                    text.len(),
                    self.options.max_schema_bytes
                ),
            ));
        }
        ApiError::check_nesting("Schema", text.as_bytes(), self.options.max_json_depth)
    }

    /// Parses a schema from a request (within the limits), its references resolved.
    pub async fn parse_new(
        &self,
        schema_type: SchemaType,
        text: &str,
        references: &[SchemaReference],
        normalize: bool,
    ) -> Result<Schema, ApiError> {
        self.check_limits(text)?;
        let resolved = self.resolve_references(references).await?;
        let mut schema = Schema::parse(
            schema_type,
            text,
            &resolved,
            ParseOptions {
                normalize,
                ..ParseOptions::default()
            },
        )
        .map_err(ApiError::invalid_schema)?;
        // References as the client wrote them (a version of -1 resolves to a number for storage).
        schema.references = resolved
            .iter()
            .filter(|r| references.iter().any(|x| x.name == r.reference.name))
            .map(|r| r.reference.clone())
            .collect();
        Ok(schema)
    }

    /// The parsed form of a stored schema (cached by id).
    pub async fn parsed(&self, stored: &StoredSchema) -> Result<Arc<Schema>, ApiError> {
        let make = async {
            let ty: SchemaType = stored
                .schema_type
                .parse()
                .map_err(|e| ApiError::Internal(format!("stored type: {e}")))?;
            let resolved = self.resolve_references(&stored.references).await?;
            Schema::parse(ty, &stored.text, &resolved, ParseOptions::default())
                .map(Arc::new)
                .map_err(|e| {
                    ApiError::Internal(format!("stored schema {} does not parse: {e}", stored.id))
                })
        };
        self.parsed
            .try_get_with(stored.id, make)
            .await
            .map_err(|e: Arc<ApiError>| (*e).clone())
    }

    /// The compiled validator of a stored schema (cached by fingerprint).
    pub async fn validator(&self, stored: &StoredSchema) -> Result<Validator, ApiError> {
        let fingerprint = Fingerprint::from_hex(&stored.fingerprint)
            .ok_or_else(|| ApiError::Internal("stored fingerprint".into()))?;
        if let Some((v, _)) = self.validators.get(&fingerprint).await {
            return Ok(v);
        }
        let schema = self.parsed(stored).await?;
        let validator = tokio::task::spawn_blocking(move || Validator::compile(&schema))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        self.validators
            .insert(fingerprint, (validator.clone(), weight(stored.text.len())))
            .await;
        Ok(validator)
    }

    /// The level in force for a subject given its stored settings.
    pub fn level_in_force(&self, configured: Option<&str>) -> CompatibilityLevel {
        configured
            .and_then(|l| l.parse().ok())
            .unwrap_or(self.options.default_compatibility)
    }

    /// Parsed forms of existing versions, oldest first.
    pub async fn parsed_versions(
        &self,
        versions: &[VersionRecord],
    ) -> Result<Vec<Arc<Schema>>, ApiError> {
        let mut out = Vec::with_capacity(versions.len());
        for v in versions {
            out.push(self.parsed(&v.schema).await?);
        }
        Ok(out)
    }
}

/// The gate of one registration: mode, then compatibility against the live versions.
pub struct Gate<'a> {
    pub registry: &'a Registry,
    pub schema: &'a Schema,
    pub import: bool,
}

#[async_trait]
impl RegistrationGate for Gate<'_> {
    async fn admit(&self, input: &GateInput<'_>, _new: &NewVersion) -> Result<(), GateRejection> {
        let mode = input
            .mode
            .as_deref()
            .and_then(Mode::parse)
            .unwrap_or_default();
        let reject = |code, message: String| Err(GateRejection { code, message });
        match (mode, self.import) {
            (Mode::Readonly | Mode::ReadonlyOverride, _) => {
                return reject(
                    codes::OPERATION_NOT_PERMITTED,
                    format!("Subject {} is in read-only mode", input.subject),
                );
            }
            (Mode::Import, true) => return Ok(()),
            (Mode::Import, false) => {
                return reject(
                    codes::OPERATION_NOT_PERMITTED,
                    "In IMPORT mode a registration must give the id to import".into(),
                );
            }
            (Mode::Readwrite, true) => {
                return reject(
                    codes::OPERATION_NOT_PERMITTED,
                    format!(
                        "Subject {} is not in IMPORT mode; an id cannot be given",
                        input.subject
                    ),
                );
            }
            (Mode::Readwrite, false) => {}
        }
        let level = self.registry.level_in_force(input.compatibility.as_deref());
        let existing = self
            .registry
            .parsed_versions(&input.existing)
            .await
            .map_err(|e| GateRejection {
                code: codes::INTERNAL,
                message: format!("{e:?}"),
            })?;
        let refs: Vec<&Schema> = existing.iter().map(AsRef::as_ref).collect();
        let report = registry_core::compat::check(level, self.schema, &refs);
        if report.compatible {
            return Ok(());
        }
        let version = report
            .failed_version_index
            .map_or(0, |i| input.existing[i].version);
        reject(
            codes::INCOMPATIBLE_SCHEMA,
            format!(
                "Schema being registered is incompatible with an earlier schema for subject \"{}\", details: [{}] (version {version}, {level})",
                input.subject,
                report.messages().join("; ")
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn response_caches_stay_within_their_byte_budget() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crate::server::open_database(
            &format!("sqlite://{}/r.db", dir.path().display()),
            1,
            Duration::from_secs(5),
        )
        .await
        .expect("store");
        let registry = Registry::new(
            store,
            RegistryOptions {
                cache_bytes: 1 << 20,
                ..RegistryOptions::default()
            },
        );
        // 200 immutable responses of 10 KiB: 2 MiB offered to a 512 KiB share.
        for id in 0..200 {
            let body = registry
                .cached(CacheKey::SchemaById(id), || async {
                    Ok(CachedBody::new(vec![b'x'; 10 * 1024], true, None))
                })
                .await
                .expect("cached");
            assert_eq!(body.body.len(), 10 * 1024);
        }
        let held = registry.cached_bytes().await;
        assert!(held > 0, "something is cached");
        assert!(held <= 512 * 1024 + 1, "held {held} bytes");
        assert!(registry.cached_entries() < 200);
    }
}
