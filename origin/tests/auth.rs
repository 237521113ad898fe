//! API keys and roles, and rate limits, over HTTP: the first admin key made by the CLI against
//! the database, keys created and revoked through the admin API, and the role table tested as
//! a matrix of callers by endpoints.

mod common;

use base64::Engine;
use common::{Backend, TestServer, assert_error, call, read};
use serde_json::{Value, json};

const AVRO: &str = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#;

/// `schema-registry keys create` against the server's database; returns the printed key.
fn cli_key(database_url: &str, role: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_schema-registry"))
        .args([
            "keys", "create", "--role", role, "--name", "first", "--json",
        ])
        .env("DATABASE_URL", database_url)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["key"].as_str().expect("key").to_owned()
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

fn basic(user: &str, password: &str) -> String {
    let raw = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

async fn new_key(s: &TestServer, admin: &str, role: &str) -> (String, String) {
    let (status, body) = call(
        s,
        "POST",
        "/admin/keys",
        Some(&bearer(admin)),
        Some(json!({"role": role, "name": role})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    (
        body["id"].as_str().unwrap().to_owned(),
        body["key"].as_str().unwrap().to_owned(),
    )
}

async fn role_matrix(backend: Backend) {
    let s = TestServer::start_with(backend, |c| c.auth = true).await;
    // Before any key: everything but the health checks is closed.
    assert_eq!(call(&s, "GET", "/health", None, None).await.0, 200);
    assert_eq!(call(&s, "GET", "/ready", None, None).await.0, 200);
    assert_error(&call(&s, "GET", "/subjects", None, None).await, 401, 40101);
    let admin = cli_key(&s.database_url, "admin");
    let (_, read_key) = new_key(&s, &admin, "read").await;
    let (_, write_key) = new_key(&s, &admin, "write").await;
    let (revoked_id, revoked) = new_key(&s, &admin, "admin").await;
    assert_eq!(
        call(&s, "GET", "/subjects", Some(&bearer(&revoked)), None)
            .await
            .0,
        200
    );
    assert_eq!(
        call(
            &s,
            "DELETE",
            &format!("/admin/keys/{revoked_id}"),
            Some(&bearer(&admin)),
            None
        )
        .await
        .0,
        200
    );
    assert_error(
        &call(
            &s,
            "DELETE",
            &format!("/admin/keys/{revoked_id}"),
            Some(&bearer(&admin)),
            None,
        )
        .await,
        404,
        404,
    );
    let unknown = "lsr_000000000000000000000000_00000000000000000000000000000000000000000000000";
    let wrong_secret = format!("{}x", &write_key[..write_key.len() - 1]);

    // The endpoints: a read, a read with a body, a write, a setting, an admin call.
    let register = json!({"schema": AVRO});
    let endpoints: [(&str, &str, Option<Value>, &str); 6] = [
        ("GET", "/subjects", None, "read"),
        ("POST", "/subjects/m-value", Some(register.clone()), "read"),
        (
            "POST",
            "/subjects/m-value/versions",
            Some(register.clone()),
            "write",
        ),
        (
            "PUT",
            "/config/m-value",
            Some(json!({"compatibility": "FULL"})),
            "write",
        ),
        (
            "PUT",
            "/mode/m-value",
            Some(json!({"mode": "READWRITE"})),
            "admin",
        ),
        ("GET", "/admin/keys", None, "admin"),
    ];
    let rank = |r: &str| {
        ["read", "write", "admin"]
            .iter()
            .position(|x| *x == r)
            .unwrap()
    };
    let callers: [(&str, Option<String>, Option<&str>); 7] = [
        ("no key", None, None),
        ("unknown key", Some(bearer(unknown)), None),
        ("wrong secret", Some(bearer(&wrong_secret)), None),
        ("revoked key", Some(bearer(&revoked)), None),
        ("read key", Some(bearer(&read_key)), Some("read")),
        ("write key", Some(bearer(&write_key)), Some("write")),
        ("admin key", Some(bearer(&admin)), Some("admin")),
    ];
    for (name, auth, role) in &callers {
        for (method, path, body, needs) in &endpoints {
            let got = call(&s, method, path, auth.as_deref(), body.clone()).await;
            match role {
                None => assert_error(&got, 401, 40101),
                Some(r) if rank(r) < rank(needs) => assert_error(&got, 403, 40301),
                Some(_) => assert!(
                    got.0 == 200 || (got.0 == 404 && path == &"/subjects/m-value"),
                    "{name} on {method} {path}: {got:?}"
                ),
            }
        }
    }
    // Basic auth as Confluent clients send it: key id and secret, or the whole key as password.
    let (id, secret) = write_key
        .trim_start_matches("lsr_")
        .split_once('_')
        .unwrap();
    assert_eq!(
        call(&s, "GET", "/subjects", Some(&basic(id, secret)), None)
            .await
            .0,
        200
    );
    assert_eq!(
        call(
            &s,
            "GET",
            "/subjects",
            Some(&basic("any", &write_key)),
            None
        )
        .await
        .0,
        200
    );
    assert_error(
        &call(&s, "GET", "/subjects", Some(&basic(id, "nope")), None).await,
        401,
        40101,
    );
    assert_error(
        &call(&s, "GET", "/subjects", Some("Digest x"), None).await,
        401,
        40101,
    );
    // The listing shows roles and revocation, never a secret.
    let (_, keys) = call(&s, "GET", "/admin/keys", Some(&bearer(&admin)), None).await;
    let keys = keys.as_array().unwrap();
    assert_eq!(keys.len(), 4);
    assert!(
        keys.iter()
            .all(|k| k.get("key").is_none() && k.get("secret_hash").is_none())
    );
    assert_eq!(
        keys.iter().filter(|k| !k["revoked_ms"].is_null()).count(),
        1
    );
    let (status, _) = call(
        &s,
        "POST",
        "/admin/keys",
        Some(&bearer(&admin)),
        Some(json!({"role": "root"})),
    )
    .await;
    assert_eq!(status, 422);
    s.stop().await;
}
both_backends!(role_matrix);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_reads_and_auth_off() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.auth = true;
        c.public_reads = true;
    })
    .await;
    assert_eq!(call(&s, "GET", "/subjects", None, None).await.0, 200);
    assert_eq!(
        call(
            &s,
            "POST",
            "/compatibility/subjects/x/versions",
            None,
            Some(json!({"schema": AVRO}))
        )
        .await
        .0,
        200
    );
    assert_error(
        &call(
            &s,
            "POST",
            "/subjects/x/versions",
            None,
            Some(json!({"schema": AVRO})),
        )
        .await,
        401,
        40101,
    );
    assert_error(
        &call(&s, "GET", "/admin/keys", None, None).await,
        401,
        40101,
    );
    s.stop().await;
    // Off (the default): no key needed, and a key is not even looked at.
    let s = TestServer::start(Backend::Sqlite).await;
    assert_eq!(
        call(
            &s,
            "POST",
            "/subjects/x/versions",
            Some("Bearer junk"),
            Some(json!({"schema": AVRO}))
        )
        .await
        .0,
        200
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_per_client_and_budget() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limit_reads = 5;
        c.rate_limit_writes = 2;
        c.rate_limit_loopback = true;
    })
    .await;
    // Reads: the headers count down, the sixth in the same second is refused.
    let mut refused = None;
    for i in 0..20 {
        let r = s.client.get(s.at("/subjects")).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-ratelimit-limit"], "5");
        if r.status() == 429 {
            assert!(i >= 5, "refused after {i} reads");
            refused = Some(r);
            break;
        }
        let remaining: u32 = h["x-ratelimit-remaining"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(remaining < 5);
        assert!(h.contains_key("x-ratelimit-reset"));
    }
    let r = refused.expect("reads beyond the budget are refused");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "retry after {retry}");
    assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
    assert_error(&read(r).await, 429, 42901);
    // Writes have their own budget, untouched by the reads.
    let w = call(
        &s,
        "POST",
        "/subjects/w/versions",
        None,
        Some(json!({"schema": AVRO})),
    )
    .await;
    assert_eq!(w.0, 200, "{w:?}");
    let mut write_refused = false;
    for _ in 0..5 {
        let got = call(
            &s,
            "POST",
            "/subjects/w/versions",
            None,
            Some(json!({"schema": AVRO})),
        )
        .await;
        if got.0 == 429 {
            assert_error(&got, 429, 42901);
            write_refused = true;
            break;
        }
    }
    assert!(write_refused, "writes beyond their budget are refused");
    // Health checks are never limited; the budget refills with time.
    assert_eq!(call(&s, "GET", "/health", None, None).await.0, 200);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(call(&s, "GET", "/subjects", None, None).await.0, 200);
    let metrics = s.text("/metrics").await;
    assert!(
        metrics.contains("registry_rate_limited_total{budget=\"read\"}"),
        "counted"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_key_has_its_own_budget() {
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.auth = true;
        c.rate_limit_reads = 3;
    })
    .await;
    let a = cli_key(&s.database_url, "read");
    let b = cli_key(&s.database_url, "read");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            call(&s, "GET", "/subjects", Some(&bearer(&a)), None)
                .await
                .0,
        );
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(
        call(&s, "GET", "/subjects", Some(&bearer(&b)), None)
            .await
            .0,
        200
    );
    s.stop().await;
}

