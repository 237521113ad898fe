//! The small endpoints: `/`, `/v1/metadata/version`, `/contexts`, `/health`, `/ready`,
//! `/metrics` and `/openapi.json`.
//! Only the default context `.` exists: contexts (multi-tenant namespaces) are not supported yet.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use super::{ApiError, AppState, json, ok};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { ok(&json!({})) }))
        .route("/v1/metadata/version", get(|| async { ok(&json!({"version": env!("CARGO_PKG_VERSION"), "commitId": "", "product": "llm-schema-registry"})) }))
        .route("/contexts", get(|| async { ok(&["."]) }))
        .route("/health", get(|| async { ok(&json!({"status": "UP"})) }))
        .route("/ready", get(ready))
        .route("/metrics", get(prometheus))
        .route("/openapi.json", get(openapi))
}

/// The OpenAPI document of this API (`origin/api/openapi.json`, checked against the routes by
/// `origin/tests/openapi.rs`).
pub const OPENAPI: &str = include_str!("../../api/openapi.json");

async fn openapi() -> Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

/// Prometheus text format; gauges read at scrape time are set here.
async fn prometheus(State(state): State<AppState>) -> Response {
    use axum::response::IntoResponse;
    let registry = &state.registry;
    let (open, idle) = registry.store.pool_stats();
    let (open, idle) = (f64::from(open), idle as f64);
    metrics::gauge!("registry_db_pool_connections", "state" => "open").set(open);
    metrics::gauge!("registry_db_pool_connections", "state" => "idle").set(idle);
    let in_use = (open - idle).max(0.0);
    metrics::gauge!("registry_db_pool_connections", "state" => "in_use").set(in_use);
    // Store calls beyond the connections in use are waiting for one (process-wide).
    let calls = crate::store::calls_in_flight() as f64;
    metrics::gauge!("registry_db_pool_connections", "state" => "waiting")
        .set((calls - in_use).max(0.0));
    metrics::gauge!("registry_cache_entries").set(registry.cached_entries() as f64);
    metrics::gauge!("registry_cache_bytes").set(registry.cached_bytes().await as f64);
    crate::telemetry::collect_process();
    if let Ok(edges) = registry.store.edges().await
        && let Ok(head) = registry.store.max_event_seq().await
    {
        for edge in edges {
            metrics::gauge!("registry_outbox_lag_events", "edge" => edge.url)
                .set((head - edge.cursor).max(0) as f64);
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
async fn ready(State(state): State<AppState>) -> Result<Response, ApiError> {
    match state.registry.store.ping().await {
        Ok(()) => Ok(json(
            StatusCode::OK,
            &json!({"status": "READY", "backend": state.registry.store.backend()}),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            Err(ApiError::Unavailable(
                registry_core::api::codes::STORE_ERROR,
                "The database is unavailable".into(),
            ))
        }
    }
}
