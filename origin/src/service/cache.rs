//! The origin's in-process cache of serialised responses (moka), bounded by an estimate of the
//! memory it holds.
//!
//! Responses to immutable resources (a schema by id, a numbered version) live until evicted;
//! mutable ones (latest, lists, settings) are dropped by the events of the writes that change
//! them — this origin's own at once, other origins' through the event log — and, as a last
//! bound on staleness should an event be missed, expire after a TTL. The last good value of a
//! mutable key is kept apart and served only while the database is unavailable. Concurrent
//! misses of one key make one database query. Representations derived from a resource (a
//! version's LLM exports) are kept by [`ReadKey`] and dropped with the resource.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use moka::future::Cache;
use registry_core::cache_key::CacheKey;
use registry_core::routes::{ReadKey, Variant};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::ServiceError;

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

    /// `value` serialised (an API type from `registry_core::api`).
    pub fn of<T: Serialize>(value: &T, immutable: bool, etag_source: Option<&str>) -> Self {
        Self::new(
            serde_json::to_vec(value).expect("API types serialise"),
            immutable,
            etag_source,
        )
    }
}

/// Bookkeeping per cache entry beyond its payload (key, entry metadata, allocation headers),
/// an estimate used to weigh entries.
pub const ENTRY_OVERHEAD: usize = 320;