async fn statuses(s: &TestServer, forwarded_for: Option<&str>, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        let mut req = s.client.get(s.at("/subjects"));
        if let Some(ip) = forwarded_for {
            req = req.header("x-forwarded-for", ip);
        }
        out.push(req.send().await.unwrap().status().as_u16());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_are_told_apart_behind_trusted_proxies_only() {
    // By default, clients on this host have no per-address budget, and a forwarding header
    // from a peer nobody trusts changes nothing.
    let s = TestServer::start_with(Backend::Sqlite, |c| c.rate_limit_reads = 3).await;
    assert!(statuses(&s, None, 10).await.iter().all(|&c| c == 200));
    assert!(
        statuses(&s, Some("203.0.113.9"), 10)
            .await
            .iter()
            .all(|&c| c == 200)
    );
    s.stop().await;

    // Behind a trusted proxy, each forwarded client has its own budget; the proxy itself
    // (here on loopback) is not throttled.
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limit_reads = 3;
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let one = statuses(&s, Some("203.0.113.9"), 5).await;
    assert_eq!(one.last(), Some(&429), "{one:?}");
    let other = statuses(&s, Some("198.51.100.4, 127.0.0.1"), 1).await;
    assert_eq!(other, [200], "another client, one more trusted hop");
    assert!(statuses(&s, None, 10).await.iter().all(|&c| c == 200));
    s.stop().await;

    // With loopback limited and no trusted proxy, a client cannot escape by writing headers.
    let s = TestServer::start_with(Backend::Sqlite, |c| {
        c.rate_limit_reads = 3;
        c.rate_limit_loopback = true;
    })
    .await;
    let mut got = Vec::new();
    for n in 0..5 {
        got.extend(statuses(&s, Some(&format!("203.0.113.{n}")), 1).await);
    }
    assert_eq!(got.last(), Some(&429), "{got:?}");
    s.stop().await;
}
