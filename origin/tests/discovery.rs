//! Beyond the Confluent API, over HTTP on both backends: ranked search and the metadata
//! lookup, the audit timeline (with who did what, paging, the JSON-lines export and the
//! retention that respects edges), the search index catching up on old versions, and cache
//! warming from read counters.

mod common;

use std::time::Duration;

use common::{Backend, TestServer, assert_error, call, exec};
use registry_core::cache_key::CacheKey;
use registry_origin::upkeep;
use serde_json::{Value, json};
use sqlx::Connection;

const ORDERS_V1: &str = r#"{"type":"record","name":"OrderPlaced","namespace":"com.acme.sales",
 "doc":"An order placed by a customer","fields":[
 {"name":"orderId","type":"string"},
 {"name":"customerId","type":"string","doc":"Who ordered","confluent:tags":["PII"]}]}"#;
const ORDERS_V2: &str = r#"{"type":"record","name":"OrderPlaced","namespace":"com.acme.sales",
 "doc":"An order placed by a customer","fields":[
 {"name":"orderId","type":"string"},
 {"name":"customerId","type":"string","doc":"Who ordered","confluent:tags":["PII"]},
 {"name":"couponCode","type":["null","string"],"default":null}]}"#;
const INVOICE: &str = r#"{"title":"Invoice","type":"object","description":"A bill sent to a customer",
 "properties":{"totalAmount":{"type":"number"},"currency":{"type":"string"}}}"#;
const STOCK: &str = r#"{"type":"record","name":"StockLevel","fields":[{"name":"sku","type":"string"},
 {"name":"quantity","type":"int"}]}"#;

fn hits(page: &Value) -> Vec<(String, i64)> {
    page["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|h| {
            (
                h["subject"].as_str().expect("subject").to_owned(),
                h["version"].as_i64().expect("version"),
            )
        })
        .collect()
}

async fn search(s: &TestServer, query: &str) -> Value {
    let (status, page) = s.get(&format!("/search?{query}")).await;
    assert_eq!(status, 200, "{query}: {page}");
    page
}