pub fn weight(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

fn response_weight(_: &CacheKey, body: &Arc<CachedBody>) -> u32 {
    weight(body.body.len() + body.etag.len() + ENTRY_OVERHEAD)
}

fn variant_weight(_: &ReadKey, body: &Arc<CachedBody>) -> u32 {
    weight(body.body.len() + body.etag.len() + ENTRY_OVERHEAD)
}

/// The response caches: `bytes` in all, seven sixteenths for immutable responses, an eighth
/// each for mutable ones and their last good values, a sixteenth for derived representations
/// (the rest is for parsed schemas).
pub struct ResponseCache {
    immutable: Cache<CacheKey, Arc<CachedBody>>,
    mutable: Cache<CacheKey, Arc<CachedBody>>,
    last_good: Cache<CacheKey, Arc<CachedBody>>,
    variants: Cache<ReadKey, Arc<CachedBody>>,
}

impl ResponseCache {
    pub fn new(bytes: u64, mutable_ttl: Duration) -> Self {
        let eighth = bytes / 8 + 1;
        Self {
            immutable: Cache::builder()
                .max_capacity(bytes * 7 / 16 + 1)
                .weigher(response_weight)
                .build(),
            mutable: Cache::builder()
                .max_capacity(eighth)
                .weigher(response_weight)
                .time_to_live(mutable_ttl)
                .build(),
            last_good: Cache::builder()
                .max_capacity(eighth)
                .weigher(response_weight)
                .build(),
            variants: Cache::builder()
                .max_capacity(bytes / 16 + 1)
                .weigher(variant_weight)
                .time_to_live(mutable_ttl)
                .build(),
        }
    }

    /// The cached representation `key`, produced by `make` on a miss (once for concurrent
    /// misses; errors are not cached). It lives until its resource changes, or for the mutable
    /// TTL at most.
    pub async fn variant_or<F, Fut>(
        &self,
        key: ReadKey,
        make: F,
    ) -> Result<Arc<CachedBody>, ServiceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedBody, ServiceError>>,
    {
        self.variants
            .try_get_with(key, async { make().await.map(Arc::new) })
            .await
            .map_err(|e: Arc<ServiceError>| (*e).clone())
    }

    fn cache_of(&self, key: &CacheKey) -> &Cache<CacheKey, Arc<CachedBody>> {
        if key.is_immutable() {
            &self.immutable
        } else {
            &self.mutable
        }
    }

    /// The cached response for `key`, produced by `make` on a miss (once for concurrent
    /// misses). Errors are not cached; a mutable key answers its last good value while the
    /// database is unavailable.
    pub async fn get_or<F, Fut>(
        &self,
        key: CacheKey,
        make: F,
    ) -> Result<Arc<CachedBody>, ServiceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedBody, ServiceError>>,
    {
        let cache = self.cache_of(&key);
        if let Some(hit) = cache.get(&key).await {
            metrics::counter!("registry_cache_hits_total").increment(1);
            return Ok(hit);
        }
        metrics::counter!("registry_cache_misses_total").increment(1);
        // Concurrent callers share one error value; each gets its own copy.
        let answer = cache
            .try_get_with(key.clone(), async { make().await.map(Arc::new) })
            .await
            .map_err(|e: Arc<ServiceError>| (*e).clone());
        if key.is_immutable() {
            return answer;
        }
        match answer {
            Ok(body) => {
                self.last_good.insert(key, body.clone()).await;
                Ok(body)
            }
            Err(e @ ServiceError::Unavailable { .. }) => match self.last_good.get(&key).await {
                Some(stale) => {
                    metrics::counter!("registry_stale_served_total").increment(1);
                    Ok(stale)
                }
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// Puts `key`'s response in the cache unless it is there, without counting a hit or a miss
    /// (warming is not traffic); the bytes it weighs in the cache (0 if it was cached).
    pub async fn warm<F, Fut>(&self, key: CacheKey, make: F) -> Result<usize, ServiceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedBody, ServiceError>>,
    {
        let cache = self.cache_of(&key);
        if cache.contains_key(&key) {
            return Ok(0);
        }
        let body = Arc::new(make().await?);
        let bytes = body.body.len() + body.etag.len() + ENTRY_OVERHEAD;
        if !key.is_immutable() {
            self.last_good.insert(key.clone(), body.clone()).await;
        }
        cache.insert(key, body).await;
        Ok(bytes)
    }

    /// Whether `key`'s response is cached.
    pub fn contains(&self, key: &CacheKey) -> bool {
        self.immutable.contains_key(key) || self.mutable.contains_key(key)
    }

    pub fn entries(&self) -> u64 {
        self.immutable.entry_count() + self.mutable.entry_count()
    }

    /// The estimated bytes held, after pending evictions.
    pub async fn bytes(&self) -> u64 {
        self.immutable.run_pending_tasks().await;
        self.mutable.run_pending_tasks().await;
        self.immutable.weighted_size() + self.mutable.weighted_size()
    }

    /// Drops `keys` (a change made them stale).
    pub async fn invalidate(&self, keys: &[CacheKey]) {
        for key in keys {
            self.immutable.invalidate(key).await;
            self.mutable.invalidate(key).await;
            self.last_good.invalidate(key).await;
            for variant in Variant::of_key(&key.to_string()) {
                let derived = ReadKey {
                    key: key.clone(),
                    variant,
                };
                self.variants.invalidate(&derived).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn response_caches_stay_within_their_byte_budget() {
        let cache = ResponseCache::new(1 << 20, Duration::from_secs(5));
        // 200 immutable responses of 10 KiB: 2 MiB offered to a 512 KiB share.
        for id in 0..200 {
            let body = cache
                .get_or(CacheKey::SchemaById(id), || async {
                    Ok(CachedBody::new(vec![b'x'; 10 * 1024], true, None))
                })
                .await
                .expect("cached");
            assert_eq!(body.body.len(), 10 * 1024);
        }
        let held = cache.bytes().await;
        assert!(held > 0, "something is cached");
        assert!(held <= 512 * 1024 + 1, "held {held} bytes");
        assert!(cache.entries() < 200);
    }

    #[tokio::test]
    async fn stale_answers_only_while_the_database_is_down() {
        let cache = ResponseCache::new(1 << 20, Duration::from_millis(1));
        let key = CacheKey::Subjects;
        let first = cache
            .get_or(key.clone(), || async {
                Ok(CachedBody::new(b"[1]".to_vec(), false, None))
            })
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        let down = cache
            .get_or(key.clone(), || async {
                Err(ServiceError::Unavailable { timeout: false })
            })
            .await
            .unwrap();
        assert_eq!(
            down.body, first.body,
            "the last good value while the database is down"
        );
        let refused = cache
            .get_or(key, || async { Err(ServiceError::Internal("x".into())) })
            .await;
        assert!(
            refused.is_err(),
            "only an outage is answered from the last good value"
        );
    }
}
