//! Every endpoint over HTTP, against both backends: shapes, status codes and error codes.

mod common;

use common::{Backend, TestServer, assert_error};
use serde_json::{Value, json};

const AVRO_V1: &str =
    r#"{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"long"}]}"#;
const AVRO_V2: &str = r#"{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"long"},{"name":"name","type":"string","default":""}]}"#;
const AVRO_BAD: &str = r#"{"type":"record","name":"User","namespace":"t","fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}"#;
const JSON_V1: &str = r#"{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}"#;

async fn register_and_read(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (id, version) = s.register("users-value", "AVRO", AVRO_V1).await;
    assert_eq!(version, 1);
    // Same schema again: same id and version; formatting does not matter.
    let spaced =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(AVRO_V1).unwrap()).unwrap();
    assert_eq!(s.register("users-value", "AVRO", &spaced).await, (id, 1));
    // Same content under another subject: same id, version 1 there.
    assert_eq!(s.register("other", "AVRO", AVRO_V1).await, (id, 1));
    let (id2, v2) = s.register("users-value", "AVRO", AVRO_V2).await;
    assert!(id2 > id);
    assert_eq!(v2, 2);

    let (status, body) = s.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(status, 200);
    let guid = body["guid"].as_str().expect("a guid").to_owned();
    assert_eq!(
        body,
        json!({"guid": guid, "schema": serde_json::from_str::<Value>(AVRO_V1).unwrap().to_string()}),
        "AVRO type is omitted, like Confluent"
    );
    // The guid names the same schema, and gives its id.
    assert_eq!(s.get(&format!("/schemas/guids/{guid}")).await, (200, body));
    assert_eq!(
        s.get(&format!("/schemas/guids/{guid}/ids")).await,
        (200, json!([{"context": ".", "id": id}]))
    );
    assert_error(
        &s.get("/schemas/guids/00000000-0000-8000-8000-000000000000")
            .await,
        404,
        40403,
    );
    let raw = s
        .client
        .get(s.at(&format!("/schemas/ids/{id}/schema")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&raw).unwrap(),
        serde_json::from_str::<Value>(AVRO_V1).unwrap()
    );
    assert_eq!(
        s.get(&format!("/schemas/ids/{id}/subjects")).await,
        (200, json!(["other", "users-value"]))
    );
    assert_eq!(
        s.get(&format!("/schemas/ids/{id}/versions")).await,
        (
            200,
            json!([{"subject": "other", "version": 1}, {"subject": "users-value", "version": 1}])
        )
    );
    assert_eq!(
        s.get("/subjects").await,
        (200, json!(["other", "users-value"]))
    );
    assert_eq!(
        s.get("/subjects?subjectPrefix=us").await,
        (200, json!(["users-value"]))
    );
    assert_eq!(
        s.get("/subjects/users-value/versions").await,
        (200, json!([1, 2]))
    );
    for v in ["2", "latest", "-1"] {
        let (status, body) = s.get(&format!("/subjects/users-value/versions/{v}")).await;
        assert_eq!(status, 200);
        assert_eq!(body["subject"], "users-value");
        assert_eq!(body["version"], 2);
        assert_eq!(body["id"], id2);
        assert!(body.get("schemaType").is_none());
    }
    let raw = s.text("/subjects/users-value/versions/1/schema").await;
    assert_eq!(serde_json::from_str::<Value>(&raw).unwrap()["name"], "User");

    // JSON Schema, returned with its type.
    let (jid, _) = s.register("queries", "JSON", JSON_V1).await;
    let (_, body) = s.get(&format!("/schemas/ids/{jid}")).await;
    assert_eq!(body["schemaType"], "JSON");
    assert_eq!(
        s.get("/schemas/types").await,
        (200, json!(["JSON", "PROTOBUF", "AVRO"]))
    );
    s.stop().await;
}
both_backends!(register_and_read);

