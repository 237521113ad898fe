//! Writes an attacker would try: guessing keys, a browser page of another site writing to a
//! registry with no keys, and edges that redirect or answer with secrets of their own.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::common::{Backend, assert_error, call, read};
use super::probe::Probe;
use super::server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_keys_is_throttled_per_address() {
    let s = server(Backend::Sqlite, |c| {
        c.auth = true;
        c.public_reads = true;
        c.auth_failures_per_sec = 5;
    })
    .await;
    let probe = Probe::start(&s.url);
    let mut throttled = None;
    for n in 0..200 {
        let bad = format!("Bearer lsr_{n:024x}_{}", "0".repeat(48));
        let r = s
            .client
            .get(s.at("/subjects"))
            .header("authorization", bad)
            .send()
            .await
            .unwrap();
        let retry = r.headers().get("retry-after").cloned();
        let (status, body) = read(r).await;
        if status == 429 {
            assert_eq!(body["error_code"], 42901);
            assert!(retry.is_some(), "429 says when to retry");
            throttled = Some(n);
            break;
        }
        assert_eq!(status, 401, "{body}");
    }
    let n = throttled.expect("bad keys are throttled");
    assert!(n <= 60, "throttled after the burst, at {n}");
    let metrics = s.text("/metrics").await;
    assert!(metrics.contains("registry_auth_throttled_total"), "counted");
    probe.finish("guessing keys").await;
    s.stop().await;
}

async fn post_from(
    s: &super::common::TestServer,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut req = s.client.post(s.at("/subjects/cross/versions"));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let body = body.unwrap_or(r#"{"schema": "\"string\""}"#).to_owned();
    read(req.body(body).send().await.unwrap()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_writes_are_refused_while_auth_is_off() {
    let s = server(Backend::Sqlite, |c| {
        c.cors_allowed_origins = vec!["https://app.example".into()];
    })
    .await;
    let json = ("content-type", "application/json");
    // What a page's no-cors request sends: a simple content type. The origin check comes first.
    let text = post_from(
        &s,
        &[
            ("origin", "https://evil.example"),
            ("content-type", "text/plain"),
        ],
        None,
    )
    .await;
    assert_error(&text, 403, 40301);
    // Without an origin (a script, not a page), a body that is not JSON is still refused.
    let plain = post_from(&s, &[("content-type", "text/plain")], None).await;
    assert_error(&plain, 415, 41501);
    let none = post_from(&s, &[], None).await;
    assert_error(&none, 415, 41501);
    for headers in [
        vec![json, ("origin", "https://evil.example")],
        vec![json, ("sec-fetch-site", "cross-site")],
        vec![json, ("origin", "null")],
    ] {
        assert_error(&post_from(&s, &headers, None).await, 403, 40301);
    }
    assert_eq!(
        s.get("/subjects").await.1,
        json!(["probe-value"]),
        "nothing was written"
    );
    let host = s.url.trim_start_matches("http://").to_owned();
    let same = format!("http://{host}");
    assert_eq!(
        post_from(&s, &[json, ("origin", &same)], None).await.0,
        200,
        "same origin"
    );
    let r = s
        .client
        .post(s.at("/subjects/cross2/versions"))
        .header("content-type", "application/json")
        .header("origin", "https://app.example")
        .body(r#"{"schema": "\"string\""}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "an allowed origin");
    assert_eq!(
        r.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("https://app.example")
    );
    s.stop().await;
}

/// A one-connection-at-a-time HTTP server answering `answer` to everything; counts requests.
async fn fake_edge(answer: &'static str) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut seen = 0;
        while let Ok(Ok((mut stream, _))) =
            tokio::time::timeout(Duration::from_secs(4), listener.accept()).await
        {
            let mut buf = [0u8; 8192];
            let _ = stream.read(&mut buf).await;
            seen += 1;
            let _ = stream.write_all(answer.as_bytes()).await;
        }
        seen
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_are_not_followed_nor_read_back() {
    let (target, target_seen) = fake_edge("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await;
    let redirect: &'static str = Box::leak(
        format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}/steal\r\ncontent-length: 0\r\n\r\n")
            .into_boxed_str(),
    );
    let (redirecting, _) = fake_edge(redirect).await;
    let (chatty, _) =
        fake_edge("HTTP/1.1 500 Oops\r\ncontent-length: 24\r\n\r\nthe-internal-secret-is-X").await;
    let s = server(Backend::Sqlite, |c| {
        c.invalidation_secret = Some("s".into());
        c.dispatch_poll_ms = 100;
    })
    .await;
    let config = registry_origin::server::ServerConfig::for_tests(&s.database_url);
    let mut config = config;
    config.invalidation_secret = Some("s".into());
    config.dispatch_poll_ms = 100;
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    registry_origin::server::start_dispatcher(&s.registry, &config, stopped)
        .await
        .unwrap();
    for url in [
        "file:///etc/passwd",
        "http://user@127.0.0.1:1/",
        "gopher://x",
    ] {
        assert_error(
            &s.post("/admin/edges", &json!({"url": url})).await,
            422,
            422,
        );
    }
    for url in [&redirecting, &chatty] {
        assert_eq!(s.post("/admin/edges", &json!({"url": url})).await.0, 200);
    }
    s.register(
        "edge-work",
        "AVRO",
        r#"{"type":"record","name":"E","fields":[]}"#,
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let errors = loop {
        let (_, edges) = call(&s, "GET", "/admin/edges", None, None).await;
        let errors: Vec<String> = edges
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["last_error"].as_str().map(str::to_owned))
            .collect();
        if errors.len() == 2 || Instant::now() > deadline {
            break errors;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        errors.contains(&"the edge answered HTTP 307".to_owned()),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"the edge answered HTTP 500".to_owned()),
        "{errors:?}"
    );
    assert!(errors.iter().all(|e| !e.contains("secret")), "{errors:?}");
    assert_eq!(
        target_seen.await.unwrap(),
        0,
        "the redirect was not followed"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edges_only_at_allowed_hosts() {
    let s = server(Backend::Sqlite, |c| {
        c.edge_allowed_hosts = vec!["127.0.0.1:8787".into()];
    })
    .await;
    assert_eq!(
        s.post("/admin/edges", &json!({"url": "http://127.0.0.1:8787"}))
            .await
            .0,
        200
    );
    assert_error(
        &s.post("/admin/edges", &json!({"url": "http://10.0.0.5:80"}))
            .await,
        422,
        422,
    );
    s.stop().await;
}
