//! The OpenAPI document (`origin/api/openapi.json`, served at `/openapi.json`) matches the
//! router: the same route templates as the source declares, and for each path exactly the
//! methods the server answers (others get 405).

mod common;

use std::collections::BTreeSet;

use common::{Backend, TestServer};
use serde_json::Value;

fn document() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/api/openapi.json"))
        .expect("openapi.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Every `.route("...")` template in the HTTP sources.
fn source_routes() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http");
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("sources") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let quoted = rest.trim_start();
            if let Some(q) = quoted.strip_prefix('"') {
                // A catch-all `{*name}` is an ordinary `{name}` parameter to OpenAPI.
                out.insert(q[..q.find('"').expect("closing quote")].replace("{*", "{"));
            }
        }
    }
    out
}

#[test]
fn the_document_names_every_route_and_no_other() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.0.3");
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    assert_eq!(documented, source_routes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_exactly_the_documented_methods() {
    let s = TestServer::start(Backend::Sqlite).await;
    let served: Value = s
        .client
        .get(s.at("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let doc = document();
    assert_eq!(
        served, doc,
        "the server serves the document in the repository"
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        let concrete = path
            .replace("{subject}", "s")
            .replace("{version}", "1")
            .replace("{id}", "1");
        for method in ["get", "post", "put", "delete"] {
            let r = s
                .client
                .request(method.to_uppercase().parse().unwrap(), s.at(&concrete))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("request");
            let status = r.status().as_u16();
            if item.get(method).is_some() {
                assert_ne!(status, 405, "{method} {path} is documented but not served");
                let text = r.text().await.unwrap();
                assert!(
                    !text.contains("HTTP 404 Not Found"),
                    "{method} {path}: {text}"
                );
            } else {
                assert_eq!(status, 405, "{method} {path} is served but not documented");
            }
        }
    }
    s.stop().await;
}
