//! `/admin`: the edges that receive invalidations — list with delivery state, add, remove.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::json;

use super::extract::{Body, Query};
use super::{ApiError, AppState, json, ok};
use crate::auth::{self, Actor, Role};
use crate::store::now_ms;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/edges", get(list).post(add).delete(remove))
        .route("/admin/keys", get(list_keys).post(create_key))
        .route("/admin/keys/{id}", delete(revoke_key))
}

#[derive(Debug, Deserialize)]
struct NewKeyRequest {
    role: String,
    #[serde(default)]
    name: String,
}

/// Creates a key; the answer holds the key itself, which is shown only this once.
async fn create_key(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(req): Body<NewKeyRequest>,
) -> Result<Response, ApiError> {
    let role: Role = req.role.parse().map_err(|e: String| {
        ApiError::Unprocessable(registry_core::api::codes::UNPROCESSABLE, e)
    })?;
    let key = auth::create_key(state.registry.store.as_ref(), role, &req.name, &actor).await?;
    Ok(ok(&json!({
        "id": key.record.id,
        "key": key.key,
        "role": key.record.role,
        "name": key.record.name,
        "created_ms": key.record.created_ms,
    })))
}

/// Every key without its secret.
async fn list_keys(State(state): State<AppState>) -> Result<Response, ApiError> {
    let keys = state.registry.store.api_keys().await?;
    let out: Vec<_> = keys
        .into_iter()
        .map(|k| {
            json!({
                "id": k.id,
                "name": k.name,
                "role": k.role,
                "created_ms": k.created_ms,
                "revoked_ms": k.revoked_ms,
            })
        })
        .collect();
    Ok(ok(&out))
}

async fn revoke_key(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let revoked = state
        .registry
        .store
        .revoke_api_key(&id, now_ms(), &actor)
        .await?;
    state.access.auth.forget(&id).await;
    if revoked {
        Ok(ok(&json!({"id": id})))
    } else {
        Err(ApiError::NotFound(
            registry_core::api::codes::NOT_FOUND,
            format!("no live key {id}"),
        ))
    }
}

/// Each edge with its cursor, its lag in events and in seconds (age of the oldest event it has
/// not acknowledged), and its last error.
async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let store = &state.registry.store;
    let head = store.max_event_seq().await?;
    let mut out = Vec::new();
    for edge in store.edges().await? {
        let lag_events = (head - edge.cursor).max(0);
        let lag_seconds = if lag_events == 0 {
            0.0
        } else {
            store
                .event_time_ms(edge.cursor + 1)
                .await?
                .map_or(0.0, |t| (now_ms() - t).max(0) as f64 / 1000.0)
        };
        out.push(json!({
            "url": edge.url,
            "cursor": edge.cursor,
            "head": head,
            "lag_events": lag_events,
            "lag_seconds": lag_seconds,
            "last_error": edge.last_error,
            "last_attempt_ms": edge.last_attempt_ms,
            "last_success_ms": edge.last_success_ms,
        }));
    }
    Ok(ok(&out))
}

#[derive(Debug, Deserialize)]
struct EdgeUrl {
    url: String,
}

fn check_url(url: &str) -> Result<(), ApiError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(ApiError::Unprocessable(
            registry_core::api::codes::UNPROCESSABLE,
            format!("edge url must be http(s): {url}"),
        ))
    }
}

async fn add(
    State(state): State<AppState>,
    Body(edge): Body<EdgeUrl>,
) -> Result<Response, ApiError> {
    check_url(&edge.url)?;
    state
        .registry
        .store
        .add_edge(edge.url.trim_end_matches('/'))
        .await?;
    state.registry.wake.notify_one();
    Ok(json(StatusCode::OK, &json!({"url": edge.url})))
}

async fn remove(
    State(state): State<AppState>,
    Query(edge): Query<EdgeUrl>,
) -> Result<Response, ApiError> {
    if state
        .registry
        .store
        .remove_edge(edge.url.trim_end_matches('/'))
        .await?
    {
        Ok(ok(&json!({"url": edge.url})))
    } else {
        Err(ApiError::NotFound(
            registry_core::api::codes::NOT_FOUND,
            format!("no edge {}", edge.url),
        ))
    }
}
