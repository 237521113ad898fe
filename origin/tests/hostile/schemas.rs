//! Schemas built to be expensive, numbers built to break the numbering, inputs built to be
//! long: each answered within its bound.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::common::{Backend, assert_error};
use super::probe::Probe;
use super::server;

/// `{"anyOf": [t, t]}` nested `depth` deep.
fn nested_any_of(depth: usize) -> Value {
    (0..depth).fold(
        json!({"type": "string"}),
        |t, _| json!({"anyOf": [t.clone(), t]}),
    )
}

/// `n` properties against `n` patterns, none of which the properties match.
fn pattern_properties(n: usize, prefix: &str) -> Value {
    let patterns: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("^p{i}[a-z]*$"), json!({"type": "string"})))
        .collect();
    let properties: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("{prefix}{i}"), json!({"type": "string"})))
        .collect();
    json!({"type": "object", "patternProperties": patterns, "properties": properties, "additionalProperties": false})
}

/// Definitions each referring twice to the one before: 2^depth nodes once inlined.
fn doubling_refs(depth: usize) -> Value {
    let mut defs = serde_json::Map::new();
    defs.insert("d0".into(), json!({"type": "string"}));
    for i in 1..=depth {
        let prev = format!("#/definitions/d{}", i - 1);
        defs.insert(
            format!("d{i}"),
            json!({"type": "object", "properties": {"a": {"$ref": prev}, "b": {"$ref": prev}}}),
        );
    }
    json!({"definitions": defs, "$ref": format!("#/definitions/d{depth}")})
}

fn big_enum(n: usize) -> Value {
    json!({"enum": (0..n).map(|i| format!("s{i}")).collect::<Vec<_>>()})
}

/// Registers `schema` (JSON Schema) under `subject`, with compatibility off so any shape goes.
async fn put_json(s: &super::common::TestServer, subject: &str, schema: &Value) {
    s.put(
        &format!("/config/{subject}"),
        &json!({"compatibility": "NONE"}),
    )
    .await;
    let (status, body) = s
        .post(
            &format!("/subjects/{subject}/versions"),
            &json!({"schema": schema.to_string(), "schemaType": "JSON"}),
        )
        .await;
    assert_eq!(status, 200, "{subject}: {body}");
    s.put(
        &format!("/config/{subject}"),
        &json!({"compatibility": "FULL"}),
    )
    .await;
}