async fn search_ranks_filters_and_follows_deletes(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("sales.orders-value", "AVRO", ORDERS_V1).await;
    s.register("billing.invoice-value", "JSON", INVOICE).await;
    s.register("inventory.stock", "AVRO", STOCK).await;

    // The subject's own name outranks a field name, which outranks a description.
    let page = search(&s, "q=order").await;
    assert_eq!(hits(&page)[0], ("sales.orders-value".into(), 1), "{page}");
    let page = search(&s, "q=customer").await;
    assert_eq!(
        hits(&page),
        [
            ("sales.orders-value".into(), 1),
            ("billing.invoice-value".into(), 1)
        ],
        "{page}"
    );
    assert_eq!(page["total"], 2);
    let first = page["results"][0]["score"].as_f64().expect("score");
    let second = page["results"][1]["score"].as_f64().expect("score");
    assert!(first > second && second > 0.0, "{page}");
    // Words are prefixes, all must match, case does not matter; camelCase parts count.
    assert_eq!(hits(&search(&s, "q=CUST").await).len(), 2);
    assert_eq!(
        hits(&search(&s, "q=stock%20sku").await),
        [("inventory.stock".into(), 1)]
    );
    assert_eq!(
        hits(&search(&s, "q=total").await),
        [("billing.invoice-value".into(), 1)]
    );
    assert!(hits(&search(&s, "q=stock%20customer").await).is_empty());
    // Filters: type, subject prefix, tag (exact, any case), alone or with words.
    assert_eq!(
        hits(&search(&s, "q=customer&type=json").await),
        [("billing.invoice-value".into(), 1)]
    );
    assert_eq!(
        hits(&search(&s, "subjectPrefix=inventory").await),
        [("inventory.stock".into(), 1)]
    );
    assert_eq!(
        hits(&search(&s, "tag=pii").await),
        [("sales.orders-value".into(), 1)]
    );
    assert_eq!(hits(&search(&s, "tag=PII&q=order").await).len(), 1);
    assert!(hits(&search(&s, "tag=PI").await).is_empty());
    assert_eq!(
        search(&s, "tag=pii").await["results"][0]["tags"],
        json!(["pii"])
    );
    // Without words: every document by subject; paging keeps the total.
    let all = search(&s, "").await;
    assert_eq!(all["total"], 3);
    let second = search(&s, "limit=1&offset=1").await;
    assert_eq!(second["total"], 3);
    assert_eq!(hits(&second), [("inventory.stock".into(), 1)]);
    // Search syntax of either backend is just words here.
    for hostile in [
        "q=%22%27)(*%26%5E",
        "q=NEAR(a%20b)",
        "q=a%20%7C%20b",
        "q=%3A*%20!",
    ] {
        let (status, body) = s.get(&format!("/search?{hostile}")).await;
        assert_eq!(status, 200, "{hostile}: {body}");
    }

    // A new version is found; one hit per subject, its highest matching version. (The pages
    // searched before are kept until a change: each of these is searched before it too.)
    assert!(hits(&search(&s, "q=coupon").await).is_empty());
    s.register("sales.orders-value", "AVRO", ORDERS_V2).await;
    assert_eq!(
        hits(&search(&s, "q=order").await)[0],
        ("sales.orders-value".into(), 2)
    );
    assert_eq!(
        hits(&search(&s, "q=coupon").await),
        [("sales.orders-value".into(), 2)]
    );
    assert_eq!(
        hits(&search(&s, "q=order%20placed").await),
        [("sales.orders-value".into(), 2)]
    );
    // Soft-deleted versions drop out; permanently deleted ones are gone from the index.
    assert_eq!(
        s.delete("/subjects/sales.orders-value/versions/2").await.0,
        200
    );
    assert!(hits(&search(&s, "q=coupon").await).is_empty());
    assert_eq!(
        hits(&search(&s, "q=order%20placed").await),
        [("sales.orders-value".into(), 1)]
    );
    assert_eq!(
        hits(&search(&s, "q=order").await)[0],
        ("sales.orders-value".into(), 1)
    );
    // Listing without words too: the highest live version, its type and tags.
    let listed = search(&s, "subjectPrefix=sales").await;
    assert_eq!(
        hits(&listed),
        [("sales.orders-value".into(), 1)],
        "{listed}"
    );
    assert_eq!(listed["results"][0]["schemaType"], "AVRO");
    assert_eq!(listed["results"][0]["tags"], json!(["pii"]));
    assert_eq!(
        hits(&search(&s, "type=JSON").await),
        [("billing.invoice-value".into(), 1)]
    );
    assert_eq!(search(&s, "type=PROTOBUF").await["total"], 0);
    assert_eq!(
        s.delete("/subjects/sales.orders-value/versions/2?permanent=true")
            .await
            .0,
        200
    );
    assert!(hits(&search(&s, "q=coupon").await).is_empty());

    // Bad parameters get the Confluent error format.
    assert_error(&s.get("/search?limit=0").await, 422, 422);
    assert_error(&s.get("/search?limit=1001").await, 422, 422);
    assert_error(&s.get("/search?offset=-1").await, 422, 422);
    assert_error(&s.get("/search?type=THRIFT").await, 422, 422);
    assert_error(&s.get("/search?limit=x").await, 400, 400);
    let long = "a".repeat(2000);
    assert_error(&s.get(&format!("/search?q={long}")).await, 422, 422);
    s.stop().await;
}
both_backends!(search_ranks_filters_and_follows_deletes);

async fn versions_stored_before_the_index_are_indexed_at_start(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("sales.orders-value", "AVRO", ORDERS_V1).await;
    s.register("inventory.stock", "AVRO", STOCK).await;
    s.register("billing.invoice-value", "JSON", INVOICE).await;
    assert_eq!(s.delete("/subjects/billing.invoice-value").await.0, 200);
    exec(&s, "DELETE FROM search_docs").await;
    assert!(hits(&search(&s, "q=sku").await).is_empty());
    assert_eq!(s.registry.index_missing().await.expect("index"), 3);
    assert_eq!(s.registry.index_missing().await.expect("index"), 0);
    assert_eq!(
        hits(&search(&s, "q=sku").await),
        [("inventory.stock".into(), 1)]
    );
    // A deleted version indexed late is indexed as deleted.
    assert!(hits(&search(&s, "q=total").await).is_empty());
    s.stop().await;
}
both_backends!(versions_stored_before_the_index_are_indexed_at_start);

