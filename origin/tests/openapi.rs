//! The OpenAPI document (served at `/openapi.json`, derived from the route table) names every
//! route of the table with its method and no other, and for each path the server answers
//! exactly the documented methods (others get 405).

mod common;

use std::collections::BTreeSet;

use common::{Backend, TestServer};
use registry_core::routes::ROUTES;
use serde_json::Value;

fn document() -> Value {
    registry_origin::http::openapi_document()
}

#[test]
fn the_document_names_every_route_and_no_other() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.0.3");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |m| (path.clone(), m.to_ascii_uppercase()))
        })
        .collect();
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.path.replace("{*", "{"), r.method.as_str().to_owned()))
        .collect();
    assert_eq!(documented, table);
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path}"
            );
            for param in op["parameters"].as_array().unwrap() {
                assert!(param["schema"].is_object(), "{method} {path}: {param}");
            }
        }
    }
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
