//! `GET /schemas/ids/{id}/validator.mjs` and `/subjects/{s}/versions/{v}/validator.mjs` against
//! both backends: the module is served as JavaScript with the schema's caching, loads in Node,
//! and answers what `POST /schemas/ids/{id}/validate` answers; schemas it cannot serve get a
//! Confluent-format 422.

mod common;

use std::process::Command;

use common::{Backend, TestServer, assert_error};
use serde_json::{Value, json};

const ADDRESS: &str = r#"{"type":"object","properties":{"city":{"type":"string","minLength":2}},"required":["city"]}"#;
const PERSON: &str = r#"{"type":"object","properties":{"name":{"type":"string","pattern":"^[A-Z]"},"age":{"type":"integer","minimum":0},"home":{"$ref":"address.json"}},"required":["name"],"additionalProperties":false}"#;

/// Runs `module` in Node on each datum: `[{valid, errors}]`.
fn run_module(module: &str, data: &[Value]) -> Vec<Value> {
    // A directory of its own: the two backends' tests run at once in this process.
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    std::fs::write(dir.join("validator.mjs"), module).unwrap();
    let script = "import { isValid, validate } from './validator.mjs'\n\
        const data = JSON.parse(process.argv[2])\n\
        process.stdout.write(JSON.stringify(data.map((d) => ({ valid: isValid(d), errors: validate(d) }))))\n";
    std::fs::write(dir.join("run.mjs"), script).unwrap();
    let out = Command::new("node")
        .arg(dir.join("run.mjs"))
        .arg(Value::from(data.to_vec()).to_string())
        .output()
        .expect("node runs");
    drop(temp);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn served_module_matches_the_registry(backend: Backend) {
    let s = TestServer::start(backend).await;
    s.register("address", "JSON", ADDRESS).await;
    let (status, body) = s
        .post(
            "/subjects/person/versions",
            &json!({"schemaType": "JSON", "schema": PERSON,
                    "references": [{"name": "address.json", "subject": "address", "version": 1}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_i64().unwrap();
    let path = format!("/schemas/ids/{id}/validator.mjs");
    let response = s.client.get(s.at(&path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/javascript; charset=utf-8");
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let module = response.text().await.unwrap();
    assert!(module.contains("export function isValid"), "{module}");
    let again = s
        .client
        .get(s.at(&path))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let data = [
        json!({"name": "Ada", "age": 36, "home": {"city": "London"}}),
        json!({"name": "ada", "age": -1, "home": {"city": "L"}, "extra": true}),
        json!({"home": {}}),
        json!([1, 2]),
    ];
    let ran = run_module(&module, &data);
    for (datum, got) in data.iter().zip(&ran) {
        let (status, answer) = s.post(&format!("/schemas/ids/{id}/validate"), datum).await;
        assert_eq!(status, 200, "{answer}");
        let expected = &answer["results"][0];
        assert_eq!(
            got["valid"], expected["valid"],
            "{datum}: {got} vs {answer}"
        );
        let errors = expected.get("errors").cloned().unwrap_or(json!([]));
        assert_eq!(got["errors"], errors, "{datum}: {got} vs {answer}");
    }
    assert_eq!(ran[0]["valid"], true);
    assert_eq!(ran[1]["errors"].as_array().unwrap().len(), 4, "{}", ran[1]);

    // By version: immutable for a number, revalidated through `latest`; the same module.
    let by_version = s
        .client
        .get(s.at("/subjects/person/versions/1/validator.mjs"))
        .send()
        .await
        .unwrap();
    assert!(
        by_version.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(by_version.text().await.unwrap(), module);
    let latest = s
        .client
        .get(s.at("/subjects/person/versions/latest/validator.mjs"))
        .send()
        .await
        .unwrap();
    assert!(
        !latest.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(latest.text().await.unwrap(), module);
    s.stop().await;
}
both_backends!(served_module_matches_the_registry);

async fn schemas_without_a_module_are_refused(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (avro, _) = s
        .register(
            "avro",
            "AVRO",
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}"#,
        )
        .await;
    let got = s.get(&format!("/schemas/ids/{avro}/validator.mjs")).await;
    assert_error(&got, 422, 422);
    assert!(
        got.1["message"].as_str().unwrap().contains("JSON Schema"),
        "{}",
        got.1
    );
    let (open, _) = s
        .register(
            "open",
            "JSON",
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":true},"unevaluatedProperties":false}"#,
        )
        .await;
    let got = s.get(&format!("/schemas/ids/{open}/validator.mjs")).await;
    assert_error(&got, 422, 422);
    let message = got.1["message"].as_str().unwrap();
    assert!(message.contains("unevaluatedProperties"), "{message}");
    assert!(message.contains("/validate"), "{message}");
    assert_error(&s.get("/schemas/ids/99999/validator.mjs").await, 404, 40403);
    assert_error(
        &s.get("/subjects/nobody/versions/1/validator.mjs").await,
        404,
        40401,
    );
    // A malformed id is answered as for the schema's other representations.
    assert_eq!(
        s.get("/schemas/ids/x/validator.mjs").await,
        s.get("/schemas/ids/x/schema").await
    );
    s.stop().await;
}
both_backends!(schemas_without_a_module_are_refused);
