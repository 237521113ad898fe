//! Associations (Confluent 8.x's eight routes): created with or without a schema, listed by
//! subject, resource name and resource id, updated, frozen, batched and deleted, with the
//! subject's lifecycle following a STRONG association.

mod common;

use common::{Backend, TestServer, assert_error};
use serde_json::{Value, json};

const VALUE: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#;

fn request(topic: &str, associations: &Value) -> Value {
    json!({"resourceName": topic, "resourceNamespace": "lkc-1", "resourceType": "topic",
           "associations": associations})
}

async fn create_list_and_conflict(backend: Backend) {
    let s = TestServer::start(backend).await;
    // None yet: an empty list, not a 404 (the ASSOCIATED strategy then falls back).
    assert_eq!(
        s.get("/associations/resources/-/orders?associationType=value")
            .await,
        (200, json!([]))
    );
    let created = s
        .post(
            "/associations",
            &request(
                "orders",
                &json!([{"subject": "orders-value", "associationType": "value",
                        "schema": {"schema": VALUE}}]),
            ),
        )
        .await;
    assert_eq!(created.0, 200, "{created:?}");
    let info = &created.1["associations"][0];
    assert_eq!(info["subject"], "orders-value");
    assert_eq!(info["lifecycle"], "STRONG");
    assert_eq!(info["schema"]["version"], 1, "the schema was registered");
    assert_eq!(created.1["resourceId"], "lkc-1:orders");
    // Listed by resource name (any namespace, or this one), by id and by subject.
    for path in [
        "/associations/resources/-/orders",
        "/associations/resources/lkc-1/orders?associationType=value",
        "/associations/resources/lkc-1:orders",
        "/associations/subjects/orders-value",
    ] {
        let (status, list) = s.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{path}: {list}");
        assert_eq!(list[0]["subject"], "orders-value");
        assert_eq!(list[0]["associationType"], "value");
        assert_eq!(list[0]["resourceName"], "orders");
        assert!(list[0]["guid"].is_string());
    }
    assert_eq!(
        s.get("/associations/resources/-/orders?associationType=key")
            .await,
        (200, json!([]))
    );
    assert_eq!(
        s.get("/associations/resources/other-ns/orders").await,
        (200, json!([]))
    );
    // The same type again: 40911.
    let again = s
        .post(
            "/associations",
            &request(
                "orders",
                &json!([{"subject": "orders-value-2", "schema": {"schema": VALUE}}]),
            ),
        )
        .await;
    assert_error(&again, 409, 40911);
    // A subject without versions, and no schema to register: not found.
    let missing = s
        .post(
            "/associations",
            &request(
                "orders",
                &json!([{"subject": "nothing-here", "associationType": "key"}]),
            ),
        )
        .await;
    assert_error(&missing, 404, 40401);
    // Malformed: 42212.
    for bad in [
        json!({"resourceNamespace": "lkc-1", "associations": [{"subject": "x"}]}),
        request("orders", &json!([])),
        request(
            "orders",
            &json!([{"subject": "x", "associationType": "middle"}]),
        ),
        request("orders", &json!([{"associationType": "key"}])),
    ] {
        assert_error(&s.post("/associations", &bad).await, 422, 42212);
    }
    s.stop().await;
}
both_backends!(create_list_and_conflict);

async fn update_freeze_and_batch(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("pay-key", "AVRO", "\"string\"").await;
    let created = s
        .post(
            "/associations",
            &request(
                "pay",
                &json!([{"subject": "pay-key", "associationType": "key", "lifecycle": "WEAK"}]),
            ),
        )
        .await;
    assert_eq!(created.0, 200, "{created:?}");
    // Updating a type the resource has not: 40413.
    assert_error(
        &s.put(
            "/associations",
            &request(
                "pay",
                &json!([{"associationType": "value", "subject": "pay-key"}]),
            ),
        )
        .await,
        404,
        40413,
    );
    // Freeze it; then it cannot change or go.
    let frozen = s
        .put(
            "/associations",
            &request("pay", &json!([{"associationType": "key", "frozen": true}])),
        )
        .await;
    assert_eq!(frozen.0, 200, "{frozen:?}");
    assert_eq!(frozen.1["associations"][0]["subject"], "pay-key");
    assert_eq!(frozen.1["associations"][0]["lifecycle"], "WEAK");
    assert_error(
        &s.put(
            "/associations",
            &request(
                "pay",
                &json!([{"associationType": "key", "lifecycle": "STRONG"}]),
            ),
        )
        .await,
        409,
        40913,
    );
    assert_error(
        &s.delete("/associations/resources/lkc-1:pay").await,
        409,
        40913,
    );
    // A batch answers each request: one created, one refused.
    let (status, batch) = s
        .post(
            "/associations:batchCreate",
            &json!({"requests": [
                request("ship", &json!([{"subject": "ship-value", "schema": {"schema": VALUE}}])),
                request("pay", &json!([{"subject": "pay-key", "associationType": "key"}])),
            ]}),
        )
        .await;
    assert_eq!(status, 207, "{batch}");
    assert_eq!(batch["results"][0]["result"]["resourceName"], "ship");
    assert_eq!(batch["results"][1]["error"]["error_code"], 40911);
    let (status, batch) = s
        .post(
            "/associations:batchUpdate",
            &json!({"requests": [request("ship", &json!([{"associationType": "value", "lifecycle": "WEAK"}]))]}),
        )
        .await;
    assert_eq!(status, 207);
    assert_eq!(
        batch["results"][0]["result"]["associations"][0]["lifecycle"],
        "WEAK"
    );
    // dryRun checks without writing.
    let dry = s
        .post(
            "/associations?dryRun=true",
            &request(
                "dry",
                &json!([{"subject": "dry-value", "schema": {"schema": VALUE}}]),
            ),
        )
        .await;
    assert_eq!(dry.0, 200);
    assert_eq!(s.get("/associations/resources/-/dry").await.1, json!([]));
    assert_error(&s.get("/subjects/dry-value/versions").await, 404, 40401);
    s.stop().await;
}
both_backends!(update_freeze_and_batch);

async fn deletes_and_lifecycles(backend: Backend) {
    let s = TestServer::start(backend).await;
    let strong = s
        .post(
            "/associations",
            &request(
                "t",
                &json!([
                    {"subject": "t-value", "associationType": "value", "schema": {"schema": VALUE}},
                    {"subject": "t-key", "associationType": "key", "lifecycle": "WEAK", "schema": {"schema": "\"string\""}}
                ]),
            ),
        )
        .await;
    assert_eq!(strong.0, 200, "{strong:?}");
    // A strongly associated subject cannot be strongly associated elsewhere.
    assert_error(
        &s.post(
            "/associations",
            &request("t2", &json!([{"subject": "t-value"}])),
        )
        .await,
        409,
        40911,
    );
    let r = s
        .client
        .delete(s.at(
            "/associations/resources/lkc-1:t?cascadeLifecycle=true&associationType=value&associationType=key",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    // The STRONG one took its subject with it; the WEAK one's stays.
    assert_error(&s.get("/subjects/t-value/versions").await, 404, 40401);
    assert_eq!(s.get("/subjects/t-key/versions").await, (200, json!([1])));
    assert_eq!(s.get("/associations/resources/-/t").await.1, json!([]));
    assert_error(
        &s.delete("/associations/resources/lkc-1:t").await,
        404,
        40413,
    );
    s.stop().await;
}
both_backends!(deletes_and_lifecycles);