/// POST a compatibility check of `new` against `subject`'s latest; (status, body, time).
async fn check(
    s: &super::common::TestServer,
    subject: &str,
    new: &Value,
) -> (u16, Value, Duration) {
    let started = Instant::now();
    let (status, body) = s
        .post(
            &format!("/compatibility/subjects/{subject}/versions/latest?verbose=true"),
            &json!({"schema": new.to_string(), "schemaType": "JSON"}),
        )
        .await;
    (status, body, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compatibility_bombs_are_bounded() {
    let s = server(Backend::Sqlite, |_| {}).await;
    let probe = Probe::start(&s.url);
    let bombs = [
        (
            "nested anyOf, depth 13",
            nested_any_of(13),
            nested_any_of(13),
        ),
        (
            "200 x 200 patternProperties",
            pattern_properties(200, "x"),
            pattern_properties(200, "p"),
        ),
        ("20,000-symbol enum", big_enum(20_000), big_enum(19_999)),
    ];
    for (what, old, new) in &bombs {
        let subject = format!("bomb-{}", what.len());
        put_json(&s, &subject, old).await;
        let (status, body, took) = check(&s, &subject, new).await;
        eprintln!("{what}: {status} in {took:?}");
        assert_eq!(status, 200, "{what}: {body}");
        assert!(body["is_compatible"].is_boolean(), "{what}: {body}");
    }
    // Inlining $refs would double per level: refused with the limit it hit, not computed.
    put_json(&s, "bomb-refs", &json!({"type": "string"})).await;
    let (status, body, took) = check(&s, "bomb-refs", &doubling_refs(24)).await;
    eprintln!("doubling $refs, depth 24: {status} in {took:?}");
    assert_error(&(status, body.clone()), 422, 42201);
    assert!(
        body["message"].as_str().unwrap().contains("nodes"),
        "{body}"
    );
    // A registration runs the same check: refused the same way, and nothing is written.
    let (status, body) = s
        .post(
            "/subjects/bomb-refs/versions",
            &json!({"schema": doubling_refs(24).to_string(), "schemaType": "JSON"}),
        )
        .await;
    assert_error(&(status, body), 422, 42201);
    assert_eq!(s.get("/subjects/bomb-refs/versions").await.1, json!([1]));
    probe.finish("compatibility bombs").await;
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_is_not_held_up_by_a_check_elsewhere() {
    // A registration whose compatibility check takes long (a big budget lets it run), and an
    // unrelated one sent while it runs: the second finishes first, since the check holds no
    // lock (on SQLite, the writer's turn) while it runs.
    // Doubling $refs, with the limits raised so the check expands them: cheap to parse, slow
    // to check.
    let s = server(Backend::Sqlite, |c| {
        c.compat_max_steps = u64::MAX;
        c.compat_max_nodes = usize::MAX;
    })
    .await;
    put_json(&s, "slow", &doubling_refs(15)).await;
    let mut new = doubling_refs(15);
    new["definitions"]["d0"] = json!({"type": "string", "maxLength": 10});
    let request = s
        .client
        .post(s.at("/subjects/slow/versions"))
        .header("content-type", "application/json")
        .body(json!({"schema": new.to_string(), "schemaType": "JSON"}).to_string());
    let started = Instant::now();
    let slow = tokio::spawn(async move {
        let status = request.send().await.map(|r| r.status().as_u16());
        eprintln!("the slow registration took {:?}", started.elapsed());
        status
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !slow.is_finished(),
        "the slow registration is still checking"
    );
    let started = Instant::now();
    s.register(
        "unrelated-value",
        "AVRO",
        r#"{"type":"record","name":"U","fields":[]}"#,
    )
    .await;
    eprintln!(
        "an unrelated registration during a check took {:?}",
        started.elapsed()
    );
    assert!(
        !slow.is_finished(),
        "the unrelated registration did not wait for the check"
    );
    let status = slow.await.unwrap().unwrap();
    assert!(matches!(status, 200 | 409), "the check finished: {status}");
    s.stop().await;
}

async fn import_numbers_stay_in_range(backend: Backend) {
    let s = server(backend, |_| {}).await;
    s.put("/mode?force=true", &json!({"mode": "IMPORT"})).await;
    let import = |subject: &str, id: i64, version: i64| json!({"schema": format!(r#"{{"type":"record","name":"I{id}{subject}","fields":[]}}"#).replace('-', ""), "id": id, "version": version});
    for id in [i64::MAX, 0, -1, 2_147_483_648] {
        let got = s.post("/subjects/imp/versions", &import("a", id, 1)).await;
        assert_error(&got, 422, 42201);
    }
    for version in [0, -1, -7] {
        let got = s
            .post("/subjects/imp/versions", &import("b", 7, version))
            .await;
        assert_error(&got, 422, 42202);
    }
    // The largest id and version import, and the registry stays usable after them.
    let (status, body) = s
        .post(
            "/subjects/imp/versions",
            &import("c", 2_147_483_647, 2_147_483_647),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    s.put("/mode", &json!({"mode": "READWRITE"})).await;
    let (id, _) = s
        .register(
            "after-import",
            "AVRO",
            r#"{"type":"record","name":"After","fields":[]}"#,
        )
        .await;
    assert_eq!(id, 2, "past the top, the lowest free id (the probe has 1)");
    let (id, _) = s
        .register(
            "after-import-2",
            "AVRO",
            r#"{"type":"record","name":"After2","fields":[]}"#,
        )
        .await;
    assert_eq!(id, 3, "and on from there");
    s.put("/config/imp", &json!({"compatibility": "NONE"}))
        .await;
    let next = s
        .post(
            "/subjects/imp/versions",
            &json!({"schema": r#"{"type":"record","name":"Next","fields":[]}"#}),
        )
        .await;
    assert_error(&next, 422, 42205);
    assert!(
        next.1["message"]
            .as_str()
            .unwrap()
            .contains("every version number"),
        "{next:?}"
    );
    s.stop().await;
}
crate::both_backends!(import_numbers_stay_in_range);

async fn version_numbers_are_never_reused(backend: Backend) {
    let s = server(backend, |_| {}).await;
    s.put("/config/reuse", &json!({"compatibility": "NONE"}))
        .await;
    let schema = |name: &str| format!(r#"{{"type":"record","name":"{name}","fields":[]}}"#);
    s.register("reuse", "AVRO", &schema("A")).await;
    s.register("reuse", "AVRO", &schema("B")).await;
    assert_eq!(s.delete("/subjects/reuse/versions/2").await.0, 200);
    assert_eq!(
        s.delete("/subjects/reuse/versions/2?permanent=true")
            .await
            .0,
        200
    );
    let (_, v) = s.register("reuse", "AVRO", &schema("C")).await;
    assert_eq!(v, 3, "version 2 was handed out once");
    s.delete("/subjects/reuse").await;
    s.delete("/subjects/reuse?permanent=true").await;
    let (_, v) = s.register("reuse", "AVRO", &schema("D")).await;
    assert_eq!(v, 4, "a permanently deleted subject remembers its numbers");
    s.stop().await;
}
crate::both_backends!(version_numbers_are_never_reused);

async fn long_query_inputs_are_refused(backend: Backend) {
    let s = server(backend, |_| {}).await;
    let long = "a".repeat(60 * 1024);
    for path in [
        format!("/subjects?subjectPrefix={long}"),
        format!("/schemas?subjectPrefix={long}"),
        format!("/search?subjectPrefix={long}"),
        format!("/search?tag={long}"),
        format!("/subjects/s/metadata?key={long}&value=v"),
    ] {
        let got = s.get(&path).await;
        assert_error(&got, 422, 422);
    }
    // Past 64 KiB a request target is not a URI at all: the HTTP layer answers 414 itself.
    let longer = "a".repeat(70 * 1024);
    let status = raw_status(&s.url, &format!("/subjects?subjectPrefix={longer}")).await;
    assert_eq!(status, 414);
    assert_eq!(s.get("/subjects").await.0, 200, "the server is still there");
    s.stop().await;
}
crate::both_backends!(long_query_inputs_are_refused);

/// The status line's code for a GET sent by hand (clients refuse to build such a URI).
async fn raw_status(url: &str, target: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).await.unwrap();
    let line = String::from_utf8_lossy(&head);
    line[9..12]
        .parse()
        .unwrap_or_else(|_| panic!("status line {line}"))
}
