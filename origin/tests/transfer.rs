//! `schema-registry export` and `import` between two running registries (SQLite to
//! PostgreSQL): every GET answers the same afterwards; a rerun changes nothing; an interrupted
//! import resumes from its checkpoint.

mod common;

use std::process::Command;

use common::{Backend, TestServer};
use serde_json::{Value, json};

const ADDRESS: &str = r#"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#;
const CUSTOMER: &str = r#"{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"name","type":"string"},{"name":"home","type":"com.acme.Address"}]}"#;

fn avro(name: &str, fields: usize) -> String {
    let fields: Vec<Value> = (0..fields)
        .map(|i| json!({"name": format!("f{i}"), "type": ["null", "long"], "default": null}))
        .collect();
    json!({"type": "record", "name": name, "fields": fields}).to_string()
}

/// A registry with what an export must carry: several versions, both types, references,
/// metadata, a schema shared by two subjects, an id gap, soft deletes, and settings.
async fn populate(s: &TestServer) {
    for n in 1..=3 {
        s.register("orders", "AVRO", &avro("Order", n)).await;
    }
    s.register("shared-a", "AVRO", &avro("Shared", 1)).await;
    s.register("shared-b", "AVRO", &avro("Shared", 1)).await;
    s.register("address", "AVRO", ADDRESS).await;
    let body = json!({"schema": CUSTOMER, "references": [{"name": "com.acme.Address", "subject": "address", "version": 1}],
        "metadata": {"properties": {"owner": "crm"}, "tags": {"Customer.name": ["PII"]}}});
    assert_eq!(s.post("/subjects/customer/versions", &body).await.0, 200);
    let json_schema =
        json!({"type": "object", "properties": {"total": {"type": "number"}}}).to_string();
    assert_eq!(
        s.post(
            "/subjects/invoice/versions",
            &json!({"schemaType": "JSON", "schema": json_schema})
        )
        .await
        .0,
        200
    );
    // An id gap: a version registered and permanently deleted.
    s.register("scratch", "AVRO", &avro("Scratch", 1)).await;
    assert_eq!(s.delete("/subjects/scratch").await.0, 200);
    assert_eq!(s.delete("/subjects/scratch?permanent=true").await.0, 200);
    s.register("later", "AVRO", &avro("Later", 1)).await;
    // Soft deletes: one version, and a whole subject.
    assert_eq!(s.delete("/subjects/orders/versions/2").await.0, 200);
    s.register("retired", "AVRO", &avro("Retired", 1)).await;
    assert_eq!(s.delete("/subjects/retired").await.0, 200);
    // Settings.
    assert_eq!(
        s.put(
            "/config/orders",
            &json!({"compatibility": "FULL", "compatibilityGroup": "major", "defaultMetadata": {"properties": {"owner": "a"}}})
        )
            .await
            .0,
        200
    );
    assert_eq!(
        s.put("/config", &json!({"compatibility": "FORWARD"}))
            .await
            .0,
        200
    );
    assert_eq!(
        s.put("/mode/invoice", &json!({"mode": "READONLY"})).await.0,
        200
    );
}

/// Every GET a client could make of the registry's contents, with its answer.
async fn snapshot(s: &TestServer) -> Vec<(String, u16, Value)> {
    let mut paths = vec![
        "/subjects".to_owned(),
        "/subjects?deleted=true".to_owned(),
        "/config".to_owned(),
        "/mode".to_owned(),
        "/schemas?deleted=true".to_owned(),
    ];
    let (_, subjects) = s.get("/subjects?deleted=true").await;
    for subject in subjects.as_array().expect("subjects") {
        let subject = subject.as_str().expect("subject");
        for p in [
            format!("/subjects/{subject}/versions"),
            format!("/subjects/{subject}/versions?deleted=true"),
            format!("/subjects/{subject}/versions/latest"),
            format!("/config/{subject}"),
            format!("/mode/{subject}"),
        ] {
            paths.push(p);
        }
        let (_, versions) = s
            .get(&format!("/subjects/{subject}/versions?deleted=true"))
            .await;
        for v in versions.as_array().expect("versions") {
            paths.push(format!("/subjects/{subject}/versions/{v}?deleted=true"));
            paths.push(format!("/subjects/{subject}/versions/{v}"));
            paths.push(format!("/subjects/{subject}/versions/{v}/referencedby"));
            let (_, body) = s
                .get(&format!("/subjects/{subject}/versions/{v}?deleted=true"))
                .await;
            let id = body["id"].as_i64().expect("id");
            paths.push(format!("/schemas/ids/{id}"));
            paths.push(format!("/schemas/ids/{id}/versions?deleted=true"));
        }
    }
    paths.sort();
    paths.dedup();
    let mut out = Vec::new();
    for p in paths {
        let (status, mut body) = s.get(&p).await;
        without_ts(&mut body);
        out.push((p, status, body));
    }
    out
}

