//! Confluent 8.x wire details, each as Confluent answers it: status, error code and message,
//! content negotiation, identity under `normalize`, and the small metadata endpoints.

mod common;

use common::{Backend, TestServer, assert_error, read};
use serde_json::{Value, json};

const RECORD: &str =
    r#"{"type":"record","name":"T","namespace":"x","fields":[{"name":"a","type":"int"}]}"#;

async fn get_with(s: &TestServer, path: &str, accept: &str) -> (u16, Option<String>, Value) {
    let r = s
        .client
        .get(s.at(path))
        .header("accept", accept)
        .send()
        .await
        .expect("request");
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, body) = read(r).await;
    (status, content_type, body)
}

fn message(got: &(u16, Value)) -> &str {
    got.1["message"].as_str().unwrap_or_default()
}

async fn incompatible_is_40901(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("i", "AVRO", RECORD).await;
    let changed = RECORD.replace("\"int\"", "\"string\"");
    let got = s
        .post("/subjects/i/versions", &json!({"schema": changed}))
        .await;
    assert_error(&got, 409, 40901);
    assert!(
        message(&got).starts_with("Schema being registered is incompatible"),
        "{got:?}"
    );
    s.stop().await;
}
both_backends!(incompatible_is_40901);

async fn normalize_keeps_identity(backend: Backend) {
    let s = TestServer::start(backend).await;
    // Plain first, then the same text normalized: one id, one version.
    let (id, version) = s.register("n", "AVRO", RECORD).await;
    let again = s
        .post(
            "/subjects/n/versions?normalize=true",
            &json!({"schema": RECORD}),
        )
        .await;
    assert_eq!(
        (again.0, &again.1["id"], &again.1["version"]),
        (200, &json!(id), &json!(version)),
        "{again:?}"
    );
    // An already-normal JSON Schema, plain then normalized.
    let doc = r#"{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}"#;
    let first = s
        .post(
            "/subjects/j/versions",
            &json!({"schema": doc, "schemaType": "JSON"}),
        )
        .await;
    let second = s
        .post(
            "/subjects/j/versions?normalize=true",
            &json!({"schema": doc, "schemaType": "JSON"}),
        )
        .await;
    assert_eq!(first.1["id"], second.1["id"]);
    assert_eq!(second.1["version"], 1);
    assert_eq!(s.get("/subjects/j/versions").await.1, json!([1]));
    s.stop().await;
}
both_backends!(normalize_keeps_identity);

async fn empty_schemas_and_null_references(backend: Backend) {
    let s = TestServer::start(backend).await;
    for body in [
        json!({}),
        json!({"invalid_field": 1}),
        json!({"schema": ""}),
    ] {
        let got = s.post("/subjects/e/versions", &body).await;
        assert_error(&got, 422, 42201);
        assert_eq!(message(&got), "Empty schema", "{body}");
    }
    let got = s
        .post(
            "/subjects/e/versions",
            &json!({"schema": "\"int\"", "references": null}),
        )
        .await;
    assert_eq!(got.0, 200, "{got:?}");
    s.stop().await;
}
both_backends!(empty_schemas_and_null_references);

async fn a_subject_of_deleted_versions_is_not_found(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("d", "AVRO", RECORD).await;
    assert_eq!(s.delete("/subjects/d/versions/1").await.0, 200);
    for path in [
        "/subjects/d/versions/latest",
        "/subjects/d/versions/latest/schema",
        "/subjects/d/versions/1",
    ] {
        let got = s.get(path).await;
        assert_error(&got, 404, 40401);
        assert_eq!(message(&got), "Subject 'd' not found.", "{path}");
    }
    assert_eq!(s.get("/subjects/d/versions/1?deleted=true").await.0, 200);
    // Soft-deleting again names the version as Confluent does.
    let again = s.delete("/subjects/d/versions/1").await;
    assert_error(&again, 404, 40406);
    assert_eq!(
        message(&again),
        "Subject 'd' Version 1 was soft deleted.Set permanent=true to delete permanently"
    );
    s.register("d2", "AVRO", RECORD).await;
    let missing = s.get("/subjects/d2/versions/15").await;
    assert_error(&missing, 404, 40402);
    assert_eq!(message(&missing), "Version 15 not found.");
    s.stop().await;
}
both_backends!(a_subject_of_deleted_versions_is_not_found);

