//! LLM contracts over HTTP, on both backends: a version's export per provider (cached like the
//! version, 422 with diagnostics when it cannot fit), the lint of a draft, the profiles, a
//! subject's `llmProfiles` refusing what does not fit, and model-output validation.

mod common;

use common::{Backend, TestServer, assert_error};
use serde_json::{Value, json};

fn order_schema() -> Value {
    json!({
        "title": "Order",
        "description": "An order as the model extracts it",
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "note": {"type": "string", "maxLength": 200},
            "lines": {"type": "array", "items": {"$ref": "#/definitions/Line"}}
        },
        "required": ["id"],
        "definitions": {"Line": {"type": "object", "properties": {"sku": {"type": "string"}}, "required": ["sku"]}}
    })
}

/// A 422 (42213) that says which profile and lists the diagnostics.
fn assert_does_not_fit(got: &(u16, Value), profile: &str) {
    assert_eq!(
        (got.0, got.1["error_code"].clone()),
        (422, json!(42213)),
        "{}",
        got.1
    );
    assert!(
        got.1["message"].as_str().unwrap().contains(profile),
        "{}",
        got.1
    );
    assert!(!got.1["diagnostics"].as_array().unwrap().is_empty());
}

async fn register_json(s: &TestServer, subject: &str, schema: &Value) -> (u16, Value) {
    s.post(
        &format!("/subjects/{subject}/versions"),
        &json!({"schemaType": "JSON", "schema": schema.to_string()}),
    )
    .await
}

