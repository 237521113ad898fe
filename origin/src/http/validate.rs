//! Validation of payloads against a registered schema (an extension of the Confluent API):
//! `POST /subjects/{s}/versions/{v}/validate` and `POST /schemas/ids/{id}/validate`, with one
//! JSON payload or `{"payloads": [...]}` as the body.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Value;

use super::extract::{IdQuery, Query, SizedBody, parse_id, parse_version};
use super::respond::ok;
use super::{ApiError, AppState};

pub async fn by_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    SizedBody(body, bytes): SizedBody<Value>,
) -> Result<Response, ApiError> {
    let answer = state
        .registry
        .validate_version(&subject, parse_version(&version)?, body, bytes)
        .await?;
    Ok(ok(&answer))
}

pub async fn by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<IdQuery>,
    SizedBody(body, bytes): SizedBody<Value>,
) -> Result<Response, ApiError> {
    let row = state
        .registry
        .row_of(parse_id(&id)?, q.subject.as_deref())
        .await?;
    let answer = state.registry.validate_id(row, body, bytes).await?;
    Ok(ok(&answer))
}
