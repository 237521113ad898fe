//! The small endpoints: `/`, `/v1/metadata/version`, `/health`, `/ready`, `/metrics`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::respond::{json, ok};
use super::{ApiError, AppState};

pub async fn root() -> Response {
    ok(&json!({}))
}

pub async fn server_version() -> Response {
    ok(
        &json!({"version": env!("CARGO_PKG_VERSION"), "commitId": "", "product": "llm-schema-registry"}),
    )
}

/// Confluent's `ServerClusterId`: the Kafka cluster and the registry group; this registry
/// runs without Kafka, so both are empty, as Confluent's own tests see them.
pub async fn cluster_id() -> Response {
    ok(&json!({
        "scope": {"path": [], "clusters": {"kafka-cluster": "", "schema-registry-cluster": ""}},
        "id": ""
    }))
}

/// Confluent's `SchemaRegistryDeployment`; no attributes (it names none for open source).
pub async fn deployment() -> Response {
    ok(&json!({"attributes": []}))
}

pub async fn health() -> Response {
    ok(&json!({"status": "UP"}))
}

/// Prometheus text format; gauges read at scrape time are set here.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let registry = &state.registry;
    let (open, idle) = registry.db.pool_stats();
    let (open, idle) = (f64::from(open), idle as f64);
    metrics::gauge!("registry_db_pool_connections", "state" => "open").set(open);
    metrics::gauge!("registry_db_pool_connections", "state" => "idle").set(idle);
    let in_use = (open - idle).max(0.0);
    metrics::gauge!("registry_db_pool_connections", "state" => "in_use").set(in_use);
    // Store calls beyond the connections in use are waiting for one (process-wide).
    let calls = crate::store::calls_in_flight() as f64;
    metrics::gauge!("registry_db_pool_connections", "state" => "waiting")
        .set((calls - in_use).max(0.0));
    metrics::gauge!("registry_cache_entries").set(registry.cache.entries() as f64);
    metrics::gauge!("registry_cache_bytes").set(registry.cache.bytes().await as f64);
    crate::telemetry::collect_process();
    if let Ok(edges) = registry.edges().await {
        for edge in edges {
            metrics::gauge!("registry_outbox_lag_events", "edge" => edge.url)
                .set(edge.lag_events as f64);
        }
    }
    let body = crate::telemetry::handle().render();
    (
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    )
        .into_response()
}

/// Ready when the database answers.
pub async fn ready(State(state): State<AppState>) -> Result<Response, ApiError> {
    match state.registry.ping().await {
        Ok(()) => Ok(json(
            StatusCode::OK,
            &json!({"status": "READY", "backend": state.registry.db.backend()}),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            Err(e.into())
        }
    }
}