async fn metadata_lookup_finds_the_latest_matching_version(backend: Backend) {
    let s = TestServer::start(backend).await;
    for (schema, owner) in [(ORDERS_V1, "sales"), (ORDERS_V2, "billing")] {
        let body = json!({
            "schema": schema,
            "metadata": {"properties": {"owner": owner, "tier": "gold"}}
        });
        assert_eq!(s.post("/subjects/orders/versions", &body).await.0, 200);
    }
    let (status, v) = s
        .get("/subjects/orders/metadata?key=owner&value=sales")
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["version"], 1);
    assert_eq!(v["metadata"]["properties"]["owner"], "sales");
    let (_, v) = s.get("/subjects/orders/metadata?key=tier&value=gold").await;
    assert_eq!(v["version"], 2, "the latest of those matching");
    let (_, v) = s
        .get("/subjects/orders/metadata?key=tier&value=gold&key=owner&value=sales")
        .await;
    assert_eq!(v["version"], 1, "every pair must match");
    assert_error(
        &s.get("/subjects/orders/metadata?key=owner&value=nobody")
            .await,
        404,
        40403,
    );
    assert_error(
        &s.get("/subjects/missing/metadata?key=owner&value=sales")
            .await,
        404,
        40401,
    );
    assert_error(
        &s.get("/subjects/orders/metadata?key=owner").await,
        422,
        422,
    );
    // `deleted` reads like everywhere else in the API.
    let (status, _) = s
        .get("/subjects/orders/metadata?key=owner&value=sales&deleted=True")
        .await;
    assert_eq!(status, 200);
    assert_error(
        &s.get("/subjects/orders/metadata?key=owner&value=sales&deleted=maybe")
            .await,
        400,
        400,
    );
    s.stop().await;
}
both_backends!(metadata_lookup_finds_the_latest_matching_version);

async fn as_key(
    s: &TestServer,
    key: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    call(s, method, path, Some(&format!("Bearer {key}")), body).await
}

async fn audit_timeline_names_who_did_what(backend: Backend) {
    let s = TestServer::start_with(backend, |c| c.auth = true).await;
    let admin = s
        .registry
        .create_key("admin".parse().unwrap(), "ops", "cli")
        .await
        .expect("key")
        .value;
    let writer = s
        .registry
        .create_key("write".parse().unwrap(), "ci", "cli")
        .await
        .expect("key")
        .value;
    let (a, w) = (admin.key.as_str(), writer.key.as_str());
    let register = json!({"schema": STOCK});
    assert_eq!(
        as_key(&s, w, "POST", "/subjects/stock/versions", Some(register))
            .await
            .0,
        200
    );
    let config = json!({"compatibility": "FULL"});
    assert_eq!(
        as_key(&s, w, "PUT", "/config/stock", Some(config)).await.0,
        200
    );
    let mode = json!({"mode": "READONLY"});
    assert_eq!(as_key(&s, a, "PUT", "/mode/stock", Some(mode)).await.0, 200);
    let (status, created) = as_key(
        &s,
        a,
        "POST",
        "/admin/keys",
        Some(json!({"role": "read", "name": "dash"})),
    )
    .await;
    assert_eq!(status, 200);
    let reader = created["key"].as_str().expect("key").to_owned();
    let reader_id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(
        as_key(&s, a, "DELETE", &format!("/admin/keys/{reader_id}"), None)
            .await
            .0,
        200
    );

    let (status, page) = as_key(&s, a, "GET", "/events", None).await;
    assert_eq!(status, 200, "{page}");
    let events = page["events"].as_array().expect("events");
    let summary: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind"),
                e["actor"].as_str().expect("actor"),
            )
        })
        .collect();
    let (admin_id, writer_id) = (admin.record.id.as_str(), writer.record.id.as_str());
    assert_eq!(
        summary,
        [
            ("key_admin", "cli"),
            ("key_admin", "cli"),
            ("register", writer_id),
            ("config", writer_id),
            ("mode", admin_id),
            ("key_admin", admin_id),
            ("key_admin", admin_id),
        ]
    );
    assert_eq!(events[2]["subject"], "stock");
    assert_eq!(events[2]["version"], 1);
    assert!(events[2]["id"].as_i64().is_some());
    assert_eq!(
        events[3]["detail"],
        json!({"setting": "compatibility", "from": null, "to": "FULL"})
    );
    assert_eq!(events[5]["detail"]["action"], "create");
    assert_eq!(events[5]["detail"]["role"], "read");
    assert_eq!(
        events[6]["detail"],
        json!({"action": "revoke", "key": reader_id})
    );
    assert!(
        events[0]["at"].as_str().expect("at").ends_with('Z'),
        "{}",
        events[0]
    );
    let seqs: Vec<i64> = events.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(page["next"], seqs[6]);

    // Paging with after/limit; one subject's events.
    let (_, p1) = as_key(&s, a, "GET", "/events?limit=2", None).await;
    assert_eq!(p1["events"].as_array().unwrap().len(), 2);
    let (_, p2) = as_key(
        &s,
        a,
        "GET",
        &format!("/events?after={}&limit=2", p1["next"]),
        None,
    )
    .await;
    assert_eq!(p2["events"][0]["seq"], seqs[2]);
    let (_, mine) = as_key(&s, a, "GET", "/events?subject=stock", None).await;
    let kinds: Vec<&str> = mine["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["register", "config", "mode"]);
    assert_error(
        &as_key(&s, a, "GET", "/events?limit=5000", None).await,
        422,
        422,
    );

    // The export: the same events, one JSON object per line.
    let resp = s
        .client
        .get(s.at("/events/export"))
        .header("authorization", format!("Bearer {a}"))
        .send()
        .await
        .expect("export");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/x-ndjson"
    );
    let text = resp.text().await.expect("body");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(&lines, events);
    let resp = s
        .client
        .get(s.at("/events/export?subject=stock&after=0"))
        .header("authorization", format!("Bearer {a}"))
        .send()
        .await
        .expect("export");
    assert_eq!(resp.text().await.unwrap().lines().count(), 3);

    // Only admins read the timeline; the revoked key is refused.
    assert_error(&as_key(&s, w, "GET", "/events", None).await, 403, 40301);
    assert_error(
        &as_key(&s, w, "GET", "/events/export", None).await,
        403,
        40301,
    );
    assert_error(
        &as_key(&s, &reader, "GET", "/events", None).await,
        401,
        40101,
    );
    s.stop().await;
}
both_backends!(audit_timeline_names_who_did_what);

