//! Several origins on one PostgreSQL database: each follows the event log, so a write on one
//! drops the stale entries of every other's cache at once (woken by `NOTIFY`), long before any
//! cache lifetime would. The mutable-cache TTL is set to a minute here, so what the test sees
//! can only come from the log.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestDb, TestServer, call};
use serde_json::{Value, json};

const V1: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#;
const V2: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}"#;

/// Polls `path` on `s` until `want` holds, for at most 10 s; how long it took.
async fn until(s: &TestServer, path: &str, want: impl Fn(&(u16, Value)) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        let got = s.get(path).await;
        if want(&got) {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path} on the other origin still {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn start_pair() -> (TestServer, TestServer) {
    let long_ttl = |c: &mut registry_origin::server::ServerConfig| {
        c.mutable_cache_ttl_ms = 60_000;
        c.log_poll_ms = 30_000;
    };
    let a = TestServer::start_with(Backend::Postgres, long_ttl).await;
    let b = TestServer::start_on(TestDb::External, a.database_url.clone(), long_ttl).await;
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_origin_is_read_on_the_other_at_once() {
    let (a, b) = start_pair().await;
    a.register("shared-value", "AVRO", V1).await;
    // B caches the mutable answers.
    for path in [
        "/subjects/shared-value/versions/latest",
        "/subjects",
        "/config",
        "/mode",
    ] {
        assert_eq!(b.get(path).await.0, 200, "{path}");
    }
    // And a search page.
    assert_eq!(b.get("/search?q=another").await.1["total"], 0);
    a.register("shared-value", "AVRO", V2).await;
    let latest = until(&b, "/subjects/shared-value/versions/latest", |g| {
        g.1["version"] == 2
    })
    .await;
    a.register("another-value", "AVRO", V1).await;
    until(&b, "/subjects", |g| {
        g.1 == json!(["another-value", "shared-value"])
    })
    .await;
    until(&b, "/search?q=another", |g| g.1["total"] == 1).await;
    a.put("/config", &json!({"compatibility": "FULL"})).await;
    let config = until(&b, "/config", |g| g.1["compatibilityLevel"] == "FULL").await;
    a.put("/mode", &json!({"mode": "READONLY"})).await;
    until(&b, "/mode", |g| g.1["mode"] == "READONLY").await;
    a.put("/mode", &json!({"mode": "READWRITE"})).await;
    a.delete("/subjects/shared-value/versions/2").await;
    until(&b, "/subjects/shared-value/versions/latest", |g| {
        g.1["version"] == 1
    })
    .await;
    eprintln!("seen on the other origin after {latest:?} (latest) and {config:?} (config)");
    b.stop().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_revoked_on_one_origin_is_refused_by_the_other() {
    let (a, b) = start_pair_with_auth().await;
    let key = a
        .registry
        .create_key("read".parse().unwrap(), "reader", "cli")
        .await
        .expect("key")
        .value;
    let bearer = format!("Bearer {}", key.key);
    assert_eq!(
        call(&b, "GET", "/subjects", Some(&bearer), None).await.0,
        200
    );
    a.registry
        .revoke_key(&key.record.id, "cli")
        .await
        .expect("revoked");
    let started = Instant::now();
    while call(&b, "GET", "/subjects", Some(&bearer), None).await.0 != 401 {
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the key cache outlived the revocation"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    b.stop().await;
    a.stop().await;
}

async fn start_pair_with_auth() -> (TestServer, TestServer) {
    let config = |c: &mut registry_origin::server::ServerConfig| {
        c.auth = true;
        c.log_poll_ms = 30_000;
    };
    let a = TestServer::start_with(Backend::Postgres, config).await;
    let b = TestServer::start_on(TestDb::External, a.database_url.clone(), config).await;
    (a, b)
}
