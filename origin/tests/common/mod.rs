//! Test harness: a real server on `127.0.0.1:0` over a real database — a temporary SQLite file,
//! or a fresh PostgreSQL database created for the test and dropped after it.
//!
//! PostgreSQL is found at `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`);
//! `scripts/test.sh` starts a throwaway cluster there when none runs.
#![allow(dead_code)]

use std::time::Duration;

use registry_origin::server::{self, ServerConfig};
use serde_json::Value;
use sqlx::Connection;
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn postgres_base() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database that exists for one test.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres(String),
    /// A database the test owns some other way (left alone).
    External,
}

impl TestDb {
    pub async fn create(backend: Backend) -> (Self, String) {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("registry.db").display());
                (Self::Sqlite(dir), url)
            }
            Backend::Postgres => {
                let name = format!("registry_test_{}_{}", std::process::id(), rand_suffix());
                let mut admin =
                    sqlx::PgConnection::connect(&format!("{}/postgres", postgres_base()))
                        .await
                        .expect("PostgreSQL reachable for tests");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                (
                    Self::Postgres(name.clone()),
                    format!("{}/{name}", postgres_base()),
                )
            }
        }
    }

    pub async fn drop_database(&self) {
        if let Self::Postgres(name) = self {
            let mut admin = sqlx::PgConnection::connect(&format!("{}/postgres", postgres_base()))
                .await
                .expect("PostgreSQL reachable");
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await;
        }
    }
}

fn rand_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{nanos}_{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A running server.
pub struct TestServer {
    pub url: String,
    pub db: TestDb,
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub client: reqwest::Client,
    /// The server's registry (its database and caches), for tests that look behind the API.
    pub registry: std::sync::Arc<registry_origin::service::Registry>,
    /// Stops the server's event-log follower.
    _follower: tokio::sync::watch::Sender<bool>,
}

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut ServerConfig)) -> Self {
        let (db, database_url) = TestDb::create(backend).await;
        Self::start_on(db, database_url, tweak).await
    }

    /// A server on `database_url`, which `db` cleans up after (or not, for `External`).
    pub async fn start_on(
        db: TestDb,
        database_url: String,
        tweak: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        let mut config = ServerConfig::for_tests(&database_url);
        tweak(&mut config);
        let database = server::open_store(&config).await.expect("database opens");
        let registry = server::registry(database, &config);
        let (follower, stop_following) = tokio::sync::watch::channel(false);
        server::start_log_follower(&registry, &config, stop_following);
        let app = server::app(registry.clone(), &config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = oneshot::channel::<()>();
        let limits = server::connection_limits(&config);
        let handle = tokio::spawn(server::run(listener, app, limits, async {
            let _ = rx.await;
        }));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_mins(1))
            .build()
            .expect("client");
        Self {
            url,
            db,
            database_url,
            shutdown: Some(tx),
            handle: Some(handle),
            client,
            registry,
            _follower: follower,
        }
    }

    /// Signals shutdown; returns the server task to await.
    pub fn begin_shutdown(&mut self) -> tokio::task::JoinHandle<std::io::Result<()>> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.handle.take().expect("running")
    }

    pub async fn stop(mut self) {
        let handle = self.begin_shutdown();
        handle.await.expect("server task").expect("server ran");
        self.db.drop_database().await;
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .get(self.at(path))
            .send()
            .await
            .expect("request");
        read(r).await
    }

    /// The body of a GET as text (raw schemas, `/metrics`).
    pub async fn text(&self, path: &str) -> String {
        let r = self
            .client
            .get(self.at(path))
            .send()
            .await
            .expect("request");
        r.text().await.expect("body")
    }

    /// A POST of `body` as it is (not necessarily valid JSON), typed `application/json`.
    pub async fn post_raw(&self, path: &str, body: String) -> (u16, Value) {
        let r = self
            .client
            .post(self.at(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        read(r).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .post(self.at(path))
            .header("content-type", "application/vnd.schemaregistry.v1+json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        read(r).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .client
            .put(self.at(path))
            .json(body)
            .send()
            .await
            .expect("request");
        read(r).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        let r = self
            .client
            .delete(self.at(path))
            .send()
            .await
            .expect("request");
        read(r).await
    }

    /// Registers `schema` (text) under `subject`, expecting success; returns (id, version).
    pub async fn register(&self, subject: &str, schema_type: &str, schema: &str) -> (i64, i32) {
        let (status, body) = self
            .post(
                &format!("/subjects/{subject}/versions"),
                &serde_json::json!({"schema": schema, "schemaType": schema_type}),
            )
            .await;
        assert_eq!(status, 200, "register {subject}: {body}");
        (
            body["id"].as_i64().expect("id"),
            body["version"].as_i64().expect("version") as i32,
        )
    }
}

/// `method` on `path` with an `Authorization` header value (if any) and a JSON body (if any).
pub async fn call(
    s: &TestServer,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = s.client.request(method.parse().unwrap(), s.at(path));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    if let Some(b) = body {
        req = req
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    read(req.send().await.expect("request")).await
}

pub async fn read(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}

/// Asserts a Confluent error body with `code` and status `status`.
#[track_caller]
pub fn assert_error(got: &(u16, Value), status: u16, code: u64) {
    assert_eq!(got.0, status, "status of {}", got.1);
    assert_eq!(
        got.1["error_code"].as_u64(),
        Some(code),
        "error code of {}",
        got.1
    );
    assert!(
        got.1["message"].as_str().is_some_and(|m| !m.is_empty()),
        "message in {}",
        got.1
    );
    assert_eq!(
        got.1.as_object().map(serde_json::Map::len),
        Some(2),
        "exactly error_code and message: {}",
        got.1
    );
}

/// Runs SQL on the server's database directly (what only an operator or time could do).
pub async fn exec(server: &TestServer, sql: &str) {
    if server.database_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&server.database_url)
            .await
            .expect("connect");
        sqlx::query(sql).execute(&mut c).await.expect(sql);
    } else {
        let mut c = sqlx::SqliteConnection::connect(&server.database_url)
            .await
            .expect("connect");
        sqlx::query(sql).execute(&mut c).await.expect(sql);
    }
}

/// Runs an async test body against each backend.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::common::Backend::Postgres).await;
            }
        }
    };
}