async fn compatibility_of_missing_subjects(backend: Backend) {
    let s = TestServer::start(backend).await;
    let body = json!({"schema": "\"int\""});
    let numbered = s
        .post("/compatibility/subjects/nosuch/versions/1", &body)
        .await;
    assert_error(&numbered, 404, 40402);
    assert_eq!(message(&numbered), "Version 1 not found.");
    assert_eq!(
        s.post("/compatibility/subjects/nosuch/versions/latest", &body)
            .await,
        (200, json!({"is_compatible": true}))
    );
    s.stop().await;
}
both_backends!(compatibility_of_missing_subjects);

async fn import_over_existing_schemas_needs_force(backend: Backend) {
    let s = TestServer::start(backend).await;
    // An empty registry may go to IMPORT at once.
    assert_eq!(
        s.put("/mode", &json!({"mode": "IMPORT"})).await.0,
        200,
        "empty registry"
    );
    s.put("/mode", &json!({"mode": "READWRITE"})).await;
    s.register("m", "AVRO", RECORD).await;
    let refused = s.put("/mode", &json!({"mode": "IMPORT"})).await;
    assert_error(&refused, 422, 42205);
    let refused = s.put("/mode/m", &json!({"mode": "IMPORT"})).await;
    assert_error(&refused, 422, 42205);
    // A subject without versions may.
    assert_eq!(
        s.put("/mode/other", &json!({"mode": "IMPORT"})).await.0,
        200
    );
    for path in ["/mode?force=true", "/mode/m?force=true"] {
        assert_eq!(
            s.put(path, &json!({"mode": "IMPORT"})).await,
            (200, json!({"mode": "IMPORT"})),
            "{path}"
        );
    }
    s.stop().await;
}
both_backends!(import_over_existing_schemas_needs_force);

async fn reserved_subject_names(backend: Backend) {
    let s = TestServer::start(backend).await;
    for subject in ["__GLOBAL", ":.ctx:__GLOBAL"] {
        let got = s
            .post(
                &format!("/subjects/{subject}/versions"),
                &json!({"schema": "\"int\""}),
            )
            .await;
        assert_error(&got, 422, 42208);
        assert_eq!(
            message(&got),
            format!("The specified subject '{subject}' is not a valid.")
        );
    }
    s.stop().await;
}
both_backends!(reserved_subject_names);

