//! Slow and greedy clients: bodies sent a byte at a time, headers never finished, a declared
//! length over the limit, more connections than an address may open, and a full server that
//! still answers its probes.

use std::time::{Duration, Instant};

use sqlx::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::common::{Backend, TestServer, read};
use super::probe::Probe;
use super::server;

fn address(s: &TestServer) -> String {
    s.url.trim_start_matches("http://").to_owned()
}

/// Reads what the server sends until it closes (or `limit` passes): the bytes and whether it
/// closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_get_408_and_hold_no_slot() {
    let s = server(Backend::Sqlite, |c| {
        c.max_concurrent_requests = 4;
        c.max_queued_requests = 4;
    })
    .await;
    let probe = Probe::start(&s.url);
    let mut slow = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(address(&s)).await.expect("connect");
        stream
            .write_all(b"POST /subjects/slow/versions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{")
            .await
            .expect("write");
        slow.push(stream);
    }
    // Fifty bodies dribbling in: far more than the slots, yet every probe answers.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        for stream in &mut slow {
            let _ = stream.write_all(b" ").await;
        }
    }
    for stream in &mut slow {
        let (answer, _) = read_until_closed(stream, Duration::from_secs(3)).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("\"error_code\":408"), "{answer}");
    }
    probe.finish("50 slow bodies").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_length_over_the_limit_is_refused_before_the_body() {
    let s = server(Backend::Sqlite, |_| {}).await;
    let mut stream = TcpStream::connect(address(&s)).await.expect("connect");
    stream
        .write_all(b"POST /subjects/big/versions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2000000\r\n\r\n")
        .await
        .expect("write");
    // The answer comes before any of the body is sent (the rest would be read and dropped, so
    // a client still sending sees the 413 rather than a reset).
    let (answer, _) = read_until_closed(&mut stream, Duration::from_millis(500)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
    assert!(answer.ends_with('}'), "the whole error body: {answer}");
    assert!(answer.contains("41301"), "{answer}");
    drop(stream);
    // A client that sends all of an oversized body reads the 413 too.
    let (status, body) = s
        .post_raw("/subjects/big/versions", "x".repeat(3_000_000))
        .await;
    assert_eq!((status, body["error_code"].as_u64()), (413, Some(41301)));
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_headers_and_idle_connections_are_closed() {
    let s = server(Backend::Sqlite, |_| {}).await;
    let probe = Probe::start(&s.url);
    let mut stuck = Vec::new();
    for _ in 0..100 {
        let mut stream = TcpStream::connect(address(&s)).await.expect("connect");
        stream
            .write_all(b"GET /schemas/ids/1 HTTP/1.1\r\nhost:")
            .await
            .expect("write");
        stuck.push(stream);
    }
    let mut idle = TcpStream::connect(address(&s)).await.expect("connect");
    idle.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .expect("write");
    for stream in &mut stuck {
        let (_, closed) = read_until_closed(stream, Duration::from_secs(3)).await;
        assert!(
            closed,
            "a connection that never finished its headers was closed"
        );
    }
    let (answer, closed) = read_until_closed(&mut idle, Duration::from_secs(3)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        closed,
        "an idle keep-alive connection was closed after the header timeout"
    );
    probe.finish("100 unfinished headers").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_may_open_only_so_many_connections() {
    let s = server(Backend::Sqlite, |c| {
        c.max_connections_per_ip = 20;
        c.header_read_timeout_ms = 10_000;
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(address(&s)).await.expect("connect"));
    }
    let mut extra = TcpStream::connect(address(&s))
        .await
        .expect("the kernel accepts");
    let _ = extra
        .write_all(b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n")
        .await;
    let (answer, closed) = read_until_closed(&mut extra, Duration::from_secs(2)).await;
    assert!(
        closed && answer.is_empty(),
        "the connection over the cap was closed: {answer}"
    );
    drop(held);
    // The places are free again.
    let deadline = Instant::now() + Duration::from_secs(3);
    while s.client.get(s.at("/health")).send().await.is_err() {
        assert!(Instant::now() < deadline, "no place came free");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_answer_while_every_slot_is_taken() {
    let s = server(Backend::Sqlite, |c| {
        c.max_concurrent_requests = 1;
        c.max_queued_requests = 0;
        c.db_acquire_timeout_ms = 5_000;
    })
    .await;
    // Another writer holds SQLite's lock: a registration waits inside its slot.
    let file = s.database_url.trim_start_matches("sqlite://").to_owned();
    let mut locker = sqlx::SqliteConnection::connect(&format!("sqlite://{file}"))
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut locker)
        .await
        .expect("lock");
    let url = s.url.clone();
    let waiting = tokio::spawn(async move {
        reqwest::Client::new()
            .post(format!("{url}/subjects/held/versions"))
            .header("content-type", "application/json")
            .body(r#"{"schema": "\"int\""}"#)
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shed = read(s.client.get(s.at("/subjects")).send().await.unwrap()).await;
    assert_eq!(shed.0, 503, "the one slot is taken: {shed:?}");
    for probe in ["/health", "/ready"] {
        let started = Instant::now();
        assert_eq!(s.get(probe).await.0, 200, "{probe}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{probe} answered at once"
        );
    }
    sqlx::query("ROLLBACK")
        .execute(&mut locker)
        .await
        .expect("unlock");
    assert_eq!(waiting.await.unwrap().unwrap(), 200);
    s.stop().await;
}
