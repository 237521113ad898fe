//! `/admin`: the edges that receive invalidations (list with delivery state, add, remove) and
//! API keys (create, list, revoke).

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::Actor;
use super::extract::{Body, Query};
use super::respond::{ok, written};
use super::{ApiError, AppState};
use crate::service::{Role, ServiceError};

#[derive(Debug, Deserialize)]
pub struct NewKeyRequest {
    role: String,
    #[serde(default)]
    name: String,
}

/// Creates a key; the answer holds the key itself, which is shown only this once.
pub async fn create_key(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(req): Body<NewKeyRequest>,
) -> Result<Response, ApiError> {
    let role: Role = req.role.parse().map_err(ServiceError::Invalid)?;
    let done = state.registry.create_key(role, &req.name, &actor).await?;
    let key = &done.value;
    let body = json!({
        "id": key.record.id,
        "key": key.key,
        "role": key.record.role,
        "name": key.record.name,
        "created_ms": key.record.created_ms,
    });
    Ok(written(&done, &body))
}

/// Every key without its secret.
pub async fn list_keys(State(state): State<AppState>) -> Result<Response, ApiError> {
    let keys = state.registry.keys().await?;
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

pub async fn revoke_key(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let done = state.registry.revoke_key(&id, &actor).await?;
    Ok(written(&done, &json!({"id": id})))
}

/// Each edge with its cursor, its lag in events and in seconds, and its last error.
pub async fn list_edges(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(ok(&state.registry.edges().await?))
}

#[derive(Debug, Deserialize)]
pub struct EdgeUrl {
    url: String,
}

#[derive(Debug, Deserialize)]
pub struct NewEdge {
    url: String,
    /// Its own invalidation secret (else the server's).
    #[serde(default)]
    secret: Option<String>,
}

pub async fn add_edge(
    State(state): State<AppState>,
    Body(edge): Body<NewEdge>,
) -> Result<Response, ApiError> {
    state
        .registry
        .add_edge(&edge.url, edge.secret.as_deref())
        .await?;
    Ok(ok(&json!({"url": edge.url})))
}

pub async fn remove_edge(
    State(state): State<AppState>,
    Query(edge): Query<EdgeUrl>,
) -> Result<Response, ApiError> {
    state.registry.remove_edge(&edge.url).await?;
    Ok(ok(&json!({"url": edge.url})))
}
