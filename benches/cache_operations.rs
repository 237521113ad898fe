//! The response cache in front of the database, through the same service function the
//! `GET /schemas/ids/{id}` handler calls: a hit, a miss that goes to the database (SQLite and
//! PostgreSQL), 64 concurrent misses of one key (one database query: single flight), and an
//! invalidation.
//!
//! `cargo bench -p llm-schema-registry-benches --bench cache_operations`

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use registry_benches::db::{BenchDb, backends};
use registry_core::cache_key::CacheKey;
use registry_origin::service::CachedBody;
use tokio::runtime::Runtime;

const SEEDED: usize = 1_000;

fn cache_operations(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    let mut group = c.benchmark_group("cache");
    let dbs: Vec<BenchDb> = rt.block_on(async {
        let mut dbs = Vec::new();
        for backend in backends().await {
            let db = BenchDb::create(backend, "cache_operations").await;
            db.seed(0, SEEDED, 8).await;
            dbs.push(db);
        }
        dbs
    });
    let registry = dbs[0].registry.clone();
    rt.block_on(registry.schema_body(1)).expect("schema 1");
    group.bench_function("hit", |b| {
        b.to_async(&rt)
            .iter(|| async { registry.schema_body(1).await.expect("hit") });
    });
    for db in &dbs {
        let registry = db.registry.clone();
        group.bench_function(format!("miss + {}", db.backend), |b| {
            b.to_async(&rt).iter(|| async {
                registry.forget(&[CacheKey::SchemaById(2)]).await;
                registry.schema_body(2).await.expect("miss")
            });
        });
    }
    // Single flight: 64 callers miss one key at once; one of them runs the query.
    let queries = Arc::new(AtomicU64::new(0));
    let rounds = Arc::new(AtomicU64::new(0));
    group.bench_function("64 concurrent misses, one key (sqlite)", |b| {
        b.to_async(&rt).iter(|| {
            let (registry, queries, rounds) = (registry.clone(), queries.clone(), rounds.clone());
            async move {
                registry.forget(&[CacheKey::SchemaById(3)]).await;
                rounds.fetch_add(1, Ordering::Relaxed);
                let callers = (0..64).map(|_| {
                    let (registry, queries) = (registry.clone(), queries.clone());
                    tokio::spawn(async move {
                        registry
                            .cache
                            .get_or(CacheKey::SchemaById(3), || async {
                                queries.fetch_add(1, Ordering::Relaxed);
                                let body = registry.schema_body(4).await?;
                                Ok(CachedBody::new(body.body.to_vec(), true, None))
                            })
                            .await
                            .expect("read")
                    })
                });
                for caller in callers.collect::<Vec<_>>() {
                    caller.await.expect("caller");
                }
            }
        });
    });
    eprintln!(
        "single flight: {} database queries for {} rounds of 64 concurrent misses",
        queries.load(Ordering::Relaxed),
        rounds.load(Ordering::Relaxed)
    );
    group.bench_function("invalidate", |b| {
        b.to_async(&rt).iter(|| async {
            registry.forget(&[CacheKey::SchemaById(5)]).await;
        });
    });
    group.finish();
    for db in dbs {
        rt.block_on(db.drop_database());
    }
}

criterion_group!(benches, cache_operations);
criterion_main!(benches);