async fn content_types(backend: Backend) {
    let s = TestServer::start(backend).await;
    let body = json!({"schema": AVRO_V1}).to_string();
    for ct in [
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json",
        "application/octet-stream",
    ] {
        let r = s
            .client
            .post(s.at("/subjects/ct/versions"))
            .header("content-type", ct)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{ct}");
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.schemaregistry.v1+json"
        );
    }
    // A body without a content type is what a browser page of another site can send without
    // asking: refused (the hostile-input tests check the rest of that defence).
    let r = s
        .client
        .post(s.at("/subjects/ct/versions"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_error(&common::read(r).await, 415, 41501);
    let r = s
        .client
        .post(s.at("/subjects/ct/versions"))
        .header("content-type", "text/plain")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_error(&common::read(r).await, 415, 41501);
    s.stop().await;
}
both_backends!(content_types);

async fn errors(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_error(
        &s.post(
            "/subjects/x/versions",
            &json!({"schema": "{\"type\":\"nope\"}"}),
        )
        .await,
        422,
        42201,
    );
    assert_error(
        &s.post(
            "/subjects/x/versions",
            &json!({"schema": "{", "schemaType": "JSON"}),
        )
        .await,
        422,
        42201,
    );
    assert_error(
        &s.post(
            "/subjects/x/versions",
            &json!({"schema": "\"int\"", "schemaType": "PROTOBUF"}),
        )
        .await,
        422,
        42201,
    );
    assert_error(
        &s.post(
            "/subjects/x/versions",
            &json!({"schema": "{\"type\": 12}", "schemaType": "JSON"}),
        )
        .await,
        422,
        42201,
    );
    let r = s
        .client
        .post(s.at("/subjects/x/versions"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_error(&common::read(r).await, 400, 400);
    assert_error(&s.get("/subjects/missing/versions").await, 404, 40401);
    assert_error(&s.get("/subjects/missing/versions/1").await, 404, 40401);
    s.register("x", "AVRO", AVRO_V1).await;
    assert_error(&s.get("/subjects/x/versions/7").await, 404, 40402);
    assert_error(&s.get("/subjects/x/versions/0").await, 422, 42202);
    assert_error(&s.get("/subjects/x/versions/abc").await, 422, 42202);
    assert_error(&s.get("/schemas/ids/999999").await, 404, 40403);
    // Not an id at all: no such route, as Confluent answers.
    assert_error(&s.get("/schemas/ids/abc").await, 404, 404);
    assert_error(&s.get("/nothing/here").await, 404, 404);
    assert_error(&s.get("/subjects?deleted=maybe").await, 400, 400);
    // A reference that does not exist.
    let with_ref = json!({"schema": "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"b\",\"type\":\"B\"}]}",
        "references": [{"name": "B", "subject": "b", "version": 1}]});
    assert_error(&s.post("/subjects/a/versions", &with_ref).await, 422, 42201);
    s.stop().await;
}
both_backends!(errors);

async fn compatibility(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("c", "AVRO", AVRO_V1).await;
    let incompatible = s
        .post("/subjects/c/versions", &json!({"schema": AVRO_BAD}))
        .await;
    assert_error(&incompatible, 409, 40901);
    assert!(
        incompatible.1["message"]
            .as_str()
            .unwrap()
            .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
            || incompatible.1["message"].as_str().unwrap().contains("age")
    );
    let (status, body) = s
        .post(
            "/compatibility/subjects/c/versions/latest?verbose=true",
            &json!({"schema": AVRO_BAD}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["is_compatible"], false);
    assert_eq!(body["messages"].as_array().unwrap().len(), 1);
    let (_, body) = s
        .post(
            "/compatibility/subjects/c/versions/latest",
            &json!({"schema": AVRO_V2}),
        )
        .await;
    assert_eq!(body, json!({"is_compatible": true}));
    let (_, body) = s
        .post(
            "/compatibility/subjects/c/versions/1?verbose=true",
            &json!({"schema": AVRO_V2}),
        )
        .await;
    assert_eq!(body, json!({"is_compatible": true, "messages": []}));
    let (_, body) = s
        .post(
            "/compatibility/subjects/c/versions",
            &json!({"schema": AVRO_BAD}),
        )
        .await;
    assert_eq!(body["is_compatible"], false);
    // As Confluent: against `latest` of a subject with no versions, compatible; against a
    // numbered version that is not there, 40402.
    assert_eq!(
        s.post(
            "/compatibility/subjects/none/versions/latest",
            &json!({"schema": AVRO_V1}),
        )
        .await,
        (200, json!({"is_compatible": true}))
    );
    assert_error(
        &s.post(
            "/compatibility/subjects/none/versions/1",
            &json!({"schema": AVRO_V1}),
        )
        .await,
        404,
        40402,
    );
    assert_error(
        &s.post(
            "/compatibility/subjects/c/versions/9",
            &json!({"schema": AVRO_V1}),
        )
        .await,
        404,
        40402,
    );
    assert_eq!(
        s.post(
            "/compatibility/subjects/none/versions",
            &json!({"schema": AVRO_V1})
        )
        .await
        .1,
        json!({"is_compatible": true})
    );
    // NONE lets anything through; the level is per subject.
    assert_eq!(
        s.put("/config/c", &json!({"compatibility": "NONE"})).await,
        (200, json!({"compatibility": "NONE"}))
    );
    assert_eq!(s.register("c", "AVRO", AVRO_BAD).await.1, 2);
    // FORWARD_TRANSITIVE: every old version must read the new one; version 2 requires "age".
    s.put("/config/c", &json!({"compatibility": "FORWARD_TRANSITIVE"}))
        .await;
    let (_, body) = s
        .post(
            "/compatibility/subjects/c/versions?verbose=true",
            &json!({"schema": AVRO_V1}),
        )
        .await;
    assert_eq!(body["is_compatible"], false, "{body}");
    assert!(
        body["messages"][0].as_str().unwrap().contains("'age'"),
        "{body}"
    );
    let (_, body) = s
        .post(
            "/compatibility/subjects/c/versions/1",
            &json!({"schema": AVRO_V1}),
        )
        .await;
    assert_eq!(
        body["is_compatible"], true,
        "against version 1 only: {body}"
    );
    s.stop().await;
}
both_backends!(compatibility);

async fn config_and_mode(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(
        s.get("/config").await,
        (200, json!({"compatibilityLevel": "BACKWARD"}))
    );
    assert_eq!(
        s.put("/config", &json!({"compatibility": "full"})).await,
        (200, json!({"compatibility": "FULL"}))
    );
    assert_eq!(
        s.get("/config").await.1,
        json!({"compatibilityLevel": "FULL"})
    );
    assert_error(
        &s.put("/config", &json!({"compatibility": "SIDEWAYS"}))
            .await,
        422,
        42203,
    );
    assert_error(&s.get("/config/sub").await, 404, 40408);
    assert_eq!(
        s.get("/config/sub?defaultToGlobal=true").await.1,
        json!({"compatibilityLevel": "FULL"})
    );
    s.put("/config/sub", &json!({"compatibility": "NONE"}))
        .await;
    assert_eq!(
        s.get("/config/sub").await.1,
        json!({"compatibilityLevel": "NONE"})
    );
    assert_eq!(
        s.delete("/config/sub").await,
        (200, json!({"compatibilityLevel": "NONE"}))
    );
    assert_error(&s.delete("/config/sub").await, 404, 40408);
    assert_eq!(
        s.delete("/config").await.1,
        json!({"compatibilityLevel": "FULL"})
    );
    assert_eq!(
        s.get("/config").await.1,
        json!({"compatibilityLevel": "BACKWARD"})
    );

    assert_eq!(s.get("/mode").await, (200, json!({"mode": "READWRITE"})));
    assert_error(
        &s.put("/mode", &json!({"mode": "SOMETIMES"})).await,
        422,
        42204,
    );
    assert_error(&s.get("/mode/m").await, 404, 40409);
    assert_eq!(
        s.put("/mode/m", &json!({"mode": "READONLY"})).await.1,
        json!({"mode": "READONLY"})
    );
    assert_eq!(s.get("/mode/m").await.1, json!({"mode": "READONLY"}));
    assert_eq!(
        s.get("/mode/other?defaultToGlobal=true").await.1,
        json!({"mode": "READWRITE"})
    );
    assert_error(
        &s.post("/subjects/m/versions", &json!({"schema": AVRO_V1}))
            .await,
        422,
        42205,
    );
    assert_eq!(s.delete("/mode/m").await.1, json!({"mode": "READONLY"}));
    s.register("m", "AVRO", AVRO_V1).await;
    s.put("/mode", &json!({"mode": "READONLY"})).await;
    assert_error(
        &s.post("/subjects/m/versions", &json!({"schema": AVRO_V2}))
            .await,
        422,
        42205,
    );
    s.delete("/mode").await;
    s.stop().await;
}
both_backends!(config_and_mode);

async fn import_mode(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, _) = s
        .post(
            "/subjects/imp/versions",
            &json!({"schema": AVRO_V1, "id": 500, "version": 3}),
        )
        .await;
    assert_eq!(status, 422, "ids only in IMPORT mode");
    s.put("/mode", &json!({"mode": "IMPORT"})).await;
    assert_error(
        &s.post("/subjects/imp/versions", &json!({"schema": AVRO_V1}))
            .await,
        422,
        42205,
    );
    let (status, body) = s
        .post(
            "/subjects/imp/versions",
            &json!({"schema": AVRO_V1, "id": 500, "version": 3}),
        )
        .await;
    assert_eq!(
        (status, body["id"].as_i64(), body["version"].as_i64()),
        (200, Some(500), Some(3)),
        "{body}"
    );
    // The same content under another id conflicts; another content under a used id too.
    assert_error(
        &s.post(
            "/subjects/imp2/versions",
            &json!({"schema": AVRO_V1, "id": 501, "version": 1}),
        )
        .await,
        422,
        42205,
    );
    assert_error(
        &s.post(
            "/subjects/imp2/versions",
            &json!({"schema": AVRO_V2, "id": 500, "version": 1}),
        )
        .await,
        422,
        42205,
    );
    s.put("/mode", &json!({"mode": "READWRITE"})).await;
    // As in Confluent, generated ids follow the highest imported one.
    let (id, version) = s.register("imp", "AVRO", AVRO_V2).await;
    assert_eq!(id, 501, "id {id} follows the imported ids");
    assert_eq!(version, 4);
    assert_eq!(s.get("/subjects/imp/versions/3").await.1["id"], 500);
    s.stop().await;
}
both_backends!(import_mode);

async fn deletes(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("d", "AVRO", AVRO_V1).await;
    let (id2, _) = s.register("d", "AVRO", AVRO_V2).await;
    assert_error(
        &s.delete("/subjects/d/versions/2?permanent=true").await,
        404,
        40407,
    );
    assert_eq!(s.delete("/subjects/d/versions/2").await, (200, json!(2)));
    assert_error(&s.delete("/subjects/d/versions/2").await, 404, 40406);
    assert_eq!(s.get("/subjects/d/versions").await.1, json!([1]));
    assert_eq!(
        s.get("/subjects/d/versions?deleted=true").await.1,
        json!([1, 2])
    );
    assert_eq!(
        s.get("/subjects/d/versions?deletedOnly=true").await.1,
        json!([2])
    );
    assert_error(&s.get("/subjects/d/versions/2").await, 404, 40402);
    assert_eq!(
        s.get("/subjects/d/versions/2?deleted=true").await.1["deleted"],
        true
    );
    assert_eq!(s.get("/subjects/d/versions/latest").await.1["version"], 1);
    // A soft-deleted version's schema is still readable by id (serialized data refers to it).
    assert_eq!(s.get(&format!("/schemas/ids/{id2}")).await.0, 200);
    assert_eq!(
        s.delete("/subjects/d/versions/2?permanent=true").await,
        (200, json!(2))
    );
    assert_error(&s.get(&format!("/schemas/ids/{id2}")).await, 404, 40403);
    assert_error(&s.delete("/subjects/d/versions/9").await, 404, 40402);

    assert_error(&s.delete("/subjects/d?permanent=true").await, 404, 40405);
    assert_eq!(s.delete("/subjects/d").await, (200, json!([1])));
    assert_error(&s.delete("/subjects/d").await, 404, 40404);
    assert_eq!(s.get("/subjects").await.1, json!([]));
    assert_eq!(s.get("/subjects?deleted=true").await.1, json!(["d"]));
    assert_eq!(s.get("/subjects?deletedOnly=true").await.1, json!(["d"]));
    assert_eq!(
        s.delete("/subjects/d?permanent=true").await,
        (200, json!([1]))
    );
    assert_error(&s.delete("/subjects/d").await, 404, 40401);
    // Neither version numbers nor ids are ever handed out again (caches keep both for a year).
    let (id3, v) = s.register("d", "AVRO", AVRO_V2).await;
    assert_eq!(v, 3);
    assert!(id3 > id2);
    s.stop().await;
}
both_backends!(deletes);

async fn references(backend: Backend) {
    let s = TestServer::start(backend).await;
    let address = r#"{"type":"record","name":"Address","namespace":"t","fields":[{"name":"city","type":"string"}]}"#;
    let (addr_id, _) = s.register("address", "AVRO", address).await;
    let person = r#"{"type":"record","name":"Person","namespace":"t","fields":[{"name":"home","type":"t.Address"}]}"#;
    let (status, body) = s
        .post("/subjects/person/versions", &json!({"schema": person, "references": [{"name": "t.Address", "subject": "address", "version": 1}]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let person_id = body["id"].as_i64().unwrap();
    let (_, body) = s.get(&format!("/schemas/ids/{person_id}")).await;
    assert_eq!(
        body["references"],
        json!([{"name": "t.Address", "subject": "address", "version": 1}])
    );
    assert_eq!(
        s.get("/subjects/address/versions/1/referencedby").await,
        (200, json!([person_id]))
    );
    assert_error(&s.delete("/subjects/address/versions/1").await, 422, 42206);
    assert_error(&s.delete("/subjects/address").await, 422, 42206);
    assert!(addr_id < person_id);
    // JSON Schema references by name.
    s.register(
        "money",
        "JSON",
        r#"{"type":"object","properties":{"amount":{"type":"number"}},"required":["amount"]}"#,
    )
    .await;
    let order = json!({"schemaType": "JSON", "schema": r#"{"type":"object","properties":{"total":{"$ref":"money.json"}}}"#,
        "references": [{"name": "money.json", "subject": "money", "version": 1}]});
    let (status, body) = s.post("/subjects/order/versions", &order).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = s
        .post(
            "/subjects/order/versions/1/validate",
            &json!({"payloads": [{"total": {"amount": 3}}, {"total": {}}]}),
        )
        .await;
    assert_eq!(body["results"][0]["valid"], true);
    assert_eq!(body["results"][1]["valid"], false);
    assert_eq!(body["results"][1]["errors"][0]["instancePath"], "/total");
    s.stop().await;
}
both_backends!(references);

async fn listing_and_lookup(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("a-1", "AVRO", AVRO_V1).await;
    s.register("a-1", "AVRO", AVRO_V2).await;
    s.register("b-1", "JSON", JSON_V1).await;
    let (_, all) = s.get("/schemas").await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    let (_, latest) = s.get("/schemas?latestOnly=true").await;
    assert_eq!(
        latest
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["version"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [2, 1]
    );
    let (_, page) = s.get("/schemas?subjectPrefix=a-&offset=1&limit=1").await;
    assert_eq!(page.as_array().unwrap().len(), 1);
    assert_eq!(page[0]["version"], 2);
    assert_eq!(s.get("/subjects?offset=1&limit=5").await.1, json!(["b-1"]));
    assert_eq!(s.get("/subjects/a-1/versions?limit=1").await.1, json!([1]));

    let (status, found) = s.post("/subjects/a-1", &json!({"schema": AVRO_V1})).await;
    assert_eq!(status, 200);
    assert_eq!(
        (found["subject"].as_str(), found["version"].as_i64()),
        (Some("a-1"), Some(1))
    );
    assert_error(
        &s.post("/subjects/a-1", &json!({"schema": AVRO_BAD})).await,
        404,
        40403,
    );
    assert_error(
        &s.post("/subjects/zz", &json!({"schema": AVRO_V1})).await,
        404,
        40401,
    );
    // normalize=true finds a differently spelled but equivalent schema.
    let respelled =
        r#"{"type":"record","name":"t.User","fields":[{"name":"id","type":{"type":"long"}}]}"#;
    assert_error(
        &s.post("/subjects/a-1", &json!({"schema": respelled})).await,
        404,
        40403,
    );
    assert_eq!(
        s.post(
            "/subjects/a-1?normalize=true",
            &json!({"schema": respelled})
        )
        .await
        .1["version"],
        1
    );
    s.stop().await;
}
both_backends!(listing_and_lookup);

async fn metadata_and_rules_are_kept(backend: Backend) {
    let s = TestServer::start(backend).await;
    let metadata = json!({"properties": {"owner": "team-a"}, "tags": {"id": ["PII"]}});
    let rule_set = json!({"domainRules": [{"name": "r", "kind": "CONDITION", "type": "CEL", "mode": "WRITE", "expr": "true"}]});
    let (status, body) = s.post("/subjects/meta/versions", &json!({"schema": AVRO_V1, "metadata": metadata, "ruleSet": rule_set, "unknownField": 1})).await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = s.get("/subjects/meta/versions/1").await;
    assert_eq!(body["metadata"], metadata);
    assert_eq!(body["ruleSet"], rule_set);
    s.stop().await;
}
both_backends!(metadata_and_rules_are_kept);

async fn validation(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (id, _) = s.register("v", "JSON", JSON_V1).await;
    let (_, body) = s
        .post(
            &format!("/schemas/ids/{id}/validate"),
            &json!({"q": "hello"}),
        )
        .await;
    assert_eq!(body, json!({"results": [{"valid": true}]}));
    let (_, body) = s
        .post(
            "/subjects/v/versions/latest/validate",
            &json!({"payloads": [{"q": 1}, {}]}),
        )
        .await;
    assert_eq!(body["results"][0]["errors"][0]["instancePath"], "/q");
    assert_eq!(body["results"][1]["errors"][0]["schemaPath"], "/required");
    let (aid, _) = s.register("va", "AVRO", AVRO_V2).await;
    let (_, body) = s
        .post(
            &format!("/schemas/ids/{aid}/validate"),
            &json!({"payloads": [{"id": 1}, {"id": "x"}]}),
        )
        .await;
    assert_eq!(body["results"][0]["valid"], true);
    assert_eq!(body["results"][1]["errors"][0]["instancePath"], "/id");
    assert_error(
        &s.post("/schemas/ids/9999/validate", &json!({})).await,
        404,
        40403,
    );
    s.stop().await;
}
both_backends!(validation);

async fn http_caching(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (id, _) = s.register("h", "AVRO", AVRO_V1).await;
    let r = s
        .client
        .get(s.at(&format!("/schemas/ids/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag.len(), 66, "quoted SHA-256 fingerprint: {etag}");
    let r = s
        .client
        .get(s.at(&format!("/schemas/ids/{id}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let r = s
        .client
        .get(s.at("/subjects/h/versions/latest"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=5")
    );
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let r = s
        .client
        .get(s.at("/subjects/h/versions/latest"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    // A write changes latest (and its ETag) at once.
    s.register("h", "AVRO", AVRO_V2).await;
    let r = s
        .client
        .get(s.at("/subjects/h/versions/latest"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(common::read(r).await.1["version"], 2);
    s.stop().await;
}
both_backends!(http_caching);

async fn small_endpoints(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(s.get("/").await, (200, json!({})));
    assert_eq!(s.get("/contexts").await, (200, json!(["."])));
    assert_eq!(s.get("/health").await.0, 200);
    let (status, body) = s.get("/ready").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["backend"],
        match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    );
    assert!(s.get("/v1/metadata/version").await.1["version"].is_string());
    let r = s.client.get(s.at("/subjects")).send().await.unwrap();
    assert!(r.headers().contains_key("x-request-id"));
    s.register("m", "AVRO", AVRO_V1).await;
    s.get("/subjects/m/versions/1").await;
    s.get("/subjects/m/versions/1").await;
    let text = s.text("/metrics").await;
    for metric in [
        "http_requests_total{method=\"GET\",route=\"/subjects/{subject}/versions/{version}\",status=\"200\"}",
        "http_request_duration_seconds_bucket",
        "registry_cache_hits_total",
        "registry_cache_misses_total",
        "registry_cache_entries",
        "registry_cache_bytes",
        "registry_db_pool_connections{state=\"in_use\"}",
        "registry_db_pool_connections{state=\"waiting\"}",
        "registry_registrations_total{outcome=\"created\"}",
    ] {
        assert!(text.contains(metric), "/metrics lacks {metric}:\n{text}");
    }
    // The process's own gauges, read from the operating system at scrape time.
    let rss: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
        .expect("process_resident_memory_bytes")
        .parse()
        .expect("a number");
    assert!(rss > 1e6, "resident memory {rss}");
    s.stop().await;
}
both_backends!(small_endpoints);
