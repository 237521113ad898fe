//! Schema tags: `POST /subjects/{s}/versions/{v}/tags` on JSON Schema and Avro, `findTags` on
//! the reads of a version and of a schema by id, tags in search, and the `ts` of a version.

mod common;

use common::{Backend, TestServer};
use serde_json::{Value, json};

const PERSON: &str = r#"{"type":"object","properties":{"name":{"type":"string"},"address":{"type":"object","properties":{"street":{"type":"string"}}}}}"#;

fn entity(path: &str, ty: &str, tags: &[&str]) -> Value {
    json!({"entity": {"entityPath": path, "entityType": ty}, "tags": tags})
}

async fn json_schema_tags_and_find_tags(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (id1, _) = s.register("person", "JSON", PERSON).await;
    let edit = json!({"tagsToAdd": [
        entity("object.name", "SR_FIELD", &["PII"]),
        entity("object.address.object.street", "SR_FIELD", &["PII", "ADDRESS"]),
        entity("object", "SR_RECORD", &["PERSON"]),
    ]});
    let (status, body) = s.post("/subjects/person/versions/1/tags", &edit).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["version"], 2, "{body}");
    assert_eq!(body["schemaType"], "JSON");
    assert_ne!(body["id"], json!(id1), "the edited text is a new schema");
    let text: Value = serde_json::from_str(body["schema"].as_str().unwrap()).unwrap();
    assert_eq!(text["properties"]["name"]["confluent:tags"], json!(["PII"]));
    assert_eq!(text["confluent:tags"], json!(["PERSON"]));
    assert_eq!(body["metadata"]["properties"]["confluent:version"], "2");

    // findTags: the entities with any of the tags asked for, or all of them with `*`.
    let (status, v2) = s.get("/subjects/person/versions/2?findTags=ADDRESS").await;
    assert_eq!(status, 200, "{v2}");
    assert_eq!(
        v2["schemaTags"],
        json!([entity(
            "object.address.object.street",
            "SR_FIELD",
            &["PII", "ADDRESS"]
        )])
    );
    let id2 = v2["id"].as_i64().unwrap();
    let (_, all) = s.get(&format!("/schemas/ids/{id2}?findTags=*")).await;
    assert_eq!(all["schemaTags"].as_array().map(Vec::len), Some(3), "{all}");
    let (_, none) = s.get("/subjects/person/versions/1?findTags=PII").await;
    assert_eq!(none["schemaTags"], json!([]), "version 1 has no tags");
    let (_, plain) = s.get("/subjects/person/versions/2").await;
    assert!(plain.get("schemaTags").is_none(), "{plain}");

    // Tags feed search.
    let (_, hits) = s.get("/search?tag=ADDRESS").await;
    assert_eq!(hits["results"][0]["subject"], "person", "{hits}");

    // A hostile path (the walk recurses per word) is no entity, not a crash.
    let long = format!("object.{}x", "anyof.0.".repeat(50_000));
    let edit = json!({"tagsToAdd": [entity(&long, "SR_FIELD", &["T"])]});
    let (status, body) = s.post("/subjects/person/versions/1/tags", &edit).await;
    assert_eq!(
        (status, &body["error_code"]),
        (422, &json!(42201)),
        "{body}"
    );

    // Removing the last tag of an entity drops the keyword.
    let edit =
        json!({"newVersion": 3, "tagsToRemove": [entity("object", "SR_RECORD", &["PERSON"])]});
    let (status, body) = s.post("/subjects/person/versions/latest/tags", &edit).await;
    assert_eq!(status, 200, "{body}");
    let text: Value = serde_json::from_str(body["schema"].as_str().unwrap()).unwrap();
    assert!(text.get("confluent:tags").is_none(), "{text}");
    assert_eq!(text["properties"]["name"]["confluent:tags"], json!(["PII"]));
    s.stop().await;
}
both_backends!(json_schema_tags_and_find_tags);

