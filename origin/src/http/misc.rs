//! The small endpoints: `/`, `/v1/metadata/version`, `/contexts`, `/health` and `/ready`.
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
