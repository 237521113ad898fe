//! Finding schemas: `GET /search` (ranked full text over subject names, schema text, record
//! and field names, docs and metadata tags) and Confluent's `GET /subjects/{subject}/metadata`
//! (the latest version whose metadata properties match).

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use registry_core::api::codes;
use serde::Deserialize;
use serde_json::json;

use super::extract::{DeletedQuery, Query, page_limit};
use super::{ApiError, AppState, ok, subject_version};
use crate::store::{Deleted, SearchQuery};

/// Hits per page unless `limit` says otherwise, and the most a page may have.
const DEFAULT_LIMIT: i64 = 20;
const MAX_LIMIT: i64 = 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/search", get(search))
        .route("/subjects/{subject}/metadata", get(by_metadata))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchParams {
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
    ApiError::Unprocessable(codes::UNPROCESSABLE, message)
}

async fn search(
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
        String::new()
    } else {
        let ty: registry_core::SchemaType = p
            .schema_type
            .to_ascii_uppercase()
            .parse()
            .map_err(|_| unprocessable(format!("unknown schema type {}", p.schema_type)))?;
        ty.as_str().to_owned()
    };
    if p.q.len() > 1024 {
        return Err(unprocessable("the query is longer than 1024 bytes".into()));
    }
    let query = SearchQuery {
        text: p.q,
        schema_type,
        subject_prefix: p.subject_prefix,
        tag: p.tag,
        offset,
        limit,
    };
    let started = std::time::Instant::now();
    let page = state.registry.store.search(&query).await?;
    metrics::histogram!("registry_search_seconds").record(started.elapsed().as_secs_f64());
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

/// The latest version of `subject` whose `metadata.properties` holds every `key`=`value` pair
/// (the n-th `key` with the n-th `value`).
async fn by_metadata(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(DeletedQuery { deleted }): Query<DeletedQuery>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let values = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (keys, wanted) = (values("key"), values("value"));
    if keys.len() != wanted.len() {
        return Err(unprocessable(
            "each key needs a value (key=k&value=v, repeated)".into(),
        ));
    }
    let deleted = if deleted {
        Deleted::Include
    } else {
        Deleted::Exclude
    };
    let versions = state.registry.store.versions(&subject, deleted).await?;
    if versions.is_empty() {
        return Err(ApiError::subject_not_found(&subject));
    }
    let matches = |metadata: Option<&str>| {
        let props = metadata
            .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
            .and_then(|m| m.get("properties").cloned())
            .unwrap_or_default();
        keys.iter()
            .zip(&wanted)
            .all(|(k, v)| props.get(k).and_then(|x| x.as_str()) == Some(v.as_str()))
    };
    let found = versions
        .iter()
        .rev()
        .find(|v| matches(v.metadata.as_deref()))
        .ok_or_else(|| {
            ApiError::NotFound(
                codes::SCHEMA_NOT_FOUND,
                format!("No version of subject '{subject}' has the given metadata."),
            )
        })?;
    Ok(ok(&subject_version(found)))
}
