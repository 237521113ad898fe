//! `/config` with all of Confluent's fields, and what they do: normalize by default, reads
//! through an alias, compatibility within a group, metadata and rule sets merged into new
//! versions.

mod common;

use common::{Backend, TestServer, assert_error};
use serde_json::json;

fn record(fields: &[(&str, &str)]) -> String {
    let fields: Vec<_> = fields
        .iter()
        .map(|(name, ty)| json!({"name": name, "type": ty}))
        .collect();
    json!({"type": "record", "name": "R", "namespace": "n", "fields": fields}).to_string()
}

async fn fields_are_kept_merged_and_removed(backend: Backend) {
    let s = TestServer::start(backend).await;
    let full = json!({
        "compatibility": "FULL",
        "normalize": true,
        "validateFields": true,
        "alias": "other",
        "compatibilityGroup": "major",
        "defaultMetadata": {"properties": {"owner": "a"}},
        "overrideMetadata": {"properties": {"tier": "0"}},
        "defaultRuleSet": {"domainRules": [{"name": "r", "kind": "CONDITION", "type": "CEL", "expr": "true"}]},
        "overrideRuleSet": {"domainRules": []}
    });
    // The request is echoed back, as Confluent does.
    assert_eq!(s.put("/config/c", &full).await, (200, full.clone()));
    // A level under both names: both must be levels (the answer echoes both).
    let both = json!({"compatibility": "FULL", "compatibilityLevel": "SIDEWAYS"});
    let (status, refused) = s.put("/config/c", &both).await;
    assert_eq!(
        (status, &refused["error_code"]),
        (422, &json!(42203)),
        "{refused}"
    );
    let (status, got) = s.get("/config/c").await;
    assert_eq!(status, 200);
    assert_eq!(got["compatibilityLevel"], "FULL");
    for field in [
        "normalize",
        "validateFields",
        "alias",
        "compatibilityGroup",
        "defaultMetadata",
    ] {
        assert_eq!(got[field], full[field], "{field}");
    }
    // An update changes only what it sends.
    assert_eq!(s.put("/config/c", &json!({"alias": "third"})).await.0, 200);
    let got = s.get("/config/c").await.1;
    assert_eq!(got["alias"], "third");
    assert_eq!(got["compatibilityLevel"], "FULL");
    assert_eq!(got["normalize"], true);
    // Global fields fill in with defaultToGlobal.
    s.put(
        "/config",
        &json!({"compatibilityGroup": "g", "normalize": false}),
    )
    .await;
    s.put("/config/only-level", &json!({"compatibility": "NONE"}))
        .await;
    let merged = s.get("/config/only-level?defaultToGlobal=true").await.1;
    assert_eq!(
        (
            &merged["compatibilityLevel"],
            &merged["compatibilityGroup"],
            &merged["normalize"]
        ),
        (&json!("NONE"), &json!("g"), &json!(false))
    );
    assert_eq!(s.get("/config").await.1["compatibilityGroup"], "g");
    // DELETE removes the level and the fields, and says what they were.
    let (status, previous) = s.delete("/config/c").await;
    assert_eq!(status, 200);
    assert_eq!(previous["compatibilityLevel"], "FULL");
    assert_eq!(previous["alias"], "third");
    assert_error(&s.get("/config/c").await, 404, 40408);
    assert_error(&s.delete("/config/c").await, 404, 40408);
    // Malformed fields are refused.
    let bad = s
        .put("/config/c", &json!({"defaultMetadata": "not an object"}))
        .await;
    assert_eq!(bad.0, 422, "{bad:?}");
    let bad = s
        .put("/config/c", &json!({"compatibility": "SIDEWAYS"}))
        .await;
    assert_error(&bad, 422, 42203);
    s.stop().await;
}
both_backends!(fields_are_kept_merged_and_removed);

async fn normalize_by_config(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.put("/config/norm", &json!({"normalize": true})).await;
    let text = r#"{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"int"}}]}"#;
    let (id, _) = s.register("norm", "AVRO", text).await;
    // Stored normalized: the primitive is simplified and the name is full.
    let stored = s.get(&format!("/schemas/ids/{id}")).await.1;
    let schema: serde_json::Value =
        serde_json::from_str(stored["schema"].as_str().unwrap()).unwrap();
    assert_eq!(schema["name"], "n.R");
    assert_eq!(schema["fields"][0]["type"], "int");
    // A lookup under the subject normalizes too.
    let found = s
        .post(
            "/subjects/norm",
            &json!({"schema": record(&[("a", "int")])}),
        )
        .await;
    assert_eq!((found.0, &found.1["id"]), (200, &json!(id)), "{found:?}");
    s.stop().await;
}
both_backends!(normalize_by_config);