async fn exports(backend: Backend) {
    let s = TestServer::start(backend).await;
    assert_eq!(
        register_json(&s, "orders-value", &order_schema()).await.0,
        200
    );
    let (status, rf) = s.get("/subjects/orders-value/versions/1/llm/openai").await;
    assert_eq!(status, 200, "{rf}");
    assert_eq!(rf["type"], "json_schema");
    assert_eq!(rf["json_schema"]["name"], "Order");
    assert_eq!(rf["json_schema"]["strict"], true);
    let schema = &rf["json_schema"]["schema"];
    assert_eq!(schema["required"], json!(["id", "note", "lines"]));
    assert_eq!(schema["$defs"]["Line"]["additionalProperties"], false);
    let (_, tool) = s
        .get("/subjects/orders-value/versions/latest/llm/openai?as=tool&name=record_order")
        .await;
    assert_eq!(tool["function"]["name"], "record_order");
    assert_eq!(tool["function"]["parameters"], *schema);
    let (_, anthropic) = s
        .get("/subjects/orders-value/versions/1/llm/anthropic?as=tool")
        .await;
    assert_eq!(
        anthropic["input_schema"]["properties"]["note"]["description"],
        "(maxLength: 200)"
    );
    assert_eq!(anthropic["strict"], true);
    let (_, gemini) = s
        .get("/subjects/orders-value/versions/1/llm/gemini-schema")
        .await;
    assert_eq!(
        gemini["responseSchema"]["properties"]["lines"]["items"]["type"],
        "OBJECT"
    );
    let (_, mcp) = s
        .get("/subjects/orders-value/versions/1/llm/mcp?as=tool")
        .await;
    assert_eq!(mcp["inputSchema"], order_schema());
    let (_, verbose) = s
        .get("/subjects/orders-value/versions/1/llm/openai?verbose=true")
        .await;
    assert!(
        verbose["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["warning"] == true)
    );
    // A numbered version's export is immutable, like the version.
    let r = s
        .client
        .get(s.at("/subjects/orders-value/versions/1/llm/openai"))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = r.headers()["etag"].clone();
    let again = s
        .client
        .get(s.at("/subjects/orders-value/versions/1/llm/openai"))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    // What cannot fit: a map, for OpenAI; the diagnostics say where and why.
    let map = json!({"type": "object", "properties": {"attrs": {"type": "object", "additionalProperties": {"type": "string"}}}});
    assert_eq!(register_json(&s, "attrs", &map).await.0, 200);
    let refused = s.get("/subjects/attrs/versions/1/llm/openai").await;
    assert_does_not_fit(&refused, "openai-strict");
    assert_eq!(refused.1["diagnostics"][0]["rule"], "free-form");
    assert_eq!(refused.1["diagnostics"][0]["path"], "/properties/attrs");
    assert_eq!(
        s.get("/subjects/attrs/versions/1/llm/gemini").await.0,
        200,
        "Gemini takes maps"
    );
    assert_error(
        &s.get("/subjects/attrs/versions/1/llm/nope").await,
        404,
        404,
    );
    assert_error(
        &s.get("/subjects/attrs/versions/1/llm/openai?as=poem").await,
        422,
        422,
    );
    assert_error(
        &s.get("/subjects/missing/versions/1/llm/openai").await,
        404,
        40401,
    );
    s.register(
        "avro",
        "AVRO",
        r#"{"type":"record","name":"R","fields":[]}"#,
    )
    .await;
    assert_error(
        &s.get("/subjects/avro/versions/1/llm/openai").await,
        422,
        422,
    );
    s.stop().await;
}
both_backends!(exports);

async fn lint_and_profiles(backend: Backend) {
    let s = TestServer::start(backend).await;
    let draft = json!({"type": "object", "properties": {"a": {"type": "string", "format": "uri"}}});
    let (status, body) = s.post("/llm/lint?provider=openai", &draft).await;
    assert_eq!(status, 200, "{body}");
    let result = &body["results"][0];
    assert_eq!(
        (result["profile"].clone(), result["fits"].clone()),
        (json!("openai-strict"), json!(false))
    );
    let mut rules: Vec<&str> = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    rules.sort_unstable();
    assert_eq!(rules, ["all-required", "closed-object", "format"]);
    // The registration's shape works too; no provider lints against every profile.
    let (_, all) = s
        .post("/llm/lint", &json!({"schema": draft.to_string()}))
        .await;
    let fits: Vec<(String, bool)> = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["profile"].as_str().unwrap().to_owned(),
                r["fits"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(fits.len(), registry_core::llm::PROFILES.len());
    assert!(
        fits.contains(&("mcp".into(), true)) && fits.contains(&("anthropic-strict".into(), false))
    );
    assert_error(&s.post("/llm/lint?provider=x", &draft).await, 404, 404);
    assert_error(
        &s.post("/llm/lint", &json!({"schema": "{not json"})).await,
        422,
        42201,
    );
    let (_, profiles) = s.get("/llm/profiles").await;
    let openai = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "openai-strict")
        .unwrap();
    assert!(
        openai["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["source"].as_str().unwrap().starts_with("https://"))
    );
    s.stop().await;
}
both_backends!(lint_and_profiles);

async fn llm_profiles_config(backend: Backend) {
    let s = TestServer::start(backend).await;
    let (status, _) = s
        .put(
            "/config/tools",
            &json!({"llmProfiles": ["openai-strict", "anthropic-strict"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        s.get("/config/tools").await.1["llmProfiles"],
        json!(["openai-strict", "anthropic-strict"])
    );
    let loose = json!({"type": "object", "properties": {"a": {"type": "string"}}});
    let refused = register_json(&s, "tools", &loose).await;
    assert_does_not_fit(&refused, "openai-strict");
    let strict = json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"], "additionalProperties": false});
    assert_eq!(register_json(&s, "tools", &strict).await.0, 200);
    assert_error(
        &s.put("/config/tools", &json!({"llmProfiles": ["gpt-9"]}))
            .await,
        422,
        422,
    );
    assert_error(&s.get("/subjects/tools/versions/2").await, 404, 40402);
    s.stop().await;
}
both_backends!(llm_profiles_config);

async fn model_output_validation(backend: Backend) {
    let s = TestServer::start(backend).await;
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}, "required": ["city", "days"], "additionalProperties": false});
    let (_, reg) = register_json(&s, "forecast", &schema).await;
    let chatty = "Sure! Here you go:\n```json\n{\"city\": \"Lyon\", \"days\": \"3\"}\n```";
    let (status, body) = s
        .post(
            "/subjects/forecast/versions/1/validate",
            &json!({"output": chatty}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["valid"], false);
    assert_eq!(body["output"]["found"], "fenced");
    assert_eq!(body["output"]["start"]["line"], 3);
    assert_eq!(body["value"], json!({"city": "Lyon", "days": "3"}));
    assert!(body["repair"].as_str().unwrap().contains("at /days"));
    let cut = "{\"city\": \"Lyon\", \"da";
    let (_, body) = s
        .post(
            &format!("/schemas/ids/{}/validate", reg["id"]),
            &json!({"output": cut}),
        )
        .await;
    assert_eq!(
        (
            body["output"]["truncated"].clone(),
            body["output"]["problem"]["at"]["offset"].clone()
        ),
        (json!(true), json!(20))
    );
    let good = "{\"city\": \"Lyon\", \"days\": 3}";
    let (_, body) = s
        .post(
            "/subjects/forecast/versions/latest/validate",
            &json!({"output": good}),
        )
        .await;
    assert_eq!(body["results"][0]["valid"], true);
    assert!(body.get("repair").is_none());
    // Payloads as before; a literal {"output": ...} payload goes in `payloads`.
    let (_, body) = s
        .post(
            "/subjects/forecast/versions/1/validate",
            &json!({"payloads": [{"output": "x"}]}),
        )
        .await;
    assert_eq!(body["results"][0]["valid"], false);
    assert!(body.get("output").is_none());
    s.stop().await;
}
both_backends!(model_output_validation);
