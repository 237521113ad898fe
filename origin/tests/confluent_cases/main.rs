//! Confluent's own REST tests as the reference for exact statuses and codes: the cases of
//! `RestApiTest` (confluentinc/schema-registry, `core/src/test/java/io/confluent/kafka/
//! schemaregistry/rest/RestApiTest.java`) that pin an answer, ported as one table. Each row names
//! the upstream test it comes from and replays its requests, in order, on a fresh registry (as
//! the upstream harness does, with the global level NONE). Where we differ on purpose, the row
//! says why (`differs`) and pins our answer instead; the `PROTOBUF` parts of these tests are
//! not ported (Protobuf is covered by `tests/protobuf.rs` and Confluent's Protobuf diff examples
//! in the core's conformance data), nor are the cases on configurable response headers (a
//! Confluent server property).

#[path = "../common/mod.rs"]
mod common;
mod deletion;
mod registration;
mod tags;

use common::{Backend, TestServer};
use serde_json::{Value, json};

/// What a step must answer.
enum Expect {
    Status(u16),
    /// A Confluent error: status and `error_code`.
    Error(u16, u64),
    /// 200 with exactly this body.
    Body(Value),
    /// 200 with this value at a JSON pointer.
    At(&'static str, Value),
}

struct Step {
    method: &'static str,
    path: String,
    body: Option<Value>,
    expect: Expect,
}

struct Case {
    upstream: &'static str,
    /// Why our answer differs from Confluent's, where it does on purpose.
    differs: Option<&'static str>,
    steps: Vec<Step>,
}

fn get(path: &str, expect: Expect) -> Step {
    Step {
        method: "GET",
        path: path.into(),
        body: None,
        expect,
    }
}
fn post(path: &str, body: Value, expect: Expect) -> Step {
    Step {
        method: "POST",
        path: path.into(),
        body: Some(body),
        expect,
    }
}
fn put(path: &str, body: Value, expect: Expect) -> Step {
    Step {
        method: "PUT",
        path: path.into(),
        body: Some(body),
        expect,
    }
}
fn del(path: &str, expect: Expect) -> Step {
    Step {
        method: "DELETE",
        path: path.into(),
        body: None,
        expect,
    }
}

/// Confluent's random test schema: a record `myrecord` with one string field `f{n}`.
fn rec(n: u32) -> String {
    format!(r#"{{"type":"record","name":"myrecord","fields":[{{"type":"string","name":"f{n}"}}]}}"#)
}
fn schema(text: &str) -> Value {
    json!({"schema": text})
}
/// Registers `text` under `subject`, expecting the id.
fn reg(subject: &str, text: &str, id: i64) -> Step {
    post(
        &format!("/subjects/{subject}/versions"),
        schema(text),
        Expect::At("/id", json!(id)),
    )
}
fn level(subject: Option<&str>, level: &str) -> Step {
    let path = subject.map_or("/config".to_owned(), |s| format!("/config/{s}"));
    put(&path, json!({"compatibility": level}), Expect::Status(200))
}
fn compatible(path: &str, text: &str, yes: bool) -> Step {
    post(path, schema(text), Expect::At("/is_compatible", json!(yes)))
}

const SUBRECORD: &str = r#"{"type":"record","name":"Subrecord","namespace":"otherns","fields":[{"name":"field2","type":"string"}]}"#;
const REFERRER: &str = r#"{"type":"record","name":"MyRecord","namespace":"ns","fields":[{"name":"field1","type":"otherns.Subrecord"}]}"#;
const STRING_F: &str =
    r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f"}]}"#;
const INT_F: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"int","name":"f"}]}"#;
const F_G_STRING: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f"},{"type":"string","name":"g","default":"d"}]}"#;
const F_G_INT: &str = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f"},{"type":"int","name":"g","default":0}]}"#;

fn cases() -> Vec<Case> {
    let mut all = registration::cases();
    all.extend(deletion::cases());
    all.extend(tags::cases());
    all
}

/// Why a step's answer is not what it must be, if it is not.
fn mismatch(expect: &Expect, status: u16, body: &Value) -> Option<String> {
    let ok = match expect {
        Expect::Status(s) => status == *s,
        Expect::Error(s, code) => status == *s && body["error_code"] == json!(code),
        Expect::Body(want) => status == 200 && body == want,
        Expect::At(pointer, want) => status == 200 && body.pointer(pointer) == Some(want),
    };
    (!ok).then(|| format!("got {status} {body}"))
}

async fn confluent_rest_api_cases(backend: Backend) {
    let mut failures = Vec::new();
    let all = cases();
    for case in &all {
        let s = TestServer::start(backend).await;
        // The upstream harness runs with the global level NONE.
        s.put("/config", &json!({"compatibility": "NONE"})).await;
        for (i, step) in case.steps.iter().enumerate() {
            let (status, body) = match step.method {
                "GET" => s.get(&step.path).await,
                "POST" => s.post(&step.path, step.body.as_ref().unwrap()).await,
                "PUT" => s.put(&step.path, step.body.as_ref().unwrap()).await,
                _ => s.delete(&step.path).await,
            };
            if let Some(why) = mismatch(&step.expect, status, &body) {
                failures.push(format!(
                    "{} step {} ({} {}): {why}",
                    case.upstream,
                    i + 1,
                    step.method,
                    step.path
                ));
                break;
            }
        }
        s.stop().await;
    }
    let differing = all.iter().filter(|c| c.differs.is_some()).count();
    println!(
        "Confluent RestApiTest cases: {} ported, {} pass, {differing} of them with a listed difference",
        all.len(),
        all.len() - failures.len()
    );
    for c in all.iter().filter(|c| c.differs.is_some()) {
        println!(
            "  differs: {}: {}",
            c.upstream,
            c.differs.unwrap_or_default()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
both_backends!(confluent_rest_api_cases);
