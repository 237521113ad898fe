//! `/subjects`: listing, registration, lookup, versions, deletes, `referencedby`, lookup by
//! metadata.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use registry_core::SchemaType;
use registry_core::api::{RegisterSchemaRequest, RegisterSchemaResponse};
use serde::Deserialize;

use super::Actor;
use super::extract::{
    Body, DeletedQuery, Query, bounded, lenient_bool, parse_version, subject_filter,
};
use super::respond::{JAVASCRIPT, cached, cached_as, ok, page, raw, uncached, written};
use super::{ApiError, AppState};
use crate::service::{RegisterInput, SchemaInput, ServiceError, subject_version};
use crate::store::Deleted;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    subject_prefix: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    deleted: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    deleted_only: bool,
    /// Versions only: soft-deleted versions listed as negative numbers.
    #[serde(default, deserialize_with = "lenient_bool")]
    deleted_as_negative: bool,
    offset: Option<usize>,
    limit: Option<i64>,
}

impl ListQuery {
    /// The plain listing, which is cached.
    fn is_default(&self) -> bool {
        self.subject_prefix.is_none()
            && !self.deleted
            && !self.deleted_only
            && !self.deleted_as_negative
            && self.offset.is_none()
            && self.limit.is_none()
    }

    fn deleted(&self) -> Deleted {
        Deleted::from_flags(self.deleted, self.deleted_only)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NormalizeQuery {
    #[serde(default, deserialize_with = "lenient_bool")]
    normalize: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    deleted: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct PermanentQuery {
    #[serde(default, deserialize_with = "lenient_bool")]
    permanent: bool,
}

/// The schema a request body gives (`schemaType` absent: AVRO).
pub fn schema_input(req: &RegisterSchemaRequest) -> Result<SchemaInput, ApiError> {
    if req.schema.trim().is_empty() {
        return Err(ServiceError::EmptySchema.into());
    }
    let schema_type: SchemaType = req
        .schema_type
        .as_deref()
        .unwrap_or("AVRO")
        .parse()
        .map_err(ServiceError::invalid_schema)?;
    Ok(SchemaInput {
        schema_type,
        text: req.schema.clone(),
        references: req.references.clone(),
    })
}

fn deleted_flag(deleted: bool) -> Deleted {
    if deleted {
        Deleted::Include
    } else {
        Deleted::Exclude
    }
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    if q.is_default() {
        return Ok(cached(&headers, &*state.registry.subjects_body().await?));
    }
    let filter = subject_filter(q.subject_prefix.as_deref())?;
    let mut subjects = state
        .registry
        .subjects(filter.stored_prefix(), q.deleted())
        .await?;
    subjects.retain(|s| filter.admits(s));
    Ok(ok(&page(subjects, q.offset, q.limit)))
}

pub async fn register(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<NormalizeQuery>,
    Actor(actor): Actor,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    let input = RegisterInput {
        schema: schema_input(&req)?,
        subject,
        normalize: q.normalize,
        metadata: req.metadata.as_ref().map(ToString::to_string),
        rule_set: req.rule_set.as_ref().map(ToString::to_string),
        import_id: req.id,
        import_version: req.version,
        actor,
        stamp: None,
    };
    let done = state.registry.register(&input).await?;
    // A Protobuf schema is answered as it was sent: clients cache this answer by id and read it
    // back in the form they registered (a base64 descriptor), which may not be the stored text.
    let schema = if done.value.schema_type == SchemaType::Protobuf {
        req.schema.clone()
    } else {
        done.value.text.clone()
    };
    let body = RegisterSchemaResponse {
        id: done.value.id,
        version: done.value.version,
        guid: Some(done.value.guid.clone()),
        schema_type: done.value.schema_type,
        schema,
        references: done.value.references.clone(),
        ts: done.value.ts,
    };
    Ok(written(&done, &body))
}

pub async fn lookup(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<NormalizeQuery>,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    let input = schema_input(&req)?;
    let (normalize, deleted) = (q.normalize, deleted_flag(q.deleted));
    let (registry, input) = (&state.registry, &input);
    let (found, _) = through_alias(&state, &subject, |s| async move {
        registry.lookup(&s, input, normalize, deleted).await
    })
    .await?;
    Ok(ok(&subject_version(&found)))
}

pub async fn delete_subject(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<PermanentQuery>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let done = state
        .registry
        .delete_subject(&subject, q.permanent, &actor)
        .await?;
    Ok(written(&done, &done.value))
}

/// `read` of `subject`; when the subject has nothing and its config names an alias, `read` of
/// the alias's target instead (`true`: answered through the alias).
async fn through_alias<T, F, Fut>(
    state: &AppState,
    subject: &str,
    read: F,
) -> Result<(T, bool), ApiError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    match read(subject.to_owned()).await {
        Err(missing @ ServiceError::SubjectNotFound { .. }) => {
            match state.registry.alias_target(subject).await? {
                Some(target) => Ok((read(target).await?, true)),
                None => Err(missing.into()),
            }
        }
        other => Ok((other?, false)),
    }
}

pub async fn versions(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(subject): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    if q.is_default() {
        let registry = &state.registry;
        let (body, aliased) = through_alias(&state, &subject, |s| async move {
            registry.versions_body(&s).await
        })
        .await?;
        return Ok(if aliased {
            uncached(&body)
        } else {
            cached(&headers, &body)
        });
    }
    let deleted = q.deleted();
    let negative = q.deleted_as_negative;
    let registry = &state.registry;
    let (list, _) = through_alias(&state, &subject, |s| async move {
        registry.signed_version_numbers(&s, deleted, negative).await
    })
    .await?;
    Ok(ok(&page(list, q.offset, q.limit)))
}

pub async fn get_version(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<DeletedQuery>,
    Query(params): super::tags::Pairs,
) -> Result<Response, ApiError> {
    let version = parse_version(&version)?;
    let registry = &state.registry;
    let tags = super::tags::wanted(&params);
    let format = super::format::param(&params);
    if tags.is_some() || format.is_some() {
        let deleted = deleted_flag(q.deleted);
        let (found, _) = through_alias(&state, &subject, |s| async move {
            registry.version(&s, version, deleted).await
        })
        .await?;
        let (ty, text) = (found.schema.schema_type, &found.schema.text);
        let mut body = subject_version(&found);
        if let Some(resolved) = super::format::render(&state, &found.schema, format).await? {
            body.schema = resolved;
        }
        return match tags {
            Some(tags) => super::tags::with_tags(&body, ty, text, &tags),
            None => Ok(ok(&body)),
        };
    }
    if q.deleted {
        let (found, _) = through_alias(&state, &subject, |s| async move {
            registry.version(&s, version, Deleted::Include).await
        })
        .await?;
        return Ok(ok(&subject_version(&found)));
    }
    let (body, aliased) = through_alias(&state, &subject, |s| async move {
        registry.version_body(&s, version).await
    })
    .await?;
    Ok(if aliased {
        uncached(&body)
    } else {
        cached(&headers, &body)
    })
}

pub async fn version_schema(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<DeletedQuery>,
    Query(params): super::tags::Pairs,
) -> Result<Response, ApiError> {
    let (version, deleted) = (parse_version(&version)?, deleted_flag(q.deleted));
    let registry = &state.registry;
    let (found, _) = through_alias(&state, &subject, |s| async move {
        registry.version(&s, version, deleted).await
    })
    .await?;
    let format = super::format::param(&params);
    let s = &found.schema;
    let text = super::format::render(&state, s, format).await?;
    Ok(raw(s.schema_type, text.unwrap_or_else(|| s.text.clone())))
}

/// `GET /subjects/{s}/versions/{v}/validator.mjs`: the version's validator as an ES module
/// (immutable for a numbered version, revalidated for `latest`).
pub async fn version_validator(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((subject, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let version = parse_version(&version)?;
    let registry = &state.registry;
    let (found, _) = through_alias(&state, &subject, |s| async move {
        registry.version(&s, version, Deleted::Exclude).await
    })
    .await?;
    let module = registry.validator_module(&found.schema).await?;
    Ok(cached_as(&headers, &module, JAVASCRIPT, version.is_some()))
}

pub async fn delete_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<PermanentQuery>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let done = state
        .registry
        .delete_version(&subject, parse_version(&version)?, q.permanent, &actor)
        .await?;
    Ok(written(&done, &done.value))
}

pub async fn referenced_by(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let rows = state
        .registry
        .referenced_by(&subject, parse_version(&version)?)
        .await?;
    Ok(ok(&state
        .registry
        .ids_in_context_of(&subject, rows)
        .await?))
}

/// The latest version of `subject` whose `metadata.properties` holds every `key`=`value` pair
/// (the n-th `key` with the n-th `value`).
pub async fn by_metadata(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(DeletedQuery { deleted }): Query<DeletedQuery>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let values = |name: &str| -> Vec<String> {
        params
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (keys, wanted) = (values("key"), values("value"));
    for text in keys.iter().chain(&wanted) {
        bounded("key and value", text)?;
    }
    if keys.len() != wanted.len() {
        return Err(ServiceError::Invalid(
            "each key needs a value (key=k&value=v, repeated)".into(),
        )
        .into());
    }
    let pairs: Vec<(String, String)> = keys.into_iter().zip(wanted).collect();
    let found = state
        .registry
        .version_by_metadata(&subject, &pairs, deleted_flag(deleted))
        .await?;
    Ok(ok(&subject_version(&found)))
}
