//! Databases for the storage and cache benchmarks: a fresh SQLite file or PostgreSQL database,
//! seeded with N subjects of one version each through the registry's own registration path.

use std::sync::Arc;
use std::time::Duration;

use registry_core::SchemaType;
use registry_origin::server::open_database;
use registry_origin::service::{RegisterInput, Registry, RegistryOptions, SchemaInput};
use registry_origin::store::Database;

/// The backends a benchmark runs on: SQLite always, PostgreSQL when one answers at
/// `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`).
pub async fn backends() -> Vec<&'static str> {
    let answers = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(2))
        .connect(&format!("{}/postgres", postgres_server()))
        .await
        .is_ok();
    if answers {
        vec!["sqlite", "postgres"]
    } else {
        eprintln!("no PostgreSQL at {}: SQLite only", postgres_server());
        vec!["sqlite"]
    }
}

fn postgres_server() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Subject counts to measure at: `BENCH_SUBJECTS` (comma-separated), else 1k, 10k and 100k.
pub fn sizes() -> Vec<usize> {
    std::env::var("BENCH_SUBJECTS")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000])
}

/// The schema of subject `i`: a small LLM-payload record, distinct per subject.
pub fn subject_schema(i: usize) -> String {
    format!(
        r#"{{"type":"record","name":"Completion{i}","namespace":"bench.llm","fields":[{{"name":"id","type":"string"}},{{"name":"model","type":"string"}},{{"name":"prompt_tokens","type":"int"}},{{"name":"completion_tokens","type":"int"}},{{"name":"text","type":["null","string"],"default":null}}]}}"#
    )
}

pub fn subject_name(i: usize) -> String {
    format!("bench-{i:07}-value")
}

/// A database for one benchmark, dropped (PostgreSQL) or deleted (SQLite) with it.
pub struct BenchDb {
    pub registry: Arc<Registry>,
    pub backend: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl BenchDb {
    /// A fresh, empty database.
    pub async fn create(backend: &'static str, name: &str) -> Self {
        let (url, dir, pg_name) = if backend == "postgres" {
            let server = postgres_server();
            let admin = open_pg_admin(&server).await;
            let name = format!("registry_bench_{name}");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await
                .expect("drop the bench database");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("create the bench database");
            (format!("{server}/{name}"), None, Some(name))
        } else {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/bench.db", dir.path().display());
            (url, Some(dir), None)
        };
        let db = open_database(&url, 16, Duration::from_secs(30))
            .await
            .expect("open the bench database");
        Self {
            registry: Arc::new(Registry::new(db, RegistryOptions::default())),
            backend,
            _dir: dir,
            pg_name,
        }
    }

    pub fn database(&self) -> &Arc<Database> {
        &self.registry.db
    }

    /// Registers subjects `from..to` (one version each), `concurrency` at a time.
    pub async fn seed(&self, from: usize, to: usize, concurrency: usize) {
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(from));
        let mut tasks = Vec::new();
        for _ in 0..concurrency.max(1) {
            let (registry, next) = (self.registry.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= to {
                        break;
                    }
                    register(&registry, i).await;
                }
            }));
        }
        for t in tasks {
            t.await.expect("seeding task");
        }
    }

    /// Drops the PostgreSQL database (SQLite's directory goes with `self`).
    pub async fn drop_database(self) {
        let Some(name) = self.pg_name.clone() else {
            return;
        };
        drop(self.registry);
        let admin = open_pg_admin(&postgres_server()).await;
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&admin)
            .await;
    }
}

async fn open_pg_admin(server: &str) -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{server}/postgres"))
        .await
        .expect("connect to PostgreSQL")
}

/// Registers subject `i` through the service's registration (parse, fingerprint, the mode and
/// compatibility checks, one transaction), as the HTTP handler does. Returns the schema id.
pub async fn register(registry: &Registry, i: usize) -> i64 {
    let input = RegisterInput {
        subject: subject_name(i),
        schema: SchemaInput {
            schema_type: SchemaType::Avro,
            text: subject_schema(i),
            references: Vec::new(),
        },
        normalize: false,
        metadata: None,
        rule_set: None,
        import_id: None,
        import_version: None,
        actor: "bench".into(),
        stamp: None,
    };
    registry
        .register(&input)
        .await
        .expect("registration")
        .value
        .id
}