async fn retention_prunes_old_events_edges_have(backend: Backend) {
    let s = TestServer::start(backend).await;
    for subject in ["a", "b", "c", "d"] {
        s.register(subject, "AVRO", STOCK).await;
    }
    let old = if s.database_url.starts_with("postgres") {
        "UPDATE events SET created_at = now() - interval '100 days' WHERE subject IN ('a', 'b', 'c', 'd')"
    } else {
        "UPDATE events SET created_at = '2000-01-01T00:00:00.000Z' WHERE subject IN ('a', 'b', 'c', 'd')"
    };
    exec(&s, old).await;
    let seqs = |events: Vec<registry_origin::store::EventRecord>| {
        events.iter().map(|e| e.seq).collect::<Vec<_>>()
    };
    let all = seqs(s.registry.events(0, None, 100).await.unwrap());
    assert_eq!(all.len(), 4);
    // An edge that has only received the first event holds the rest back.
    s.registry
        .add_edge("http://127.0.0.1:9/edge", None)
        .await
        .unwrap();
    exec(&s, &format!("UPDATE edges SET cursor = {}", all[0])).await;
    let retention = Duration::from_hours(24 * 90);
    assert_eq!(s.registry.prune_events(retention).await.unwrap(), 1);
    assert_eq!(
        seqs(s.registry.events(0, None, 100).await.unwrap()),
        all[1..]
    );
    // Once it has everything, all old events go but the newest (the log's position).
    exec(&s, &format!("UPDATE edges SET cursor = {}", all[3])).await;
    assert_eq!(s.registry.prune_events(retention).await.unwrap(), 2);
    assert_eq!(
        seqs(s.registry.events(0, None, 100).await.unwrap()),
        [all[3]]
    );
    assert_eq!(
        s.registry.db.run(|d| d.max_event_seq()).await.unwrap(),
        all[3]
    );
    // Recent events are kept whatever the edges have (the old one is no longer the newest).
    s.register("e", "AVRO", STOCK).await;
    exec(&s, "UPDATE edges SET cursor = 1000000").await;
    assert_eq!(s.registry.prune_events(retention).await.unwrap(), 1);
    assert_eq!(
        s.registry.events(0, None, 100).await.unwrap()[0]
            .subject
            .as_deref(),
        Some("e")
    );
    s.stop().await;
}
both_backends!(retention_prunes_old_events_edges_have);

