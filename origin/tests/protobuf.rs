//! Protobuf over HTTP, against both backends: registration (text and base64 descriptors),
//! identity, imports as references, `format=serialized`, compatibility with Confluent's
//! difference kinds, validation of JSON and binary payloads, search.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Backend, TestServer, assert_error};
use prost::Message;
use serde_json::{Value, json};

const ORDER_V1: &str = "syntax = \"proto3\";\npackage shop;\n\n// An order placed by a customer.\nmessage Order {\n  string id = 1;\n  int32 quantity = 2;\n  Status status = 3;\n  enum Status { NEW = 0; PAID = 1; }\n}\n";

async fn proto(s: &TestServer, subject: &str, schema: &str, extra: Value) -> (u16, Value) {
    let mut body = json!({"schemaType": "PROTOBUF", "schema": schema});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    s.post(&format!("/subjects/{subject}/versions"), &body)
        .await
}

async fn registration_identity_and_serialized(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (_, types) = s.get("/schemas/types").await;
    assert!(types.as_array().unwrap().contains(&json!("PROTOBUF")));
    let (status, body) = proto(&s, "orders-value", ORDER_V1, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_i64().unwrap();
    // The same schema written differently: same id, with or without normalize.
    let respaced = "syntax = \"proto3\"; package shop;\nmessage Order {\n  string id = 1; int32 quantity = 2; .shop.Order.Status status = 3;\n  enum Status { NEW = 0; PAID = 1; }\n}";
    for normalize in ["false", "true"] {
        let (status, body) = s
            .post(
                &format!("/subjects/orders-value?normalize={normalize}"),
                &json!({"schemaType": "PROTOBUF", "schema": respaced}),
            )
            .await;
        assert_eq!((status, body["id"].as_i64()), (200, Some(id)), "{body}");
    }
    // The text is kept as registered, typed PROTOBUF.
    let (_, body) = s.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(body["schema"], ORDER_V1);
    assert_eq!(body["schemaType"], "PROTOBUF");
    assert_eq!(s.text(&format!("/schemas/ids/{id}/schema")).await, ORDER_V1);
    // Not JSON, so not under the JSON content type.
    let raw = s
        .client
        .get(s.at(&format!("/schemas/ids/{id}/schema")))
        .header("accept", "application/vnd.schemaregistry.v1+json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.headers()["content-type"], "text/plain; charset=utf-8");
    // format=serialized: the base64 FileDescriptorProto, which registers as the same schema.
    let (_, body) = s.get(&format!("/schemas/ids/{id}?format=serialized")).await;
    let serialized = body["schema"].as_str().unwrap().to_owned();
    let descriptor =
        prost_types::FileDescriptorProto::decode(STANDARD.decode(&serialized).unwrap().as_slice())
            .unwrap();
    assert_eq!(descriptor.package(), "shop");
    assert_eq!(descriptor.message_type[0].name(), "Order");
    let (_, body) = s
        .get("/subjects/orders-value/versions/1?format=serialized")
        .await;
    assert_eq!(body["schema"], serialized);
    let (status, body) = proto(&s, "from-descriptor", &serialized, json!({})).await;
    assert_eq!((status, body["id"].as_i64()), (200, Some(id)), "{body}");
    // A descriptor of new content is stored as the .proto text it prints as.
    let mut other = descriptor.clone();
    other.message_type[0].field[1].name = Some("count".into());
    let (status, body) = proto(
        &s,
        "shop2",
        &STANDARD.encode(other.encode_to_vec()),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let text = s.text(&format!("/schemas/ids/{}/schema", body["id"])).await;
    assert!(
        text.starts_with("syntax = \"proto3\";\npackage shop;\n"),
        "{text}"
    );
    assert!(
        text.contains("int32 count = 2 [json_name = \"quantity\"];"),
        "{text}"
    );
    // Errors say where, in Confluent's format.
    let (status, body) = proto(
        &s,
        "bad",
        "syntax = \"proto3\";\nmessage M {\n  strin x = 1;\n}",
        json!({}),
    )
    .await;
    assert_error(&(status, body.clone()), 422, 42201);
    assert!(
        body["message"].as_str().unwrap().contains("line 3"),
        "{body}"
    );
    let (status, body) = proto(
        &s,
        "bad",
        "syntax = \"proto3\"; import \"nowhere.proto\"; message M {}",
        json!({}),
    )
    .await;
    assert_error(&(status, body.clone()), 422, 42201);
    assert!(
        body["message"].as_str().unwrap().contains("nowhere.proto"),
        "{body}"
    );
    s.stop().await;
}
both_backends!(registration_identity_and_serialized);

async fn imports_are_references(backend: Backend) {
    let s = TestServer::start(backend).await;
    let money = "syntax = \"proto3\";\npackage common;\nmessage Money { string currency = 1; int64 units = 2; }\n";
    let (status, body) = proto(&s, "money.proto", money, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let invoice = "syntax = \"proto3\";\npackage billing;\nimport \"money.proto\";\nimport \"google/protobuf/timestamp.proto\";\nmessage Invoice {\n  common.Money total = 1;\n  google.protobuf.Timestamp issued = 2;\n}\n";
    let refs =
        json!({"references": [{"name": "money.proto", "subject": "money.proto", "version": 1}]});
    let (status, body) = proto(&s, "invoices-value", invoice, refs.clone()).await;
    assert_eq!(status, 200, "{body}");
    let invoice_id = body["id"].as_i64().unwrap();
    assert_eq!(
        s.get("/subjects/money.proto/versions/1/referencedby").await,
        (200, json!([invoice_id]))
    );
    assert_error(
        &s.delete("/subjects/money.proto/versions/1").await,
        422,
        42206,
    );
    // A change inside the dependency is found where it is used.
    let money2 = money.replace("int64 units", "string units");
    assert_eq!(
        s.put("/config/money.proto", &json!({"compatibility": "NONE"}))
            .await
            .0,
        200
    );
    let (status, _) = proto(&s, "money.proto", &money2, json!({})).await;
    assert_eq!(status, 200);
    let refs2 =
        json!({"references": [{"name": "money.proto", "subject": "money.proto", "version": 2}]});
    let mut body = json!({"schemaType": "PROTOBUF", "schema": invoice});
    body["references"] = refs2["references"].clone();
    let (status, answer) = s
        .post(
            "/compatibility/subjects/invoices-value/versions/latest?verbose=true",
            &body,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["is_compatible"], false, "{answer}");
    let messages = answer["messages"].to_string();
    assert!(messages.contains("#/Money/2"), "{messages}");
    assert!(messages.contains("#/Invoice/1"), "{messages}");
    // Validation follows the import.
    let (_, answer) = s
        .post(
            &format!("/schemas/ids/{invoice_id}/validate"),
            &json!({"payloads": [
                {"total": {"currency": "EUR", "units": "12"}, "issued": "2026-12-02T00:00:00Z"},
                {"total": {"currency": 1}}
            ]}),
        )
        .await;
    assert_eq!(answer["results"][0]["valid"], true, "{answer}");
    assert_eq!(
        answer["results"][1]["errors"][0]["instancePath"],
        "/total/currency"
    );
    s.stop().await;
}
both_backends!(imports_are_references);

async fn compatibility_levels_and_kinds(backend: Backend) {
    let s = TestServer::start(backend).await;
    proto(&s, "c", ORDER_V1, json!({})).await;
    let check = |schema: String| {
        let s = &s;
        async move {
            s.post(
                "/compatibility/subjects/c/versions/latest?verbose=true",
                &json!({"schemaType": "PROTOBUF", "schema": schema}),
            )
            .await
            .1
        }
    };
    // Adding and removing fields, renaming a field: compatible.
    let added = ORDER_V1.replace(
        "Status status = 3;",
        "Status status = 3;\n  string note = 4;",
    );
    assert_eq!(check(added.clone()).await["is_compatible"], true);
    let renamed = ORDER_V1.replace("int32 quantity", "int32 count");
    assert_eq!(check(renamed).await["is_compatible"], true);
    // A field's scalar kind changed: incompatible, with the kind and the path.
    let changed = ORDER_V1.replace("int32 quantity", "string quantity");
    let answer = check(changed.clone()).await;
    assert_eq!(answer["is_compatible"], false);
    let message = answer["messages"][0].as_str().unwrap();
    assert!(message.contains("#/Order/2"), "{message}");
    assert!(message.contains("SCALAR"), "{message}");
    let (status, body) = proto(&s, "c", &changed, json!({})).await;
    assert_error(&(status, body), 409, 40901);
    // Another schema type is a type change.
    let (_, answer) = s
        .post(
            "/compatibility/subjects/c/versions/1?verbose=true",
            &json!({"schemaType": "JSON", "schema": "{}"}),
        )
        .await;
    assert_eq!(answer["is_compatible"], false, "{answer}");
    // Under FORWARD the same rules run the other way; NONE lets anything through.
    assert_eq!(
        s.put("/config/c", &json!({"compatibility": "FORWARD"}))
            .await
            .0,
        200
    );
    let (status, _) = proto(&s, "c", &added, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(
        s.put("/config/c", &json!({"compatibility": "NONE"}))
            .await
            .0,
        200
    );
    let (status, _) = proto(&s, "c", &changed, json!({})).await;
    assert_eq!(status, 200);
    s.stop().await;
}
both_backends!(compatibility_levels_and_kinds);

async fn validation_and_search(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (_, body) = proto(&s, "orders-value", ORDER_V1, json!({})).await;
    let id = body["id"].as_i64().unwrap();
    let (_, answer) = s
        .post(
            &format!("/schemas/ids/{id}/validate"),
            &json!({"payloads": [
                {"id": "o1", "quantity": 2, "status": "PAID"},
                {"id": "o1", "quantity": "lots"},
                {"id": "o1", "status": "LOST"},
                {"unknown": 1},
                {"$message": "shop.Order", "$binary": STANDARD.encode([0x0a, 0x02, b'o', b'1', 0x10, 0x03])},
                {"$message": "shop.Order", "$binary": "CgJvMRD/"},
                {"$message": "shop.Nope", "$json": {}}
            ]}),
        )
        .await;
    let valid: Vec<bool> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["valid"].as_bool().unwrap())
        .collect();
    assert_eq!(
        valid,
        [true, false, false, false, true, false, false],
        "{answer}"
    );
    assert_eq!(
        answer["results"][1]["errors"][0]["instancePath"],
        "/quantity"
    );
    assert_eq!(answer["results"][2]["errors"][0]["instancePath"], "/status");
    // Tag edits are Avro's and JSON Schema's: a clear 42201 for a Protobuf version.
    let (status, body) = s
        .post(
            "/subjects/orders-value/versions/1/tags",
            &json!({"tagsToAdd": [{"entity": {"entityPath": "shop.Order.id", "entityType": "SR_FIELD"}, "tags": ["PII"]}]}),
        )
        .await;
    assert_error(&(status, body.clone()), 422, 42201);
    assert!(
        body["message"].as_str().unwrap().contains("PROTOBUF"),
        "{body}"
    );
    let (_, hits) = s.get("/search?q=quantity").await;
    assert!(hits.to_string().contains("orders-value"), "{hits}");
    let (_, hits) = s.get("/search?q=customer&type=PROTOBUF").await;
    assert!(
        hits.to_string().contains("orders-value"),
        "comments are docs: {hits}"
    );
    s.stop().await;
}
both_backends!(validation_and_search);

async fn reserved_fields_from_metadata_are_kept(backend: Backend) {
    let s = TestServer::start(backend).await;
    let reserved = |list: &str| json!({"metadata": {"properties": {"confluent:reserved": list}}});
    // The first version reserves `note`; a field of that name conflicts, at any level.
    assert_eq!(
        s.put("/config/r", &json!({"compatibility": "NONE"}))
            .await
            .0,
        200
    );
    let (status, body) = proto(&s, "r", ORDER_V1, reserved("note")).await;
    assert_eq!(status, 200, "{body}");
    let with_note = ORDER_V1.replace(
        "Status status = 3;",
        "Status status = 3;\n  string note = 4;",
    );
    let (status, body) = proto(&s, "r", &with_note, reserved("note")).await;
    assert_error(&(status, body.clone()), 409, 40901);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("conflicts with the reserved field note"),
        "{body}"
    );
    // Dropping a reserved field from the metadata is refused too.
    let (status, body) = proto(
        &s,
        "r",
        &with_note.replace("note", "memo"),
        reserved("other"),
    )
    .await;
    assert_error(&(status, body.clone()), 409, 40901);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("reserved field note removed"),
        "{body}"
    );
    // Keeping it reserved and not using it is fine; Avro top-level fields count the same way.
    let (status, body) = proto(
        &s,
        "r",
        &with_note.replace("note", "memo"),
        reserved("note,other"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let avro = r#"{"type":"record","name":"R","fields":[{"name":"secret","type":"string"}]}"#;
    let (status, body) = s
        .post(
            "/subjects/ra/versions",
            &json!({"schema": avro, "metadata": {"properties": {"confluent:reserved": "secret"}}}),
        )
        .await;
    assert_error(&(status, body), 409, 40901);
    s.stop().await;
}
both_backends!(reserved_fields_from_metadata_are_kept);
