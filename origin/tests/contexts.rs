//! Contexts, as Confluent's registry has them: qualified subjects (`:.ctx:name`), the
//! `/contexts/{context}/...` prefix, `GET /contexts`, subject prefixes across contexts, settings
//! of a context inherited by its subjects, and deleting an empty context.

mod common;

use common::{Backend, TestServer, assert_error};
use serde_json::json;

fn record(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[{{"name":"a","type":"int"}}]}}"#)
}

fn breaking(name: &str) -> String {
    format!(r#"{{"type":"record","name":"{name}","fields":[{{"name":"a","type":"string"}}]}}"#)
}

async fn prefixed_paths_and_listings(backend: Backend) {
    let s = TestServer::start(backend).await;
    let body = |name: &str| json!({"schema": record(name)});
    // Through the prefix, and qualified outright: the same subject.
    let via_prefix = s
        .post("/contexts/.ctx1/subjects/orders/versions", &body("A"))
        .await;
    assert_eq!(via_prefix.0, 200, "{via_prefix:?}");
    let direct = s.get("/subjects/:.ctx1:orders/versions/1").await;
    assert_eq!(
        (direct.0, &direct.1["subject"]),
        (200, &json!(":.ctx1:orders"))
    );
    s.post("/subjects/:.ctx2:pay/versions", &body("B")).await;
    s.register("plain", "AVRO", &record("C")).await;

    // `:.:name` is the default context's `name`.
    assert_eq!(s.get("/subjects/:.:plain/versions").await.1, json!([1]));
    assert_eq!(
        s.get("/contexts/:.:/subjects/plain/versions").await.1,
        json!([1])
    );
    assert_eq!(
        s.get("/contexts/.ctx1/subjects/orders/versions/latest")
            .await
            .1["id"],
        via_prefix.1["id"]
    );

    let all = json!([":.ctx1:orders", ":.ctx2:pay", "plain"]);
    assert_eq!(s.get("/subjects").await.1, all);
    assert_eq!(s.get("/subjects?subjectPrefix=:*:").await.1, all);
    assert_eq!(s.get("/subjects?subjectPrefix=").await.1, json!(["plain"]));
    assert_eq!(
        s.get("/subjects?subjectPrefix=:*:or").await.1,
        json!([":.ctx1:orders"])
    );
    assert_eq!(
        s.get("/subjects?subjectPrefix=:.ctx2:").await.1,
        json!([":.ctx2:pay"])
    );
    assert_eq!(
        s.get("/contexts/.ctx1/subjects").await.1,
        json!([":.ctx1:orders"])
    );
    assert_eq!(s.get("/contexts/:.:/subjects").await.1, json!(["plain"]));
    let schemas = s.get("/schemas?subjectPrefix=:*:").await.1;
    assert_eq!(schemas.as_array().map(Vec::len), Some(3));
    let in_ctx2 = s.get("/contexts/.ctx2/schemas").await.1;
    assert_eq!(in_ctx2[0]["subject"], json!(":.ctx2:pay"));
    assert_eq!(in_ctx2.as_array().map(Vec::len), Some(1));
    // A schema by id through a context prefix (ids are shared by every context here).
    let id = via_prefix.1["id"].as_i64().unwrap();
    let by_id = s.get(&format!("/contexts/.ctx1/schemas/ids/{id}")).await;
    assert_eq!(by_id.0, 200, "{by_id:?}");

    assert_eq!(s.get("/contexts").await.1, json!([".", ".ctx1", ".ctx2"]));
    assert_eq!(
        s.get("/contexts?contextPrefix=.ctx").await.1,
        json!([".ctx1", ".ctx2"])
    );
    assert_eq!(s.get("/contexts?contextPrefix=.CTX").await.1, json!([]));
    assert_eq!(
        s.get("/contexts?offset=1&limit=1").await.1,
        json!([".ctx1"])
    );

    // A context name with a colon inside is no context.
    let bad = s.get("/contexts/a:b/subjects").await;
    assert_eq!(bad.0, 400, "{bad:?}");
    // Nothing can be registered in the global or the wildcard context.
    for subject in [":.__GLOBAL:x", ":*:x"] {
        let refused = s
            .post(&format!("/subjects/{subject}/versions"), &body("D"))
            .await;
        assert_eq!(refused.0, 422, "{subject}: {refused:?}");
    }
    s.stop().await;
}
both_backends!(prefixed_paths_and_listings);

async fn a_context_s_settings_are_its_subjects_defaults(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register(":.lax:a", "AVRO", &record("A")).await;
    s.register(":.lax:b", "AVRO", &record("A")).await;
    s.register("strict", "AVRO", &record("A")).await;
    // The context's level, set through its prefix, is stored as the context's own.
    let put = s
        .put("/contexts/.lax/config", &json!({"compatibility": "NONE"}))
        .await;
    assert_eq!(put.0, 200, "{put:?}");
    assert_eq!(
        s.get("/config/:.lax:").await.1["compatibilityLevel"],
        json!("NONE")
    );
    assert_eq!(
        s.get("/config/:.lax:a?defaultToGlobal=true").await.1["compatibilityLevel"],
        json!("NONE")
    );
    // The context's subjects take it; the default context keeps the global BACKWARD.
    let lax = s
        .post(
            "/subjects/:.lax:a/versions",
            &json!({"schema": breaking("A")}),
        )
        .await;
    assert_eq!(lax.0, 200, "{lax:?}");
    let strict = s
        .post(
            "/subjects/strict/versions",
            &json!({"schema": breaking("A")}),
        )
        .await;
    assert_error(&strict, 409, 40901);
    // A subject's own level wins over its context's.
    s.put("/config/:.lax:b", &json!({"compatibility": "BACKWARD"}))
        .await;
    let own = s
        .post(
            "/subjects/:.lax:b/versions",
            &json!({"schema": breaking("A")}),
        )
        .await;
    assert_error(&own, 409, 40901);

    // A context's mode too.
    s.put("/contexts/.lax/mode", &json!({"mode": "READONLY"}))
        .await;
    let read_only = s
        .post(
            "/subjects/:.lax:c/versions",
            &json!({"schema": record("C")}),
        )
        .await;
    assert_error(&read_only, 422, 42205);
    // `:.__GLOBAL:` settings are the global ones.
    let global = s
        .put("/config/:.__GLOBAL:", &json!({"compatibility": "FULL"}))
        .await;
    assert_eq!(global.0, 200, "{global:?}");
    assert_eq!(
        s.get("/config").await.1["compatibilityLevel"],
        json!("FULL")
    );
    s.stop().await;
}
both_backends!(a_context_s_settings_are_its_subjects_defaults);

async fn only_an_empty_context_can_be_deleted(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register(":.tmp:x", "AVRO", &record("X")).await;
    assert_error(&s.delete("/contexts/.tmp").await, 422, 42211);
    // Soft-deleted versions still hold the context.
    assert_eq!(s.delete("/subjects/:.tmp:x").await.0, 200);
    assert_error(&s.delete("/contexts/.tmp").await, 422, 42211);
    assert_eq!(s.delete("/subjects/:.tmp:x?permanent=true").await.0, 200);
    assert_eq!(s.get("/contexts").await.1, json!([".", ".tmp"]));
    assert_eq!(s.delete("/contexts/.tmp").await.0, 204);
    assert_eq!(s.get("/contexts").await.1, json!(["."]));
    // Gone already, and never there: the same.
    assert_eq!(s.delete("/contexts/tmp").await.0, 204);
    // The default context (`.`, which a URL cannot carry as a segment) cannot go.
    assert_eq!(s.delete("/contexts/:.:").await.0, 422);
    // Registering again brings it back.
    s.register(":.tmp:y", "AVRO", &record("Y")).await;
    assert_eq!(s.get("/contexts").await.1, json!([".", ".tmp"]));
    s.stop().await;
}
both_backends!(only_an_empty_context_can_be_deleted);
