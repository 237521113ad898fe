//! The one-call registration on PostgreSQL (the stored function `registry_register`) writes
//! what the step-by-step transaction writes: the same script of registrations, IMPORTs and the
//! cases the function declines runs on SQLite (which always writes step by step) and on
//! PostgreSQL, and the answers and every row they leave must be the same.

mod common;

use common::{Backend, TestServer};
use serde_json::{Value, json};
use sqlx::{Connection, Row};

fn record(name: &str, fields: &[&str]) -> String {
    let fields: Vec<Value> = fields
        .iter()
        .map(|f| json!({"name": f, "type": ["null", "string"], "default": null}))
        .collect();
    json!({"type": "record", "name": name, "namespace": "one.call", "fields": fields}).to_string()
}

/// The script: every request and what it answered (status and body, without the time).
async fn script(s: &TestServer) -> Vec<(String, u16, Value)> {
    let a1 = record("A", &["x"]);
    let a2 = record("A", &["x", "y"]);
    let a3 = record("A", &["x", "y", "z"]);
    let steps: Vec<(&str, &str, Value)> = vec![
        ("POST", "/subjects/a/versions", json!({"schema": a1})),
        ("POST", "/subjects/a/versions", json!({"schema": a2})),
        // The same content under another subject: the same id.
        ("POST", "/subjects/c%2Fd/versions", json!({"schema": a1})),
        // Already there: nothing written.
        ("POST", "/subjects/a/versions", json!({"schema": a1})),
        // Incompatible: refused before any write.
        (
            "POST",
            "/subjects/a/versions",
            json!({"schema": json!({"type": "record", "name": "A", "namespace": "one.call", "fields": [{"name": "x", "type": "int"}]}).to_string()}),
        ),
        // References, metadata and a rule set.
        (
            "POST",
            "/subjects/b/versions",
            json!({
                "schema": json!({"type": "record", "name": "B", "fields": [{"name": "a", "type": "one.call.A"}]}).to_string(),
                "references": [{"name": "one.call.A", "subject": "a", "version": 1}],
                "metadata": {"properties": {"owner": "team-b"}, "tags": {"a": ["PII"]}},
                "ruleSet": {"domainRules": [{"name": "r", "kind": "CONDITION", "type": "CEL", "mode": "WRITE", "expr": "true"}]},
            }),
        ),
        (
            "POST",
            "/subjects/j/versions",
            json!({"schemaType": "JSON", "schema": r#"{"type":"object","properties":{"n":{"type":"integer"}}}"#}),
        ),
        // A soft-deleted version: the next one is numbered past it.
        ("DELETE", "/subjects/a/versions/2", Value::Null),
        ("POST", "/subjects/a/versions", json!({"schema": a3})),
        ("PUT", "/mode?force=true", json!({"mode": "IMPORT"})),
        (
            "POST",
            "/subjects/imp/versions",
            json!({"schema": record("I", &["p"]), "id": 100, "version": 7}),
        ),
        // The same content and id under another subject.
        (
            "POST",
            "/subjects/imp2/versions",
            json!({"schema": record("I", &["p"]), "id": 100, "version": 1}),
        ),
        // Declined by the call, refused by the transaction: an id taken by other content...
        (
            "POST",
            "/subjects/imp3/versions",
            json!({"schema": record("I", &["q"]), "id": 100, "version": 1}),
        ),
        // ...content that has another id...
        (
            "POST",
            "/subjects/imp3/versions",
            json!({"schema": a1, "id": 101, "version": 1}),
        ),
        // ...and a version number in use (with an id below the highest: on PostgreSQL a
        // refused IMPORT still moves the id sequence up to its id, sequences being outside
        // transactions, where SQLite's counter rolls back).
        (
            "POST",
            "/subjects/imp/versions",
            json!({"schema": record("I", &["r"]), "id": 99, "version": 7}),
        ),
        ("PUT", "/mode?force=true", json!({"mode": "READWRITE"})),
        // Ids go on past the highest imported.
        (
            "POST",
            "/subjects/after/versions",
            json!({"schema": record("After", &["a"])}),
        ),
        // A permanently deleted schema's id is never given to other content.
        ("DELETE", "/subjects/after", Value::Null),
        ("DELETE", "/subjects/after?permanent=true", Value::Null),
        ("PUT", "/mode?force=true", json!({"mode": "IMPORT"})),
        (
            "POST",
            "/subjects/retired/versions",
            json!({"schema": record("Other", &["o"]), "id": 101, "version": 1}),
        ),
        ("PUT", "/mode?force=true", json!({"mode": "READWRITE"})),
    ];
    let mut out = Vec::new();
    for (method, path, body) in steps {
        let url = s.at(path);
        let request = match method {
            "POST" => s.client.post(url).json(&body),
            "PUT" => s.client.put(url).json(&body),
            _ => s.client.delete(url),
        };
        let (status, mut answer) = common::read(request.send().await.expect("request")).await;
        if let Some(o) = answer.as_object_mut() {
            o.remove("ts");
        }
        out.push((format!("{method} {path}"), status, answer));
    }
    out
}

/// Every row the script leaves, as text, table by table (ordered by the columns, qualified:
/// PostgreSQL would otherwise order by the text output column of the same name).
const DUMPS: [&str; 7] = [
    "SELECT CAST(id AS TEXT), fingerprint, schema_type, schema_text, refs, guid FROM schemas ORDER BY schemas.id",
    "SELECT CAST(schema_id AS TEXT), name, ref_subject, CAST(ref_version AS TEXT) FROM schema_references r ORDER BY r.schema_id, r.name",
    "SELECT subject, CAST(version AS TEXT), CAST(schema_id AS TEXT), COALESCE(metadata, '-'), COALESCE(rule_set, '-'), \
     CASE WHEN deleted THEN 'deleted' ELSE 'live' END, COALESCE(CAST(context_id AS TEXT), '-') \
     FROM subject_versions v ORDER BY v.subject, v.version",
    "SELECT subject, COALESCE(compatibility, '-'), COALESCE(mode, '-'), CAST(max_version AS TEXT) FROM subjects ORDER BY subject",
    "SELECT subject, CAST(version AS TEXT), CAST(schema_id AS TEXT), schema_type, subject_terms, names, tags, docs, body \
     FROM search_docs d ORDER BY d.subject, d.version",
    "SELECT kind, COALESCE(subject, '-'), COALESCE(CAST(version AS TEXT), '-'), COALESCE(CAST(schema_id AS TEXT), '-'), keys, actor \
     FROM events ORDER BY seq",
    "SELECT CAST(id AS TEXT), fingerprint FROM retired_schema_ids r ORDER BY r.id",
];

async fn dump(s: &TestServer) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    for q in DUMPS {
        let rows: Vec<Vec<String>> = if s.database_url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&s.database_url).await.unwrap();
            let rows = sqlx::query(q).fetch_all(&mut c).await.expect(q);
            rows.iter()
                .map(|r| (0..r.len()).map(|i| r.get::<String, _>(i)).collect())
                .collect()
        } else {
            let mut c = sqlx::SqliteConnection::connect(&s.database_url)
                .await
                .unwrap();
            let rows = sqlx::query(q).fetch_all(&mut c).await.expect(q);
            rows.iter()
                .map(|r| (0..r.len()).map(|i| r.get::<String, _>(i)).collect())
                .collect()
        };
        tables.push(rows);
    }
    tables
}

