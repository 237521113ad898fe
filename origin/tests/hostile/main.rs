//! Hostile input, as an attacker would send it: each attack gets its bounded, correct answer
//! while a concurrent `GET /schemas/ids/1` (and `/health`) keeps answering. Everything goes to
//! 127.0.0.1 and stops by itself.

#[path = "../common/mod.rs"]
mod common;
mod connections;
mod probe;
mod schemas;
mod writes;

use common::{Backend, TestServer};

/// A server with one schema (id 1) to probe, and fast limits for the slow-client attacks.
async fn server(
    backend: Backend,
    tweak: impl FnOnce(&mut registry_origin::server::ServerConfig),
) -> TestServer {
    let s = TestServer::start_with(backend, |c| {
        c.header_read_timeout_ms = 1_000;
        c.body_read_timeout_ms = 1_000;
        tweak(c);
    })
    .await;
    // Through the service, so it works whatever the server's auth settings.
    let input = registry_origin::service::RegisterInput {
        subject: "probe-value".into(),
        schema: registry_origin::service::SchemaInput {
            schema_type: registry_core::SchemaType::Avro,
            text: r#"{"type":"record","name":"P","fields":[{"name":"a","type":"int"}]}"#.into(),
            references: Vec::new(),
        },
        normalize: false,
        metadata: None,
        rule_set: None,
        import_id: None,
        import_version: None,
        actor: "test".into(),
        stamp: None,
    };
    let done = s.registry.register(&input).await.expect("probe schema");
    assert_eq!(done.value.id, 1, "the probe reads id 1");
    s
}