async fn reads_through_an_alias(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (id, _) = s.register("target", "AVRO", &record(&[("a", "int")])).await;
    s.put("/config/alias", &json!({"alias": "target"})).await;
    for path in [
        "/subjects/alias/versions/latest",
        "/subjects/alias/versions/1",
    ] {
        let r = s.client.get(s.at(path)).send().await.unwrap();
        assert_eq!(
            r.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}: not cached under the alias"
        );
        let (status, body) = common::read(r).await;
        assert_eq!(
            (status, &body["id"], &body["subject"]),
            (200, &json!(id), &json!("target"))
        );
    }
    assert_eq!(s.get("/subjects/alias/versions").await.1, json!([1]));
    let found = s
        .post(
            "/subjects/alias",
            &json!({"schema": record(&[("a", "int")])}),
        )
        .await;
    assert_eq!(found.1["id"], id);
    // The target's next version shows through the alias at once.
    s.put("/config/target", &json!({"compatibility": "NONE"}))
        .await;
    s.register("target", "AVRO", &record(&[("a", "int"), ("b", "string")]))
        .await;
    assert_eq!(
        s.get("/subjects/alias/versions/latest").await.1["version"],
        2
    );
    // A subject without an alias is still not found.
    assert_error(
        &s.get("/subjects/nothing/versions/latest").await,
        404,
        40401,
    );
    s.stop().await;
}
both_backends!(reads_through_an_alias);

async fn compatibility_within_a_group(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.put(
        "/config/grouped",
        &json!({"compatibility": "BACKWARD", "compatibilityGroup": "major"}),
    )
    .await;
    let v1 = json!({"schema": record(&[("a", "int")]), "metadata": {"properties": {"major": "1"}}});
    assert_eq!(s.post("/subjects/grouped/versions", &v1).await.0, 200);
    // Incompatible with v1, but in another group: registered.
    let v2 =
        json!({"schema": record(&[("a", "string")]), "metadata": {"properties": {"major": "2"}}});
    let got = s.post("/subjects/grouped/versions", &v2).await;
    assert_eq!(got.0, 200, "{got:?}");
    // Incompatible with v1 and in its group: refused.
    let v3 =
        json!({"schema": record(&[("a", "boolean")]), "metadata": {"properties": {"major": "1"}}});
    assert_error(&s.post("/subjects/grouped/versions", &v3).await, 409, 40901);
    s.stop().await;
}
both_backends!(compatibility_within_a_group);

async fn metadata_and_rules_are_merged(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.put(
        "/config/merged",
        &json!({
            "compatibility": "NONE",
            "defaultMetadata": {"properties": {"owner": "team-a", "tier": "2"}},
            "overrideMetadata": {"properties": {"tier": "0"}},
            "defaultRuleSet": {"domainRules": [{"name": "present", "kind": "CONDITION", "type": "CEL", "expr": "true"}]}
        }),
    )
    .await;
    let v1 =
        json!({"schema": record(&[("a", "int")]), "metadata": {"properties": {"owner": "team-b"}}});
    assert_eq!(s.post("/subjects/merged/versions", &v1).await.0, 200);
    let got = s.get("/subjects/merged/versions/1").await.1;
    assert_eq!(
        got["metadata"],
        json!({"properties": {"owner": "team-b", "tier": "0"}})
    );
    assert_eq!(got["ruleSet"]["domainRules"][0]["name"], "present");
    // A version without metadata carries the previous one's, merged again.
    let v2 = json!({"schema": record(&[("b", "int")])});
    assert_eq!(s.post("/subjects/merged/versions", &v2).await.0, 200);
    assert_eq!(
        s.get("/subjects/merged/versions/2").await.1["metadata"]["properties"]["owner"],
        "team-b"
    );
    s.stop().await;
}
both_backends!(metadata_and_rules_are_merged);