fn one_call_writes(metrics: &str) -> u64 {
    metrics
        .lines()
        .find(|l| l.starts_with(r#"registry_registration_writes_total{path="one_call"}"#))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_call_writes_what_the_transaction_writes() {
    let lite = TestServer::start(Backend::Sqlite).await;
    let expected = script(&lite).await;
    let expected_rows = dump(&lite).await;
    lite.stop().await;

    let pg = TestServer::start(Backend::Postgres).await;
    let before = one_call_writes(&pg.text("/metrics").await);
    let got = script(&pg).await;
    let after = one_call_writes(&pg.text("/metrics").await);
    let got_rows = dump(&pg).await;
    pg.stop().await;

    for (e, g) in expected.iter().zip(&got) {
        assert_eq!(e, g, "the same request answered differently");
    }
    // The script's refusals are refusals, and its writes happened.
    let statuses: Vec<u16> = got.iter().map(|(_, s, _)| *s).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        17,
        "{got:#?}"
    );
    assert!(
        statuses.contains(&409) && statuses.contains(&422),
        "{got:#?}"
    );
    for (i, (e, g)) in expected_rows.iter().zip(&got_rows).enumerate() {
        assert_eq!(e, g, "table dump {i} differs: {}", DUMPS[i]);
    }
    assert!(got_rows[0].len() >= 6 && got_rows[5].len() >= 10);
    // Registrations that wrote: a1, a2, c/d, b, j, a3, imp, imp2, after; all by the call.
    assert!(after - before >= 9, "one-call writes: {before} -> {after}");
}