async fn reserved_avro_attributes_on_primitives(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (id, _) = s
        .register("p", "AVRO", r#"{"type":"int","name":"x"}"#)
        .await;
    let found = s
        .post("/subjects/p", &json!({"schema": r#"{"type":"int"}"#}))
        .await;
    assert_eq!((found.0, &found.1["id"]), (200, &json!(id)), "{found:?}");
    s.stop().await;
}
both_backends!(reserved_avro_attributes_on_primitives);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_follow_accept() {
    let s = TestServer::start(Backend::Sqlite).await;
    s.register("a", "AVRO", RECORD).await;
    let cases = [
        (None, "application/vnd.schemaregistry.v1+json"),
        (Some("*/*"), "application/vnd.schemaregistry.v1+json"),
        (Some("application/json"), "application/json"),
        (
            Some("application/vnd.schemaregistry+json"),
            "application/vnd.schemaregistry+json",
        ),
        (
            Some("application/json, application/vnd.schemaregistry+json; q=0.9"),
            "application/vnd.schemaregistry+json",
        ),
        (Some("application/json, */*; q=0.1"), "application/json"),
    ];
    for (accept, expected) in cases {
        let (status, content_type, _) = get_with(&s, "/schemas/ids/1", accept.unwrap_or("")).await;
        assert_eq!(status, 200);
        assert_eq!(content_type.as_deref(), Some(expected), "{accept:?}");
    }
    // Errors are negotiated too.
    let (status, content_type, body) =
        get_with(&s, "/subjects/none/versions", "application/json").await;
    assert_eq!(
        (status, content_type.as_deref(), body["error_code"].as_u64()),
        (404, Some("application/json"), Some(40401))
    );
    let (status, _, body) = get_with(&s, "/schemas/ids/1", "text/html").await;
    assert_eq!(
        (status, body),
        (
            406,
            json!({"error_code": 406, "message": "HTTP 406 Not Acceptable"})
        )
    );
    // Not for what is not the API's JSON: the console and the metrics keep their types.
    let (status, _, _) = get_with(&s, "/metrics", "text/plain").await;
    assert_eq!(status, 200);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_that_are_not_numbers_and_metadata() {
    let s = TestServer::start(Backend::Sqlite).await;
    // Commercial features (schema linking's exporters) answer as Confluent's community server
    // answers them: no such route. (The DEK registry is built: tests/dek_registry.rs.)
    for path in [
        "/schemas/ids/invalid",
        "/schemas/ids/invalid/schema",
        "/schemas/ids/99999999999",
        "/exporters",
        "/exporters/e1/status",
    ] {
        assert_eq!(
            s.get(path).await,
            (
                404,
                json!({"error_code": 404, "message": "HTTP 404 Not Found"})
            ),
            "{path}"
        );
    }
    let (status, id) = s.get("/v1/metadata/id").await;
    assert_eq!(status, 200);
    assert_eq!(id["id"], "");
    assert_eq!(id["scope"]["path"], json!([]));
    assert!(id["scope"]["clusters"].is_object());
    assert_eq!(
        s.get("/v1/metadata/deployment").await,
        (200, json!({"attributes": []}))
    );
    assert_eq!(s.post("/", &json!({})).await, (200, json!({})));
    s.stop().await;
}

async fn guids_name_schemas(backend: Backend) {
    let s = TestServer::start(backend).await;
    let registered = s
        .post("/subjects/g/versions", &json!({"schema": RECORD}))
        .await;
    let guid = registered.1["guid"].as_str().expect("guid").to_owned();
    assert_eq!(guid.len(), 36);
    // The same guid wherever the schema is shown.
    let lookup = s.post("/subjects/g", &json!({"schema": RECORD})).await;
    assert_eq!(lookup.1["guid"], guid.as_str());
    assert_eq!(
        s.get("/subjects/g/versions/1").await.1["guid"],
        guid.as_str()
    );
    let by_guid = s.get(&format!("/schemas/guids/{guid}")).await;
    assert_eq!(by_guid.0, 200);
    assert_eq!(by_guid.1["schema"], RECORD);
    // The same content under another subject keeps its guid; other content has another.
    let other = s
        .post("/subjects/g2/versions", &json!({"schema": RECORD}))
        .await;
    assert_eq!(other.1["guid"], guid.as_str());
    let third = s
        .post("/subjects/g3/versions", &json!({"schema": "\"string\""}))
        .await;
    assert_ne!(third.1["guid"], guid.as_str());
    // Gone with the schema.
    for path in [
        "/subjects/g",
        "/subjects/g?permanent=true",
        "/subjects/g2",
        "/subjects/g2?permanent=true",
    ] {
        assert_eq!(s.delete(path).await.0, 200, "{path}");
    }
    assert_error(&s.get(&format!("/schemas/guids/{guid}")).await, 404, 40403);
    s.stop().await;
}
both_backends!(guids_name_schemas);

/// Migration 0006 gives existing rows the guid the registry gives new ones.
async fn migrated_guids_match(backend: Backend) {
    use sqlx::Connection;
    let s = TestServer::start(backend).await;
    s.register("m", "AVRO", RECORD).await;
    let expression = "SELECT guid, substr(fingerprint, 1, 8) || '-' || substr(fingerprint, 9, 4) \
        || '-8' || substr(fingerprint, 14, 3) || '-8' || substr(fingerprint, 18, 3) || '-' \
        || substr(fingerprint, 21, 12) FROM schemas";
    let rows: Vec<(String, String)> = if s.database_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&s.database_url).await.unwrap();
        sqlx::query_as(expression).fetch_all(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(&s.database_url)
            .await
            .unwrap();
        sqlx::query_as(expression).fetch_all(&mut c).await.unwrap()
    };
    assert!(!rows.is_empty());
    for (stored, migrated) in rows {
        assert_eq!(stored, migrated);
    }
    s.stop().await;
}
both_backends!(migrated_guids_match);

async fn read_only_refuses_deletes(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("ro", "AVRO", RECORD).await;
    s.put("/mode/ro", &json!({"mode": "READONLY"})).await;
    assert_error(&s.delete("/subjects/ro/versions/1").await, 422, 42205);
    assert_error(&s.delete("/subjects/ro").await, 422, 42205);
    // A global READONLY_OVERRIDE wins over the subject's own READWRITE.
    s.put("/mode/ro", &json!({"mode": "READWRITE"})).await;
    s.put("/mode", &json!({"mode": "READONLY_OVERRIDE"})).await;
    assert_error(&s.delete("/subjects/ro").await, 422, 42205);
    s.put("/mode", &json!({"mode": "READWRITE"})).await;
    assert_eq!(s.delete("/subjects/ro").await, (200, json!([1])));
    s.stop().await;
}
both_backends!(read_only_refuses_deletes);
