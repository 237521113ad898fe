//! `/schemas`: schemas by their global id, the list of all schemas, the supported types.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use registry_core::SchemaType;
use registry_core::api::SubjectVersionPair;
use registry_core::qualified::QualifiedSubject;
use serde::Deserialize;

use super::extract::{IdQuery, Query, lenient_bool, parse_id, subject_filter};
use super::respond::{JAVASCRIPT, cached, cached_as, ok, page, raw};
use super::{ApiError, AppState};
use crate::service::{ServiceError, in_context, named_context, subject_version};
use crate::store::{Deleted, Usage};

/// `GET /schemas/ids/{id}`'s parameters (`referenceFormat` is accepted and has no effect;
/// `findTags` is read by [`super::tags::wanted`]).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByIdQuery {
    #[serde(default, deserialize_with = "lenient_bool")]
    fetch_max_id: bool,
    /// A subject whose context the id is in (`:.ctx:` alone names the context).
    subject: Option<String>,
    /// `resolved`: an Avro schema with its references inlined.
    format: Option<String>,
}

pub async fn by_id(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ByIdQuery>,
    Query(params): super::tags::Pairs,
) -> Result<Response, ApiError> {
    let id = state
        .registry
        .row_of(parse_id(&id)?, q.subject.as_deref())
        .await?;
    state.registry.count_read(id);
    let body = state.registry.schema_body(id).await?;
    let tags = super::tags::wanted(&params);
    if !q.fetch_max_id && tags.is_none() && q.format.is_none() {
        return Ok(cached(&headers, &body));
    }
    // The highest id moves with every new schema: this answer is not cached.
    let mut answer: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&body.body)
        .map_err(|e| ServiceError::Internal(format!("cached schema body: {e}")))?;
    if q.fetch_max_id {
        let max_id = state.registry.max_id_in(q.subject.as_deref()).await?;
        answer.insert("maxId".into(), max_id.into());
    }
    if q.format.is_none() && tags.is_none() {
        return Ok(ok(&answer));
    }
    let stored = state.registry.stored(id).await?;
    if let Some(text) = super::format::render(&state, &stored, q.format.as_deref()).await? {
        answer.insert("schema".into(), text.into());
    }
    match tags {
        Some(tags) => super::tags::with_tags(&answer, stored.schema_type, &stored.text, &tags),
        None => Ok(ok(&answer)),
    }
}

pub async fn by_guid(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(guid): Path<String>,
) -> Result<Response, ApiError> {
    let body = state.registry.schema_by_guid_body(&guid).await?;
    Ok(cached(&headers, &body))
}

/// The (context, id) pairs a guid has: the default context's and each named context's.
pub async fn ids_by_guid(
    State(state): State<AppState>,
    Path(guid): Path<String>,
) -> Result<Response, ApiError> {
    let s = state.registry.stored_by_guid(&guid).await?;
    let pairs: Vec<serde_json::Value> = state
        .registry
        .contexts_of_row(s.id)
        .await?
        .into_iter()
        .map(|(context, id)| serde_json::json!({"context": context, "id": id}))
        .collect();
    Ok(ok(&pairs))
}

/// The stored schema a path's `{id}` names, in the context of `subject` (or the default one).
async fn stored_by_id(
    state: &AppState,
    id: &str,
    subject: Option<&str>,
) -> Result<crate::store::StoredSchema, ApiError> {
    let row = state.registry.row_of(parse_id(id)?, subject).await?;
    Ok(state.registry.stored(row).await?)
}

pub async fn text_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<IdQuery>,
) -> Result<Response, ApiError> {
    let stored = stored_by_id(&state, &id, q.subject.as_deref()).await?;
    let text = super::format::render(&state, &stored, q.format.as_deref()).await?;
    Ok(raw(stored.schema_type, text.unwrap_or(stored.text)))
}

/// `GET /schemas/ids/{id}/validator.mjs`: the schema's validator as an ES module.
pub async fn validator_by_id(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<IdQuery>,
) -> Result<Response, ApiError> {
    let stored = stored_by_id(&state, &id, q.subject.as_deref()).await?;
    let module = state.registry.validator_module(&stored).await?;
    Ok(cached_as(&headers, &module, JAVASCRIPT, true))
}

/// The parameters of `/schemas/ids/{id}/subjects` and `/versions`.
#[derive(Debug, Default, Deserialize)]
pub struct UsageQuery {
    #[serde(default, deserialize_with = "lenient_bool")]
    deleted: bool,
    /// Only this subject's versions.
    subject: Option<String>,
    offset: Option<usize>,
    limit: Option<i64>,
}

/// The subject versions using schema `id` that `q` selects (before paging): in the context the
/// id is in (`subject`'s, or the default one), only `subject`'s when it names one.
async fn usage_of(state: &AppState, id: &str, q: &UsageQuery) -> Result<Vec<Usage>, ApiError> {
    let subject = q.subject.as_deref();
    let row = state.registry.row_of(parse_id(id)?, subject).await?;
    let usage = state.registry.schema_usage(row, q.deleted).await?;
    let context = named_context(subject);
    let named = subject.filter(|s| !QualifiedSubject::parse(s).subject.is_empty());
    Ok(usage
        .into_iter()
        .filter(|u| in_context(u, context.as_deref()))
        .filter(|u| named.is_none_or(|s| u.subject == s))
        .collect())
}

pub async fn subjects_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<UsageQuery>,
) -> Result<Response, ApiError> {
    let mut subjects: Vec<String> = usage_of(&state, &id, &q)
        .await?
        .into_iter()
        .map(|u| u.subject)
        .collect();
    subjects.dedup();
    Ok(ok(&page(subjects, q.offset, q.limit)))
}

pub async fn versions_of(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<UsageQuery>,
) -> Result<Response, ApiError> {
    let pairs: Vec<SubjectVersionPair> = usage_of(&state, &id, &q)
        .await?
        .into_iter()
        .map(|u| SubjectVersionPair {
            subject: u.subject,
            version: u.version,
        })
        .collect();
    Ok(ok(&page(pairs, q.offset, q.limit)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    subject_prefix: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    latest_only: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    deleted: bool,
    offset: Option<usize>,
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let deleted = if q.deleted {
        Deleted::Include
    } else {
        Deleted::Exclude
    };
    let filter = subject_filter(q.subject_prefix.as_deref())?;
    let records = state
        .registry
        .all_versions(filter.stored_prefix(), q.latest_only, deleted)
        .await?;
    let items: Vec<_> = records
        .iter()
        .filter(|r| filter.admits(&r.subject))
        .map(subject_version)
        .collect();
    Ok(ok(&page(items, q.offset, q.limit)))
}

/// The schema types, in the order Confluent's registry lists them.
pub async fn types() -> Response {
    let order = [SchemaType::Json, SchemaType::Protobuf, SchemaType::Avro];
    ok(&order.iter().map(|t| t.as_str()).collect::<Vec<_>>())
}
