//! Search (`GET /search`) over the index the registrations write, and catching the index up
//! with versions stored before it existed.

use std::sync::Arc;

use registry_core::search::SearchTerms;

use super::{Registry, ServiceError};
use crate::store::rows::schema_type;
use crate::store::{NewVersion, SearchPage, SearchQuery};

/// Versions indexed per transaction while catching up.
const INDEX_BATCH: i64 = 500;

impl Registry {
    /// A page of hits, kept until the next change (see [`super::search_cache`]).
    pub async fn search(&self, query: &SearchQuery) -> Result<Arc<SearchPage>, ServiceError> {
        self.searches
            .get_or(query, || async {
                let started = std::time::Instant::now();
                let page = self.db.run(|s| s.search(query)).await?;
                metrics::histogram!("registry_search_seconds")
                    .record(started.elapsed().as_secs_f64());
                Ok(page)
            })
            .await
    }

    /// Indexes every version that has no search document yet; how many it indexed.
    pub async fn index_missing(&self) -> Result<usize, ServiceError> {
        let mut total = 0;
        loop {
            let batch = self.db.run(|s| s.unindexed(INDEX_BATCH)).await?;
            if batch.is_empty() {
                return Ok(total);
            }
            let documents = batch.clone();
            let terms = self
                .cpu()
                .run(move || {
                    documents
                        .iter()
                        .map(|v| {
                            let ty = schema_type(&v.schema_type)?;
                            Ok(SearchTerms::of(
                                &v.subject,
                                ty,
                                &v.schema_text,
                                v.metadata.as_deref(),
                            ))
                        })
                        .collect::<Result<Vec<_>, crate::store::StoreError>>()
                })
                .await??;
            let mut tx = self.db.run(|s| s.begin_write()).await?;
            for (v, terms) in batch.iter().zip(&terms) {
                let row = NewVersion {
                    subject: &v.subject,
                    version: v.version,
                    schema_id: v.schema_id,
                    metadata: None,
                    rule_set: None,
                    // Not written with a search document.
                    registered_ms: 0,
                    context_id: None,
                };
                tx.insert_search_doc(&row, &v.schema_type, terms).await?;
            }
            tx.commit().await?;
            self.searches.changed();
            total += batch.len();
        }
    }
}
