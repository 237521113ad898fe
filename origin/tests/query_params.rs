//! Query parameters the newest Confluent clients send: `fetchMaxId`, `deletedAsNegative`, and
//! the subject filter and paging of `/schemas/ids/{id}/subjects` and `/versions`.

mod common;

use common::{Backend, TestServer};
use serde_json::json;

fn record(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[{{"name":"a","type":"int"}}]}}"#)
}

async fn fetch_max_id(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (first, _) = s.register("a", "AVRO", &record("A")).await;
    let (second, _) = s.register("b", "AVRO", &record("B")).await;
    assert!(second > first);

    let plain = s.get(&format!("/schemas/ids/{first}")).await;
    assert_eq!(plain.0, 200);
    assert!(plain.1.get("maxId").is_none(), "{plain:?}");

    let with = s
        .get(&format!("/schemas/ids/{first}?fetchMaxId=true"))
        .await;
    assert_eq!(
        (with.0, &with.1["maxId"]),
        (200, &json!(second)),
        "{with:?}"
    );
    assert_eq!(with.1["schema"], plain.1["schema"]);
    // The answer is not cached: a new schema moves it.
    let r = s
        .client
        .get(s.at(&format!("/schemas/ids/{first}?fetchMaxId=true")))
        .send()
        .await
        .expect("request");
    let cache_control = r
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        !cache_control.unwrap_or_default().contains("immutable"),
        "an answer with maxId must not be immutable"
    );
    let (third, _) = s.register("c", "AVRO", &record("C")).await;
    let moved = s
        .get(&format!("/schemas/ids/{first}?fetchMaxId=true"))
        .await;
    assert_eq!(moved.1["maxId"], json!(third));

    let missing = s.get("/schemas/ids/999?fetchMaxId=true").await;
    common::assert_error(&missing, 404, 40403);
    s.stop().await;
}
both_backends!(fetch_max_id);

async fn deleted_as_negative(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.put("/config/v", &json!({"compatibility": "NONE"})).await;
    for name in ["A", "B", "C"] {
        s.register("v", "AVRO", &record(name)).await;
    }
    assert_eq!(s.delete("/subjects/v/versions/2").await.0, 200);

    let listed = |q: &'static str| {
        let s = &s;
        async move { s.get(&format!("/subjects/v/versions{q}")).await.1 }
    };
    assert_eq!(listed("").await, json!([1, 3]));
    assert_eq!(listed("?deleted=true").await, json!([1, 2, 3]));
    assert_eq!(
        listed("?deleted=true&deletedAsNegative=true").await,
        json!([1, -2, 3])
    );
    assert_eq!(
        listed("?deletedOnly=true&deletedAsNegative=true").await,
        json!([-2])
    );
    // Without `deleted`, deleted versions are not listed, so none is negative.
    assert_eq!(listed("?deletedAsNegative=true").await, json!([1, 3]));
    s.stop().await;
}
both_backends!(deleted_as_negative);

async fn usage_filter_and_paging(backend: Backend) {
    let s = TestServer::start(backend).await;
    let schema = record("Shared");
    let (id, _) = s.register("s1", "AVRO", &schema).await;
    for subject in ["s2", "s3"] {
        assert_eq!(s.register(subject, "AVRO", &schema).await.0, id);
    }
    let get = |path: String| {
        let s = &s;
        async move { s.get(&path).await.1 }
    };
    let base = format!("/schemas/ids/{id}");
    assert_eq!(
        get(format!("{base}/subjects")).await,
        json!(["s1", "s2", "s3"])
    );
    assert_eq!(
        get(format!("{base}/subjects?offset=1&limit=1")).await,
        json!(["s2"])
    );
    assert_eq!(
        get(format!("{base}/subjects?subject=s3")).await,
        json!(["s3"])
    );
    assert_eq!(
        get(format!("{base}/subjects?subject=nosuch")).await,
        json!([])
    );
    assert_eq!(
        get(format!("{base}/versions?subject=s2")).await,
        json!([{"subject": "s2", "version": 1}])
    );
    assert_eq!(
        get(format!("{base}/versions?offset=2")).await,
        json!([{"subject": "s3", "version": 1}])
    );
    assert_eq!(get(format!("{base}/versions?limit=0")).await, json!([]));
    // Deleted versions only when asked for, then filtered and paged the same way.
    assert_eq!(s.delete("/subjects/s1/versions/1").await.0, 200);
    assert_eq!(get(format!("{base}/subjects")).await, json!(["s2", "s3"]));
    assert_eq!(
        get(format!("{base}/subjects?deleted=true&limit=2")).await,
        json!(["s1", "s2"])
    );
    s.stop().await;
}
both_backends!(usage_filter_and_paging);

/// `format=resolved`: an Avro schema with its references' named types written out in full
/// where first used; the stored text otherwise.
async fn format_resolved(backend: Backend) {
    let s = TestServer::start(backend).await;
    let sub = r#"{"type":"record","name":"Subrecord","namespace":"otherns","fields":[{"name":"field2","type":"string"}]}"#;
    let main = r#"{"type":"record","name":"MyRecord","namespace":"ns","fields":[{"name":"field1","type":"otherns.Subrecord"}]}"#;
    s.register("reference", "AVRO", sub).await;
    let body = json!({"schema": main,
        "references": [{"name": "otherns.Subrecord", "subject": "reference", "version": 1}]});
    let (status, registered) = s.post("/subjects/referrer/versions", &body).await;
    assert_eq!(status, 200, "{registered}");
    let id = registered["id"].as_i64().unwrap();
    let inlined = r#"{"type":"record","name":"MyRecord","namespace":"ns","fields":[{"name":"field1","type":{"type":"record","name":"Subrecord","namespace":"otherns","fields":[{"name":"field2","type":"string"}]}}]}"#;
    let (_, by_id) = s.get(&format!("/schemas/ids/{id}?format=resolved")).await;
    assert_eq!(by_id["schema"], inlined, "{by_id}");
    assert_eq!(by_id["references"][0]["subject"], "reference");
    let (_, version) = s.get("/subjects/referrer/versions/1?format=resolved").await;
    assert_eq!(version["schema"], inlined, "{version}");
    assert_eq!(
        s.text(&format!("/schemas/ids/{id}/schema?format=resolved"))
            .await,
        inlined
    );
    assert_eq!(
        s.text("/subjects/referrer/versions/1/schema?format=resolved")
            .await,
        inlined
    );
    // The stored text for any other format, and without one.
    for query in ["", "?format=default", "?format=bogus"] {
        let (_, plain) = s.get(&format!("/schemas/ids/{id}{query}")).await;
        assert_eq!(plain["schema"], main, "{query}: {plain}");
    }
    s.stop().await;
}
both_backends!(format_resolved);