/// `body` without the versions' `ts` and `createTs`: an import registers them, at the time of
/// the import (as Confluent's IMPORT mode does).
fn without_ts(body: &mut Value) {
    match body {
        Value::Object(o) => {
            o.shift_remove("ts");
            o.shift_remove("createTs");
        }
        Value::Array(items) => items.iter_mut().for_each(without_ts),
        _ => {}
    }
}

fn cli(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schema-registry"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_import_into_an_empty_registry_answers_every_get_the_same() {
    let source = TestServer::start(Backend::Sqlite).await;
    populate(&source).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("registry.jsonl");
    let file_arg = file.to_str().expect("path");
    let (ok, err) = cli(&["export", "--url", &source.url, "--output", file_arg]);
    assert!(ok, "{err}");
    assert!(err.contains("exported 10 versions of 8 subjects"), "{err}");
    let text = std::fs::read_to_string(&file).expect("export");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines[0]["kind"], "header");
    assert_eq!(lines[0]["schemas"], 10);
    let ids: Vec<i64> = lines
        .iter()
        .filter(|l| l["kind"] == "schema")
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] <= w[1]),
        "ordered by id: {ids:?}"
    );

    // Part of the file first, as if an import had been cut off after three versions.
    let partial = dir.path().join("partial.jsonl");
    let head: Vec<&str> = text.lines().take(4).collect();
    std::fs::write(&partial, head.join("\n")).expect("write");
    let target = TestServer::start(Backend::Postgres).await;
    let (ok, err) = cli(&["import", "--url", &target.url, partial.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        err.contains("imported 3 versions (3 new, 0 already there)"),
        "{err}"
    );

    // The checkpoint of an interrupted run of the whole file: the rerun resumes after it.
    let state = dir.path().join("registry.jsonl.import-state");
    std::fs::write(&state, json!({"url": target.url, "done": 3}).to_string()).expect("write");
    let (ok, err) = cli(&["import", "--url", &target.url, file_arg]);
    assert!(ok, "{err}");
    assert!(err.contains("resuming after 3 of 10 versions"), "{err}");
    assert!(
        err.contains("imported 10 versions (7 new, 0 already there)"),
        "{err}"
    );
    // Plain progress lines when stderr is not a terminal.
    assert!(err.contains("import: 10/10 (100%)"), "{err}");
    assert!(
        !state.exists(),
        "the checkpoint goes when the import is complete"
    );

    let expected = snapshot(&source).await;
    let got = snapshot(&target).await;
    assert_eq!(expected.len(), got.len());
    for (e, g) in expected.iter().zip(&got) {
        assert_eq!(e, g);
    }
    // New registrations on the target do not reuse an imported id.
    let (id, _) = target.register("fresh", "AVRO", &avro("Fresh", 1)).await;
    assert!(id > *ids.iter().max().unwrap());
    assert_eq!(target.delete("/subjects/fresh").await.0, 200);
    assert_eq!(target.delete("/subjects/fresh?permanent=true").await.0, 200);

    // Idempotent: importing again finds everything there and changes nothing.
    let (ok, err) = cli(&["import", "--url", &target.url, file_arg]);
    assert!(ok, "{err}");
    assert!(err.contains("(0 new, 10 already there)"), "{err}");
    let again = snapshot(&target).await;
    assert_eq!(got, again);

    // A file that is not an export, and a registry that is not there, fail clearly.
    let junk = dir.path().join("junk.jsonl");
    std::fs::write(&junk, "{\"kind\":\"schema\"}\n").expect("write");
    let (ok, err) = cli(&["import", "--url", &target.url, junk.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("junk.jsonl line 1"), "{err}");
    let (ok, err) = cli(&[
        "export",
        "--url",
        "http://127.0.0.1:9",
        "--output",
        file_arg,
    ]);
    assert!(!ok);
    assert!(err.contains("listing subjects"), "{err}");
    source.stop().await;
    target.stop().await;
}