async fn warming_loads_the_most_read_schemas_and_recent_subjects(backend: Backend) {
    let s = TestServer::start(backend).await;
    let mut ids = Vec::new();
    for subject in ["s1", "s2", "s3", "s4"] {
        let schema = STOCK.replace("StockLevel", &format!("Stock{subject}"));
        ids.push(s.register(subject, "AVRO", &schema).await.0);
    }
    for (id, reads) in [(ids[2], 5), (ids[0], 3)] {
        for _ in 0..reads {
            assert_eq!(s.get(&format!("/schemas/ids/{id}")).await.0, 200);
        }
    }
    assert_eq!(upkeep::flush_reads(&s.registry).await.unwrap(), 2);
    assert_eq!(upkeep::flush_reads(&s.registry).await.unwrap(), 0);
    assert_eq!(
        s.registry.db.run(|d| d.most_read(10)).await.unwrap(),
        [ids[2], ids[0]]
    );
    // Counts add up across flushes.
    for _ in 0..3 {
        s.get(&format!("/schemas/ids/{}", ids[0])).await;
    }
    upkeep::flush_reads(&s.registry).await.unwrap();
    assert_eq!(
        s.registry.db.run(|d| d.most_read(1)).await.unwrap(),
        [ids[0]]
    );

    // A new origin on the same database starts cold, and warming fills it.
    let fresh = registry_origin::server::registry(
        s.registry.db.clone(),
        &registry_origin::server::ServerConfig::for_tests(&s.database_url),
    );
    assert!(!fresh.cache.contains(&CacheKey::SchemaById(ids[0])));
    let options = upkeep::WarmOptions {
        schemas: 10,
        subjects: 2,
        time_budget: Duration::from_secs(10),
        byte_budget: 1 << 20,
    };
    let report = upkeep::warm(&fresh, &options).await.unwrap();
    assert_eq!((report.schemas, report.subjects), (2, 2), "{report:?}");
    assert!(!report.cut_short);
    assert!(report.bytes > 0);
    assert!(fresh.cache.contains(&CacheKey::SchemaById(ids[0])));
    assert!(fresh.cache.contains(&CacheKey::SchemaById(ids[2])));
    assert!(!fresh.cache.contains(&CacheKey::SchemaById(ids[1])));
    // The two most recently changed subjects get their latest version.
    assert!(fresh.cache.contains(&CacheKey::Latest("s4".into())));
    assert!(fresh.cache.contains(&CacheKey::Latest("s3".into())));
    assert!(!fresh.cache.contains(&CacheKey::Latest("s1".into())));
    // What is cached already is not loaded again.
    assert_eq!(upkeep::warm(&fresh, &options).await.unwrap().bytes, 0);

    // The budgets bound it.
    let cold = registry_origin::server::registry(
        s.registry.db.clone(),
        &registry_origin::server::ServerConfig::for_tests(&s.database_url),
    );
    let tight = upkeep::WarmOptions {
        byte_budget: 1,
        ..options
    };
    let report = upkeep::warm(&cold, &tight).await.unwrap();
    assert!(report.cut_short);
    assert_eq!(report.schemas + report.subjects, 1, "{report:?}");
    s.stop().await;
}
both_backends!(warming_loads_the_most_read_schemas_and_recent_subjects);

/// At 100k documents PostgreSQL finds matches through the GIN index, not a scan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_search_uses_the_gin_index_at_100k_schemas() {
    let s = TestServer::start(Backend::Postgres).await;
    let seed = [
        "INSERT INTO subjects (subject) SELECT 'subject-' || g FROM generate_series(1, 100000) g",
        "INSERT INTO schemas (id, fingerprint, schema_type, schema_text) \
         SELECT g, md5(g::text), 'AVRO', '{\"type\":\"record\",\"name\":\"R' || g || '\",\"fields\":[]}' \
         FROM generate_series(1, 100000) g",
        "INSERT INTO subject_versions (subject, version, schema_id) \
         SELECT 'subject-' || g, 1, g FROM generate_series(1, 100000) g",
        "INSERT INTO search_docs (subject, version, schema_id, schema_type, subject_terms, names, tags, docs, body) \
         SELECT 'subject-' || g, 1, g, 'AVRO', 'subject ' || g, 'record' || g || ' field' || (g % 1000), '', \
                'doc word' || (g % 5000), 'type record name fields' FROM generate_series(1, 100000) g",
        "ANALYZE",
    ];
    for sql in seed {
        exec(&s, sql).await;
    }
    let mut c = sqlx::PgConnection::connect(&s.database_url)
        .await
        .expect("connect");
    let sql = format!(
        "EXPLAIN {}",
        registry_origin::store::PostgresStore::search_sql(true)
    );
    let words = registry_core::search::query_words("record4242");
    let plan: Vec<String> = sqlx::query_scalar(&sql)
        .bind(registry_origin::store::PostgresStore::match_expression(
            &words,
        ))
        .bind("")
        .bind("%")
        .bind("")
        .bind(20_i64)
        .bind(0_i64)
        .fetch_all(&mut c)
        .await
        .expect("explain");
    let plan = plan.join("\n");
    assert!(plan.contains("search_docs_tsv"), "{plan}");
    assert!(!plan.contains("Seq Scan on search_docs"), "{plan}");
    // And the query answers through the API.
    let page = search(&s, "q=record4242").await;
    assert_eq!(
        page["total"], 11,
        "record4242 and record42420..42429: {page}"
    );
    assert_eq!(hits(&page)[0], ("subject-4242".into(), 1), "{page}");
    drop(c);
    s.stop().await;
}
