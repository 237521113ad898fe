//! `/schemas`: schemas by their global id, the list of all schemas, the supported types.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use registry_core::SchemaType;
use registry_core::api::{SchemaById, SubjectVersionPair};
use registry_core::cache_key::CacheKey;
use serde::Deserialize;

use super::extract::{DeletedQuery, Query};
use super::subjects::raw;
use super::{ApiError, AppState, CONTENT_TYPE, cache_body, cached, ok, page, subject_version};
use crate::registry::Registry;
use crate::store::{Deleted, StoredSchema};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/schemas", get(list))
        .route("/schemas/types", get(types))
        .route("/schemas/ids/{id}", get(by_id))
        .route("/schemas/ids/{id}/schema", get(raw_by_id))
        .route("/schemas/ids/{id}/subjects", get(subjects_of))
        .route("/schemas/ids/{id}/versions", get(versions_of))
}

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse().map_err(|_| ApiError::schema_not_found(id))
}

/// The stored schema with `id`, or 40403.
pub async fn stored(registry: &Registry, id: i64) -> Result<StoredSchema, ApiError> {
    registry
        .store
        .schema_by_id(id)
        .await?
        .ok_or_else(|| ApiError::schema_not_found(&id.to_string()))
}

/// The `GET /schemas/ids/{id}` body, from the cache.
pub async fn schema_body(
    registry: &Registry,
    id: i64,
) -> Result<std::sync::Arc<crate::registry::CachedBody>, ApiError> {
    registry
        .cached(CacheKey::SchemaById(id), || make_schema_body(registry, id))
        .await
}

/// The `GET /schemas/ids/{id}` body, from the database.
pub async fn make_schema_body(
    registry: &Registry,
    id: i64,
) -> Result<crate::registry::CachedBody, ApiError> {
    let s = stored(registry, id).await?;
    let body = SchemaById {
        schema_type: s.schema_type.parse().unwrap_or_default(),
        schema: s.text,
        references: s.references,
        metadata: None,
        rule_set: None,
    };
    Ok(cache_body(&body, true, Some(&s.fingerprint)))
}

async fn by_id(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    state.registry.count_read(id);
    let body = schema_body(&state.registry, id).await?;
    Ok(cached(&headers, &body, CONTENT_TYPE))
}

async fn raw_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(raw(stored(&state.registry, parse_id(&id)?).await?.text))
}

async fn usage(
    registry: &Registry,
    id: &str,
    deleted: bool,
) -> Result<Vec<(String, i32)>, ApiError> {
    let id = parse_id(id)?;
    let rows = registry.store.schema_usage(id).await?;
    if rows.is_empty() {
        return Err(ApiError::schema_not_found(&id.to_string()));
    }
    Ok(rows
        .into_iter()
        .filter(|(_, _, d)| deleted || !d)
        .map(|(s, v, _)| (s, v))
        .collect())
}

async fn subjects_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DeletedQuery>,
) -> Result<Response, ApiError> {
    let mut subjects: Vec<String> = usage(&state.registry, &id, q.deleted)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    subjects.dedup();
    Ok(ok(&subjects))
}

async fn versions_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<DeletedQuery>,
) -> Result<Response, ApiError> {
    let pairs: Vec<SubjectVersionPair> = usage(&state.registry, &id, q.deleted)
        .await?
        .into_iter()
        .map(|(subject, version)| SubjectVersionPair { subject, version })
        .collect();
    Ok(ok(&pairs))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    subject_prefix: Option<String>,
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    latest_only: bool,
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    deleted: bool,
    offset: Option<usize>,
    limit: Option<i64>,
}

async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let deleted = if q.deleted {
        Deleted::Include
    } else {
        Deleted::Exclude
    };
    let mut records = state
        .registry
        .store
        .all_versions(q.subject_prefix.as_deref().unwrap_or_default(), deleted)
        .await?;
    if q.latest_only {
        // Rows come ordered by subject then version: keep the last of each subject.
        let mut latest: Vec<crate::store::VersionRecord> = Vec::new();
        for r in records {
            match latest.last_mut() {
                Some(last) if last.subject == r.subject => *last = r,
                _ => latest.push(r),
            }
        }
        records = latest;
    }
    let items: Vec<_> = records.iter().map(subject_version).collect();
    Ok(ok(&page(items, q.offset, q.limit)))
}

async fn types() -> Response {
    ok(&SchemaType::ALL
        .iter()
        .rev()
        .map(|t| t.as_str())
        .collect::<Vec<_>>())
}
