//! `/contexts`: the contexts, and the deletion of an empty one. Requests under
//! `/contexts/{context}/...` are the plain API's, rewritten before routing (`context_path.rs`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::extract::{Query, bounded};
use super::respond::{ok, page};
use super::{ApiError, AppState};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextsQuery {
    context_prefix: Option<String>,
    offset: Option<usize>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ContextsQuery>,
) -> Result<Response, ApiError> {
    let prefix = bounded(
        "contextPrefix",
        q.context_prefix.as_deref().unwrap_or_default(),
    )?;
    let contexts = state.registry.contexts(prefix).await?;
    Ok(ok(&page(contexts, q.offset, q.limit)))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(context): Path<String>,
) -> Result<Response, ApiError> {
    state.registry.delete_context(&context).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