async fn bad_tag_edits_are_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("p", "AVRO", r#""string""#).await;
    s.register(
        "r",
        "AVRO",
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#,
    )
    .await;
    let cases = [
        // A primitive has no records or fields.
        (
            "/subjects/p/versions/1/tags",
            json!({"tagsToAdd": [entity("R", "SR_RECORD", &["T"])]}),
            422,
            42201,
        ),
        (
            "/subjects/r/versions/1/tags",
            json!({"tagsToAdd": [entity("R.b", "SR_FIELD", &["T"])]}),
            422,
            42201,
        ),
        (
            "/subjects/r/versions/1/tags",
            json!({"newVersion": 5, "tagsToAdd": [entity("R.a", "SR_FIELD", &["T"])]}),
            422,
            42201,
        ),
        ("/subjects/r/versions/0/tags", json!({}), 422, 42202),
        ("/subjects/r/versions/9/tags", json!({}), 404, 40402),
        ("/subjects/none/versions/1/tags", json!({}), 404, 40401),
    ];
    for (path, body, status, code) in cases {
        let (got, answer) = s.post(path, &body).await;
        assert_eq!(
            (got, &answer["error_code"]),
            (status, &json!(code)),
            "{path} {body}: {answer}"
        );
    }
    let (got, answer) = s
        .post("/subjects/r/versions/1/tags", &json!({"tagsToAdd": [{"entity": {"entityPath": "R", "entityType": "BOGUS"}, "tags": []}]}))
        .await;
    // A body of the wrong shape is refused as every other one is (400, "Invalid JSON body").
    assert_eq!((got, &answer["error_code"]), (400, &json!(400)), "{answer}");
    let (_, versions) = s.get("/subjects/r/versions").await;
    assert_eq!(versions, json!([1]), "nothing was written");
    // An Avro field tag, written where Confluent writes it.
    let edit = json!({"tagsToAdd": [entity("R.a", "SR_FIELD", &["T"])]});
    let (status, body) = s.post("/subjects/r/versions/1/tags", &edit).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["schema"],
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","confluent:tags":["T"]}]}"#
    );
    s.stop().await;
}
both_backends!(bad_tag_edits_are_refused);

async fn versions_carry_their_registration_time(backend: Backend) {
    let s = TestServer::start(backend).await;
    let before = now_ms();
    let (_, registered) = s
        .post("/subjects/t/versions", &json!({"schema": "\"int\""}))
        .await;
    let after = now_ms();
    let (_, v) = s.get("/subjects/t/versions/1").await;
    let ts = v["ts"].as_i64().unwrap_or_else(|| panic!("no ts in {v}"));
    assert!(
        (before - 1000..=after + 1000).contains(&ts),
        "{ts} not in {before}..{after}"
    );
    let (_, found) = s.post("/subjects/t", &json!({"schema": "\"int\""})).await;
    assert_eq!(found["ts"], json!(ts), "lookup gives the same time");
    assert_eq!(
        registered["ts"],
        json!(ts),
        "so does the registration's answer"
    );
    let (_, again) = s
        .post("/subjects/t/versions", &json!({"schema": "\"int\""}))
        .await;
    assert_eq!(again["ts"], json!(ts), "and registering it again");
    assert!(v.get("createTs").is_none(), "{v}");
    // A soft delete rewrites the record: `ts` moves to then, `createTs` keeps the registration.
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert_eq!(s.delete("/subjects/t/versions/1").await.0, 200);
    let (_, deleted) = s.get("/subjects/t/versions/1?deleted=true").await;
    assert_eq!(deleted["createTs"], json!(ts), "{deleted}");
    let rewritten = deleted["ts"].as_i64().unwrap();
    assert!(rewritten > ts && rewritten <= now_ms(), "{deleted}");
    s.stop().await;
}
both_backends!(versions_carry_their_registration_time);

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
