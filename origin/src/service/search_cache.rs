//! Search pages kept between changes. A ranked search reads every document that matches (a
//! common word matches thousands), while the registry changes seldom: a page is kept until the
//! next change this origin makes or learns of from the event log, and for the mutable TTL at
//! most (the bound should a change reach the database some other way).
//!
//! Every change starts a new generation and a page is kept under the generation its search
//! began in, so a search that raced a change is never served after that change.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use moka::future::Cache;
use registry_core::SchemaType;

use super::ServiceError;
use super::cache::{ENTRY_OVERHEAD, weight};
use crate::store::{SearchPage, SearchQuery};

/// A search as the cache tells searches apart: the generation it began in and every parameter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PageKey {
    generation: u64,
    text: String,
    schema_type: Option<SchemaType>,
    subject_prefix: String,
    tag: String,
    offset: i64,
    limit: i64,
}

/// The bytes a hit holds beyond its strings, for weighing pages.
const HIT_OVERHEAD: usize = 64;

fn page_weight(key: &PageKey, page: &Arc<SearchPage>) -> u32 {
    let hits: usize = page
        .hits
        .iter()
        .map(|h| {
            HIT_OVERHEAD
                + h.subject.len()
                + h.schema_type.len()
                + h.tags.iter().map(String::len).sum::<usize>()
        })
        .sum();
    weight(ENTRY_OVERHEAD + key.text.len() + key.subject_prefix.len() + key.tag.len() + hits)
}

pub struct SearchCache {
    generation: AtomicU64,
    pages: Cache<PageKey, Arc<SearchPage>>,
}

impl SearchCache {
    pub fn new(bytes: u64, ttl: Duration) -> Self {
        Self {
            generation: AtomicU64::new(0),
            pages: Cache::builder()
                .max_capacity(bytes)
                .weigher(page_weight)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// The page `query` gives, searched by `search` on a miss (once for concurrent misses;
    /// errors are not kept).
    pub async fn get_or<F, Fut>(
        &self,
        query: &SearchQuery,
        search: F,
    ) -> Result<Arc<SearchPage>, ServiceError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<SearchPage, ServiceError>>,
    {
        let key = PageKey {
            generation: self.generation.load(Ordering::Acquire),
            text: query.text.clone(),
            schema_type: query.schema_type,
            subject_prefix: query.subject_prefix.clone(),
            tag: query.tag.clone(),
            offset: query.offset,
            limit: query.limit,
        };
        if let Some(page) = self.pages.get(&key).await {
            metrics::counter!("registry_search_cache_total", "outcome" => "hit").increment(1);
            return Ok(page);
        }
        metrics::counter!("registry_search_cache_total", "outcome" => "miss").increment(1);
        self.pages
            .try_get_with(key, async { search().await.map(Arc::new) })
            .await
            .map_err(|e: Arc<ServiceError>| (*e).clone())
    }

    /// Something changed: no page searched before now is served again.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.pages.invalidate_all();
    }

    /// Pages kept (after pending evictions run).
    #[cfg(test)]
    async fn pages(&self) -> u64 {
        self.pages.run_pending_tasks().await;
        self.pages.entry_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SearchHit;

    fn page(total: i64) -> SearchPage {
        SearchPage {
            total,
            hits: vec![SearchHit {
                subject: "orders-value".into(),
                version: 1,
                id: 1,
                schema_type: "AVRO".into(),
                tags: Vec::new(),
                score: 0.5,
            }],
        }
    }

    fn query(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            limit: 20,
            ..SearchQuery::default()
        }
    }

    /// The total of the page `cache` answers for `text`, counting in `searches` the searches
    /// it made (each would answer `total`).
    async fn total_of(cache: &SearchCache, text: &str, total: i64, searches: &AtomicU64) -> i64 {
        let search = || {
            searches.fetch_add(1, Ordering::Relaxed);
            async move { Ok(page(total)) }
        };
        cache.get_or(&query(text), search).await.unwrap().total
    }

    #[tokio::test]
    async fn a_page_is_searched_once_until_something_changes() {
        let cache = SearchCache::new(1 << 20, Duration::from_mins(1));
        let searches = AtomicU64::new(0);
        assert_eq!(total_of(&cache, "order", 1, &searches).await, 1);
        assert_eq!(total_of(&cache, "order", 2, &searches).await, 1);
        // Another query is another page.
        assert_eq!(total_of(&cache, "refund", 3, &searches).await, 3);
        assert_eq!(searches.load(Ordering::Relaxed), 2);
        cache.changed();
        assert_eq!(total_of(&cache, "order", 4, &searches).await, 4);
        assert_eq!(searches.load(Ordering::Relaxed), 3);
    }

    #[tokio::test]
    async fn a_search_that_raced_a_change_is_not_served_after_it() {
        let cache = Arc::new(SearchCache::new(1 << 20, Duration::from_mins(1)));
        let (started, start) = tokio::sync::oneshot::channel::<()>();
        let (finish, finished) = tokio::sync::oneshot::channel::<()>();
        let racing = {
            let cache = Arc::clone(&cache);
            tokio::spawn(async move {
                cache
                    .get_or(&query("order"), || async move {
                        started.send(()).unwrap();
                        finished.await.unwrap();
                        Ok(page(1))
                    })
                    .await
                    .unwrap()
                    .total
            })
        };
        start.await.unwrap();
        cache.changed();
        finish.send(()).unwrap();
        assert_eq!(
            racing.await.unwrap(),
            1,
            "the racing search gets its own answer"
        );
        let order = query("order");
        let after = cache.get_or(&order, || async { Ok(page(2)) }).await;
        assert_eq!(
            after.unwrap().total,
            2,
            "but it is not kept past the change"
        );
    }

    #[tokio::test]
    async fn errors_are_not_kept() {
        let cache = SearchCache::new(1 << 20, Duration::from_mins(1));
        let failed = cache
            .get_or(&query("order"), || async {
                Err(ServiceError::Internal("down".into()))
            })
            .await;
        assert!(failed.is_err());
        let order = query("order");
        let kept = cache.get_or(&order, || async { Ok(page(7)) }).await;
        assert_eq!(kept.unwrap().total, 7);
        assert_eq!(cache.pages().await, 1);
    }
}
