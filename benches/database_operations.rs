//! Storage operations as the database grows: register a new subject, a schema by id (uncached:
//! straight to the store), a subject's latest version, and the list of all subjects, at 1k, 10k
//! and 100k subjects (`BENCH_SUBJECTS`), on SQLite and on PostgreSQL (when one answers at
//! `TEST_POSTGRES_URL`). Each backend gets a fresh database, grown between sizes and dropped
//! at the end.
//!
//! `cargo bench -p llm-schema-registry-benches --bench database_operations`
//! (`BENCH_SUBJECTS=1000,10000` for a shorter run)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use registry_benches::db::{BenchDb, backends, register, sizes, subject_name};
use registry_origin::store::Deleted;
use tokio::runtime::Runtime;

/// Spreads benchmark iterations over the seeded ids/subjects (a multiplicative hash).
fn spread(counter: &AtomicUsize, n: usize) -> usize {
    counter
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_mul(2_654_435_761)
        % n
}

fn database_operations(c: &mut Criterion) {
    let rt = Runtime::new().expect("tokio runtime");
    for backend in rt.block_on(backends()) {
        let db = rt.block_on(BenchDb::create(backend, "database_operations"));
        let mut seeded = 0;
        // Registrations made by the `register` benchmark, beyond the seeded subjects.
        let extra = AtomicUsize::new(10_000_000);
        for n in sizes() {
            let start = Instant::now();
            rt.block_on(db.seed(seeded, n, 8));
            eprintln!(
                "{backend}: seeded subjects {seeded}..{n} in {:.1} s",
                start.elapsed().as_secs_f64()
            );
            seeded = n;
            let mut group = c.benchmark_group(format!("database/{backend}"));
            group.sample_size(20);
            let database = db.database().clone();
            let registry = db.registry.clone();
            group.bench_function(BenchmarkId::new("register new subject", n), |b| {
                b.to_async(&rt).iter(|| {
                    let i = extra.fetch_add(1, Ordering::Relaxed);
                    let registry = registry.clone();
                    async move { register(&registry, i).await }
                });
            });
            let counter = AtomicUsize::new(0);
            group.bench_function(BenchmarkId::new("schema by id (uncached)", n), |b| {
                b.to_async(&rt).iter(|| {
                    let id = spread(&counter, n) as i64 + 1;
                    let database = database.clone();
                    async move {
                        database
                            .run(|s| s.schema_by_id(id))
                            .await
                            .expect("read")
                            .expect("exists")
                    }
                });
            });
            group.bench_function(BenchmarkId::new("latest version", n), |b| {
                b.to_async(&rt).iter(|| {
                    let subject = subject_name(spread(&counter, n));
                    let database = database.clone();
                    async move {
                        database
                            .run(|s| s.version(&subject, None, Deleted::Exclude))
                            .await
                            .expect("read")
                            .expect("exists")
                    }
                });
            });
            group.bench_function(BenchmarkId::new("list subjects", n), |b| {
                b.to_async(&rt).iter(|| {
                    let database = database.clone();
                    async move {
                        database
                            .run(|s| s.subjects("", Deleted::Exclude))
                            .await
                            .expect("list")
                            .len()
                    }
                });
            });
            group.finish();
        }
        rt.block_on(db.drop_database());
    }
}

criterion_group!(benches, database_operations);
criterion_main!(benches);
