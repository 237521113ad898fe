//! `/subjects`: listing, registration, lookup, versions, deletes, `referencedby`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use registry_core::api::{RegisterSchemaRequest, RegisterSchemaResponse};
use registry_core::cache_key::CacheKey;
use registry_core::{ParseOptions, Schema, SchemaType};
use serde::Deserialize;

use super::extract::{Body, DeletedQuery, Query, check_subject, parse_version};
use super::{
    ApiError, AppState, CONTENT_TYPE, cache_body, cached, delete_error, json, ok, page,
    subject_version,
};
use crate::auth::Actor;
use crate::registry::{Gate, Registry};
use crate::store::{Deleted, NewVersion, VersionRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/subjects", get(list))
        .route("/subjects/{subject}", post(lookup).delete(delete_subject))
        .route("/subjects/{subject}/versions", get(versions).post(register))
        .route(
            "/subjects/{subject}/versions/{version}",
            get(get_version).delete(delete_version),
        )
        .route(
            "/subjects/{subject}/versions/{version}/schema",
            get(raw_schema),
        )
        .route(
            "/subjects/{subject}/versions/{version}/referencedby",
            get(referenced_by),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    subject_prefix: Option<String>,
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    deleted: bool,
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    deleted_only: bool,
    offset: Option<usize>,
    limit: Option<i64>,
}

impl ListQuery {
    fn is_default(&self) -> bool {
        self.subject_prefix
            .as_deref()
            .unwrap_or_default()
            .is_empty()
            && !self.deleted
            && !self.deleted_only
            && self.offset.is_none()
            && self.limit.is_none()
    }
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    if q.is_default() {
        let body = registry
            .cached(CacheKey::Subjects, || async {
                let subjects = registry.store.subjects("", Deleted::Exclude).await?;
                Ok(cache_body(&subjects, false, None))
            })
            .await?;
        return Ok(cached(&headers, &body, CONTENT_TYPE));
    }
    let subjects = registry
        .store
        .subjects(
            q.subject_prefix.as_deref().unwrap_or_default(),
            Deleted::from_flags(q.deleted, q.deleted_only),
        )
        .await?;
    Ok(ok(&page(subjects, q.offset, q.limit)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NormalizeQuery {
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    normalize: bool,
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    deleted: bool,
}

fn schema_type(req: &RegisterSchemaRequest) -> Result<SchemaType, ApiError> {
    req.schema_type
        .as_deref()
        .unwrap_or("AVRO")
        .parse()
        .map_err(ApiError::invalid_schema)
}

async fn register(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<NormalizeQuery>,
    Actor(actor): Actor,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    check_subject(&subject)?;
    let registry = &state.registry;
    let ty = schema_type(&req)?;
    let schema = registry
        .parse_new(ty, &req.schema, &req.references, q.normalize)
        .await?;
    let new = NewVersion {
        subject: subject.clone(),
        fingerprint: schema.fingerprint.to_hex(),
        schema_type: ty.as_str().to_owned(),
        text: schema.text.clone(),
        references: schema.references.clone(),
        metadata: req.metadata.as_ref().map(ToString::to_string),
        rule_set: req.rule_set.as_ref().map(ToString::to_string),
        import_id: req.id,
        import_version: req.version,
        actor,
    };
    let gate = Gate {
        registry,
        schema: &schema,
        import: req.id.is_some(),
    };
    let registered = registry
        .store
        .register(&new, &gate)
        .await
        .inspect_err(|e| {
            let outcome = if matches!(e, crate::store::RegisterError::Rejected(_)) {
                "rejected"
            } else {
                "failed"
            };
            metrics::counter!("registry_registrations_total", "outcome" => outcome).increment(1);
        })?;
    let outcome = if registered.created {
        "created"
    } else {
        "existing"
    };
    metrics::counter!("registry_registrations_total", "outcome" => outcome).increment(1);
    if registered.created {
        registry
            .invalidate(&CacheKey::touched_by_register(&subject, registered.id))
            .await;
    }
    Ok(ok(&RegisterSchemaResponse {
        id: registered.id,
        version: registered.version,
        schema_type: ty,
        schema: schema.text,
    }))
}

/// The stored version of `subject` whose content is `schema`, comparing normalized forms
/// when asked (a schema registered without `normalize` is still found by an equivalent one).
async fn find_same(
    registry: &Registry,
    subject: &str,
    schema: &Schema,
    normalize: bool,
    deleted: Deleted,
) -> Result<Option<VersionRecord>, ApiError> {
    if let Some(found) = registry
        .store
        .lookup(subject, &schema.fingerprint.to_hex(), deleted)
        .await?
    {
        return Ok(Some(found));
    }
    if !normalize {
        return Ok(None);
    }
    let options = ParseOptions {
        normalize: true,
        ..ParseOptions::default()
    };
    for record in registry.store.versions(subject, deleted).await? {
        let stored = registry.parsed(&record.schema).await?;
        let resolved = registry.resolve_references(&stored.references).await?;
        let normalized = Schema::parse(stored.schema_type, &record.schema.text, &resolved, options)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        if normalized.fingerprint == schema.fingerprint {
            return Ok(Some(record));
        }
    }
    Ok(None)
}

async fn lookup(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<NormalizeQuery>,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let ty = schema_type(&req)?;
    let schema = registry
        .parse_new(ty, &req.schema, &req.references, q.normalize)
        .await?;
    let deleted = if q.deleted {
        Deleted::Include
    } else {
        Deleted::Exclude
    };
    if let Some(found) = find_same(registry, &subject, &schema, q.normalize, deleted).await? {
        return Ok(ok(&subject_version(&found)));
    }
    if registry.store.versions(&subject, deleted).await?.is_empty() {
        return Err(ApiError::subject_not_found(&subject));
    }
    Err(ApiError::NotFound(
        registry_core::api::codes::SCHEMA_NOT_FOUND,
        format!("Schema not found under subject '{subject}'."),
    ))
}

#[derive(Debug, Default, Deserialize)]
struct PermanentQuery {
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    permanent: bool,
}

async fn delete_subject(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<PermanentQuery>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let (versions, stale_keys) = registry
        .store
        .delete_subject(&subject, q.permanent, &actor)
        .await
        .map_err(|e| delete_error(e, &subject, None))?;
    registry.invalidate(&stale_keys).await;
    Ok(ok(&versions))
}

async fn versions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(subject): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    if q.is_default() {
        let body = registry
            .cached(CacheKey::Versions(subject.clone()), || async {
                let list: Vec<i32> = registry
                    .store
                    .versions(&subject, Deleted::Exclude)
                    .await?
                    .iter()
                    .map(|v| v.version)
                    .collect();
                if list.is_empty() {
                    return Err(ApiError::subject_not_found(&subject));
                }
                Ok(cache_body(&list, false, None))
            })
            .await?;
        return Ok(cached(&headers, &body, CONTENT_TYPE));
    }
    let list: Vec<i32> = registry
        .store
        .versions(&subject, Deleted::from_flags(q.deleted, q.deleted_only))
        .await?
        .iter()
        .map(|v| v.version)
        .collect();
    if list.is_empty() {
        return Err(ApiError::subject_not_found(&subject));
    }
    Ok(ok(&page(list, q.offset, q.limit)))
}

/// One version, with the Confluent error telling whether the subject or the version is missing.
pub async fn find_version(
    registry: &Registry,
    subject: &str,
    version: Option<i32>,
    deleted: Deleted,
) -> Result<VersionRecord, ApiError> {
    if let Some(found) = registry.store.version(subject, version, deleted).await? {
        return Ok(found);
    }
    if registry
        .store
        .versions(subject, Deleted::Include)
        .await?
        .is_empty()
    {
        return Err(ApiError::subject_not_found(subject));
    }
    Err(ApiError::version_not_found(
        subject,
        &version.map_or_else(|| "latest".to_owned(), |v| v.to_string()),
    ))
}

async fn get_version(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<DeletedQuery>,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let version = parse_version(&version)?;
    if q.deleted {
        return Ok(ok(&subject_version(
            &find_version(registry, &subject, version, Deleted::Include).await?,
        )));
    }
    let key = match version {
        Some(v) => CacheKey::SubjectVersion(subject.clone(), v),
        None => CacheKey::Latest(subject.clone()),
    };
    let body = registry
        .cached(key, || version_body(registry, &subject, version))
        .await?;
    Ok(cached(&headers, &body, CONTENT_TYPE))
}

/// The `GET /subjects/{subject}/versions/{version}` body (`None`: latest), from the database.
pub async fn version_body(
    registry: &Registry,
    subject: &str,
    version: Option<i32>,
) -> Result<crate::registry::CachedBody, ApiError> {
    let record = find_version(registry, subject, version, Deleted::Exclude).await?;
    Ok(cache_body(
        &subject_version(&record),
        version.is_some(),
        None,
    ))
}

async fn raw_schema(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<DeletedQuery>,
) -> Result<Response, ApiError> {
    let deleted = if q.deleted {
        Deleted::Include
    } else {
        Deleted::Exclude
    };
    let record = find_version(&state.registry, &subject, parse_version(&version)?, deleted).await?;
    Ok(raw(record.schema.text))
}

/// A schema's text as the body.
pub fn raw(text: String) -> Response {
    use axum::response::IntoResponse;
    (
        StatusCode::OK,
        [(axum::http::header::CONTENT_TYPE, CONTENT_TYPE)],
        text,
    )
        .into_response()
}

async fn delete_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<PermanentQuery>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let number = match parse_version(&version)? {
        Some(v) => v,
        None => {
            find_version(registry, &subject, None, Deleted::Exclude)
                .await?
                .version
        }
    };
    let (deleted, stale_keys) = registry
        .store
        .delete_version(&subject, number, q.permanent, &actor)
        .await
        .map_err(|e| delete_error(e, &subject, Some(number)))?;
    registry.invalidate(&stale_keys).await;
    Ok(json(StatusCode::OK, &deleted))
}

async fn referenced_by(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let record = find_version(
        registry,
        &subject,
        parse_version(&version)?,
        Deleted::Include,
    )
    .await?;
    Ok(ok(&registry
        .store
        .referenced_by(&subject, record.version)
        .await?))
}
