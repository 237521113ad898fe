//! Finding schemas: `GET /search`, ranked full text over subject names, schema text, record
//! and field names, docs and metadata tags.

use axum::extract::State;
use axum::response::Response;
use registry_core::SchemaType;
use serde::Deserialize;
use serde_json::json;

use super::extract::{Query, bounded, page_limit};
use super::respond::ok;
use super::{ApiError, AppState};
use crate::service::ServiceError;
use crate::store::SearchQuery;

/// Hits per page unless `limit` says otherwise, and the most a page may have.
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 1000;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    schema_type: String,
    #[serde(default)]
    subject_prefix: String,
    #[serde(default)]
    tag: String,
    offset: Option<i64>,
    limit: Option<i64>,
}

fn unprocessable(message: String) -> ApiError {
    ServiceError::Invalid(message).into()
}

pub async fn search(
    State(state): State<AppState>,
    Query(p): Query<SearchParams>,
) -> Result<Response, ApiError> {
    let limit = page_limit(p.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let offset = p.offset.unwrap_or(0);
    if offset < 0 {
        return Err(unprocessable(format!(
            "offset must not be negative, not {offset}"
        )));
    }
    let schema_type = if p.schema_type.is_empty() {
        None
    } else {
        let ty: SchemaType = p
            .schema_type
            .to_ascii_uppercase()
            .parse()
            .map_err(|_| unprocessable(format!("unknown schema type {}", p.schema_type)))?;
        Some(ty)
    };
    if p.q.len() > 1024 {
        return Err(unprocessable("the query is longer than 1024 bytes".into()));
    }
    bounded("subjectPrefix", &p.subject_prefix)?;
    bounded("tag", &p.tag)?;
    let query = SearchQuery {
        text: p.q,
        schema_type,
        subject_prefix: p.subject_prefix,
        tag: p.tag,
        offset,
        limit,
    };
    let page = state.registry.search(&query).await?;
    let results: Vec<_> = page
        .hits
        .iter()
        .map(|h| {
            json!({
                "subject": h.subject,
                "version": h.version,
                "id": h.id,
                "schemaType": h.schema_type,
                "tags": h.tags,
                "score": h.score,
            })
        })
        .collect();
    Ok(ok(&json!({
        "query": query.text,
        "total": page.total,
        "offset": offset,
        "limit": limit,
        "results": results,
    })))
}
