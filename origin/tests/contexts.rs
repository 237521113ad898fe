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
    // A schema by id through a context prefix: the context's own id.
    let id = via_prefix.1["id"].as_i64().unwrap();
    let by_id = s.get(&format!("/contexts/.ctx1/schemas/ids/{id}")).await;
    assert_eq!(by_id.0, 200, "{by_id:?}");
    assert_eq!(by_id.1["schema"], json!(record("A")), "{by_id:?}");

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

async fn each_context_has_its_own_ids(backend: Backend) {
    let s = TestServer::start(backend).await;
    let body = |name: &str| json!({"schema": record(name)});
    let (a, _) = s.register("a", "AVRO", &record("A")).await;
    let (b, _) = s.register("b", "AVRO", &record("B")).await;
    // The first schema of a context gets id 1 there, whatever the default context has.
    let in_x = s.post("/subjects/:.x:one/versions", &body("X")).await;
    assert_eq!((in_x.0, &in_x.1["id"]), (200, &json!(1)), "{in_x:?}");
    let again = s
        .post("/contexts/.x/subjects/two/versions", &body("Y"))
        .await;
    assert_eq!(again.1["id"], json!(2), "{again:?}");
    // The same schema in another context: that context's next id; in its own, its id there.
    let shared = s.post("/subjects/:.y:b/versions", &body("B")).await;
    assert_eq!(shared.1["id"], json!(1), "{shared:?}");
    let same = s.post("/subjects/:.x:three/versions", &body("X")).await;
    assert_eq!(
        same.1["id"],
        json!(1),
        "the same schema keeps its id in a context"
    );
    assert_eq!(
        s.get("/subjects/:.x:three/versions/1").await.1["id"],
        json!(1)
    );
    assert_eq!(
        s.post("/subjects/:.x:one", &body("X")).await.1["id"],
        json!(1)
    );
    // Search shows each hit with its context's id: `B` is default id `b` and `.y`'s 1.
    let (_, hits) = s.get("/search?q=B").await;
    let mut ids: Vec<(&str, i64)> = hits["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|h| (h["subject"].as_str().unwrap(), h["id"].as_i64().unwrap()))
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [(":.y:b", 1), ("b", b)], "{hits}");

    // Reads by id name the context through `subject` or the prefix; without one, the default.
    let x1 = s.get("/schemas/ids/1?subject=:.x:one").await;
    assert_eq!(
        (x1.0, &x1.1["schema"]),
        (200, &json!(record("X"))),
        "{x1:?}"
    );
    let x1 = s.get("/contexts/.x/schemas/ids/1").await;
    assert_eq!(x1.1["schema"], json!(record("X")), "{x1:?}");
    assert_eq!(
        s.text("/contexts/.x/schemas/ids/2/schema").await,
        record("Y")
    );
    let default = s.get(&format!("/schemas/ids/{a}")).await;
    assert_eq!(default.1["schema"], json!(record("A")));
    let missing = s.get("/contexts/.x/schemas/ids/3").await;
    assert_eq!((missing.0, &missing.1["error_code"]), (404, &json!(40403)));
    let max = s.get("/contexts/.x/schemas/ids/1?fetchMaxId=true").await;
    assert_eq!(max.1["maxId"], json!(2), "{max:?}");
    assert_eq!(
        s.get("/contexts/.x/schemas/ids/1/subjects").await.1,
        json!([":.x:one", ":.x:three"])
    );
    assert_eq!(
        s.get("/contexts/.y/schemas/ids/1/versions").await.1,
        json!([{"subject": ":.y:b", "version": 1}])
    );
    assert_eq!(
        s.get(&format!("/schemas/ids/{b}/subjects")).await.1,
        json!(["b"]),
        "the default context lists its own subjects"
    );
    // Validation by id, too: a JSON Schema that is id 1 in `.v`, where the default id 1 is a record.
    let string = json!({"schemaType": "JSON", "schema": r#"{"type":"string"}"#});
    assert_eq!(
        s.post("/subjects/:.v:s/versions", &string).await.1["id"],
        json!(1)
    );
    let in_v = s
        .post("/contexts/.v/schemas/ids/1/validate", &json!("hello"))
        .await;
    assert_eq!(in_v.1["results"][0]["valid"], json!(true), "{in_v:?}");
    let default = s.post("/schemas/ids/1/validate", &json!("hello")).await;
    assert_eq!(
        default.1["results"][0]["valid"],
        json!(false),
        "{default:?}"
    );

    // A guid lists the schema's id in every context that has it.
    let guid = shared.1["guid"].as_str().unwrap().to_owned();
    assert_eq!(
        s.get(&format!("/schemas/guids/{guid}/ids")).await.1,
        json!([{"context": ".", "id": b}, {"context": ".y", "id": 1}])
    );

    // IMPORT into a context takes the context's id; new ids there go past it.
    assert_eq!(
        s.put("/mode/:.imp:", &json!({"mode": "IMPORT"})).await.0,
        200
    );
    let imported = s
        .post(
            "/subjects/:.imp:s/versions",
            &json!({"schema": record("I"), "id": 7, "version": 1}),
        )
        .await;
    assert_eq!(imported.1["id"], json!(7), "{imported:?}");
    let clash = s
        .post(
            "/subjects/:.imp:t/versions",
            &json!({"schema": record("J"), "id": 7, "version": 1}),
        )
        .await;
    assert_eq!(
        (clash.0, &clash.1["error_code"]),
        (422, &json!(42205)),
        "{clash:?}"
    );
    assert_eq!(s.delete("/mode/:.imp:").await.0, 200);
    let after = s.post("/subjects/:.imp:u/versions", &body("K")).await;
    assert_eq!(after.1["id"], json!(8), "{after:?}");

    // Deleted for good, a context's id is not handed out again.
    assert_eq!(s.delete("/subjects/:.x:two").await.0, 200);
    assert_eq!(s.delete("/subjects/:.x:two?permanent=true").await.0, 200);
    let next = s.post("/subjects/:.x:four/versions", &body("Z")).await;
    assert_eq!(next.1["id"], json!(3), "{next:?}");
    s.stop().await;
}
both_backends!(each_context_has_its_own_ids);

/// Migration 0011 on versions registered in a named context before it: they keep the ids they
/// had (the rows' own), and the context's next id goes past them.
async fn versions_from_before_context_ids_keep_theirs(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("a", "AVRO", &record("A")).await;
    s.register("b", "AVRO", &record("B")).await;
    s.post(
        "/subjects/:.old:s/versions",
        &json!({"schema": record("S")}),
    )
    .await;
    // As the data was before 0011: no context ids.
    for sql in [
        "UPDATE subject_versions SET context_id = NULL",
        "DELETE FROM context_ids",
        "DELETE FROM context_id_counters",
    ] {
        common::exec(&s, sql).await;
    }
    let dir = if s.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let path = format!(
        "{}/migrations/{dir}/0011_context_ids.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    let migration: String = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    let backfill: Vec<&str> = migration
        .split(';')
        .map(str::trim)
        .filter(|st| st.starts_with("INSERT") || st.starts_with("UPDATE"))
        .collect();
    assert_eq!(backfill.len(), 3, "{backfill:?}");
    for sql in backfill {
        common::exec(&s, sql).await;
    }
    let (_, old) = s.get("/subjects/:.old:s/versions/1?deleted=true").await;
    assert_eq!(old["id"], json!(3), "the row's own id, as before: {old}");
    let by_id = s.get("/contexts/.old/schemas/ids/3").await;
    assert_eq!(by_id.1["schema"], json!(record("S")), "{by_id:?}");
    let next = s
        .post(
            "/subjects/:.old:t/versions",
            &json!({"schema": record("T")}),
        )
        .await;
    assert_eq!(next.1["id"], json!(4), "past the kept ids: {next:?}");
    s.stop().await;
}
both_backends!(versions_from_before_context_ids_keep_theirs);

async fn references_and_aliases_belong_to_their_subject_s_context(backend: Backend) {
    let s = TestServer::start(backend).await;
    // `customer` exists only in `.ctx`: a reference written without a context must find it there.
    s.register(":.ctx:customer", "AVRO", &record("Customer"))
        .await;
    let order = json!({
        "schema": r#"{"type":"record","name":"Order","fields":[{"name":"c","type":"Customer"}]}"#,
        "references": [{"name": "Customer", "subject": "customer", "version": 1}],
    });
    let registered = s
        .post("/contexts/.ctx/subjects/order/versions", &order)
        .await;
    assert_eq!(registered.0, 200, "{registered:?}");
    // Kept qualified (Confluent keeps what was written; see the README).
    let version = s.get("/subjects/:.ctx:order/versions/1").await.1;
    assert_eq!(
        version["references"],
        json!([{"name": "Customer", "subject": ":.ctx:customer", "version": 1}])
    );
    // The same body finds it again, through the prefix and qualified outright.
    let found = s.post("/contexts/.ctx/subjects/order", &order).await;
    assert_eq!((found.0, &found.1["id"]), (200, &registered.1["id"]));
    let found = s.post("/subjects/:.ctx:order", &order).await;
    assert_eq!((found.0, &found.1["version"]), (200, &json!(1)));
    // The referenced version knows its user and cannot go while it is used.
    assert_eq!(
        s.get("/subjects/:.ctx:customer/versions/1/referencedby")
            .await
            .1,
        json!([registered.1["id"]])
    );
    assert_error(
        &s.delete("/subjects/:.ctx:customer/versions/1").await,
        422,
        42206,
    );
    // In the default context the same body names a subject that does not exist there.
    assert_error(
        &s.post("/subjects/order/versions", &order).await,
        422,
        42201,
    );

    // An alias without a context names a subject of the alias's own context.
    let alias = s
        .put("/config/:.ctx:orders-alias", &json!({"alias": "order"}))
        .await;
    assert_eq!(alias.0, 200, "{alias:?}");
    let through = s.get("/subjects/:.ctx:orders-alias/versions/1").await;
    assert_eq!((through.0, &through.1["id"]), (200, &registered.1["id"]));
    s.stop().await;
}
both_backends!(references_and_aliases_belong_to_their_subject_s_context);
