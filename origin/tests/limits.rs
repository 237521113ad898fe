//! Limits and overload: body size, schema size, nesting depth, request timeout and load shedding
//! each answer with their status and a Confluent error body, never a hang or a crash.

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestServer, assert_error, read};
use serde_json::{Value, json};

const AVRO: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#;

/// Takes the SQLite write lock from outside the server, as a long operator transaction would:
/// a registration then waits inside its handler (holding its admission slot) until the lock goes.
async fn hold_writer(s: &TestServer) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&s.database_url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut c)
        .await
        .expect("lock");
    c
}

async fn release(mut c: sqlx::SqliteConnection) {
    sqlx::query("COMMIT").execute(&mut c).await.expect("unlock");
}

/// A registration of a new schema sent in the background.
fn stalled_registration(s: &TestServer, n: usize) -> tokio::task::JoinHandle<(u16, Value)> {
    let request = s
        .client
        .post(s.at(&format!("/subjects/stalled-{n}/versions")))
        .header("content-type", "application/json")
        .body(json!({ "schema": AVRO }).to_string());
    tokio::spawn(async move { read(request.send().await.expect("request")).await })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_schema_and_nesting_limits() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.max_body_bytes = 300_000;
        c.max_schema_bytes = 2_000;
    })
    .await;
    // Body over the limit: 413 with the error body.
    let big =
        json!({"schema": format!("{{\"type\":\"string\",\"doc\":\"{}\"}}", "x".repeat(400_000))});
    assert_error(&s.post("/subjects/big/versions", &big).await, 413, 41301);
    // Within the body limit but over the schema limit: 422 (42209).
    let fields: Vec<_> = (0..100)
        .map(|i| json!({"name": format!("f{i}"), "type": "long"}))
        .collect();
    let wide = json!({"type": "record", "name": "W", "fields": fields}).to_string();
    assert!(wide.len() > 2_000);
    let got = s
        .post("/subjects/wide/versions", &json!({"schema": wide}))
        .await;
    assert_error(&got, 422, 42209);
    // A schema text nesting 100,000 arrays: refused before any parser recurses into it.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let s2 = TestServer::start(Backend::Sqlite).await;
    let got = s2
        .post("/subjects/deep/versions", &json!({"schema": deep}))
        .await;
    assert_error(&got, 422, 42210);
    // The body itself nesting 100,000 levels: the same answer, from the body reader.
    let body = format!(
        "{{\"schema\":{}\"x\"{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let got = s2.post_raw("/subjects/deep/versions", body).await;
    assert_error(&got, 422, 42210);
    // A datum to validate, nested deeply: the same.
    s2.register("ok", "JSON", r#"{"type":"array"}"#).await;
    let datum = format!(
        "{{\"data\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let got = s2
        .post_raw("/subjects/ok/versions/latest/validate", datum)
        .await;
    assert_error(&got, 422, 42210);
    // Nothing of the refused requests was stored, and the server still answers.
    assert_error(&s.get("/subjects/wide/versions").await, 404, 40401);
    assert_eq!(s2.get("/subjects").await, (200, json!(["ok"])));
    s.stop().await;
    s2.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_time_out() {
    let s = TestServer::start_with(Backend::Sqlite, |c| c.request_timeout_ms = 300).await;
    let lock = hold_writer(&s).await;
    let started = Instant::now();
    let got = tokio::time::timeout(Duration::from_secs(8), stalled_registration(&s, 0))
        .await
        .expect("the server answers a stalled request by itself")
        .expect("task");
    assert_error(&got, 503, 50002);
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "answered only after the timeout"
    );
    release(lock).await;
    // Nothing half-written: the subject is not there, and registering works again.
    assert_error(&s.get("/subjects/stalled-0/versions").await, 404, 40401);
    s.register("stalled-0", "AVRO", AVRO).await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_shed_with_retry_after() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.max_concurrent_requests = 1;
        c.max_queued_requests = 1;
        c.request_timeout_ms = 20_000;
    })
    .await;
    s.register("r", "AVRO", AVRO).await;
    // One request in the slot and one in the queue, both waiting on the write lock; a third
    // is shed.
    let lock = hold_writer(&s).await;
    let stalled: Vec<_> = (0..2).map(|n| stalled_registration(&s, n)).collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let r = s
        .client
        .get(s.at("/schemas/ids/1"))
        .send()
        .await
        .expect("request");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shed at once, not after waiting"
    );
    assert_eq!(r.headers()["retry-after"], "1");
    assert_error(&read(r).await, 503, 50301);
    // Once the lock goes the held registrations finish and the registry serves again.
    release(lock).await;
    for task in stalled {
        assert_eq!(task.await.expect("task").0, 200);
    }
    assert_eq!(s.get("/schemas/ids/1").await.0, 200);
    let metrics = s.text("/metrics").await;
    assert!(
        metrics.contains("registry_requests_shed_total"),
        "shed requests are counted"
    );
    s.stop().await;
}
