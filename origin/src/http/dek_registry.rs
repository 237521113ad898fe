//! `/dek-registry/v1`: KEKs and DEKs, as Confluent's `DekRegistryResource` (and the newer
//! clients' `POST .../deks/{subject}`); `GET /subjects/{subject}/deks` lists a subject's DEKs
//! without key material, for the console.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use registry_core::dek::{CreateDekRequest, CreateKekRequest, DekAlgorithm, UpdateKekRequest};
use registry_core::qualified::normalize_context;

use super::Actor;
use super::extract::{Body, Query, boolean, bounded, parse_version};
use super::respond::ok;
use super::{ApiError, AppState};
use crate::service::{DekSelector, KeyContext, KeyError, LATEST_DEK};

/// The query parameters of the DEK registry's routes.
#[derive(Default)]
struct KeyQuery {
    deleted: bool,
    permanent: bool,
    algorithm: DekAlgorithm,
    context: KeyContext,
    subject_prefixes: Vec<String>,
}

fn key_query(pairs: Vec<(String, String)>) -> Result<KeyQuery, ApiError> {
    let mut q = KeyQuery::default();
    for (name, value) in pairs {
        bounded(&name, &value)?;
        match name.as_str() {
            "deleted" => q.deleted = boolean(&name, &value)?,
            "permanent" => q.permanent = boolean(&name, &value)?,
            "algorithm" if !value.is_empty() => {
                q.algorithm =
                    DekAlgorithm::parse(&value).ok_or_else(|| KeyError::invalid("algorithm"))?;
            }
            "context" if !value.is_empty() => {
                q.context = KeyContext(
                    normalize_context(&value).ok_or_else(|| KeyError::invalid("context"))?,
                );
            }
            "subjectPrefix" => q.subject_prefixes.push(value),
            _ => {}
        }
    }
    Ok(q)
}

fn selector(
    q: &KeyQuery,
    kek: String,
    subject: String,
    version: Option<&str>,
) -> Result<DekSelector, ApiError> {
    let version = version
        .map(|v| parse_version(v).map(|n| n.unwrap_or(LATEST_DEK)))
        .transpose()?;
    Ok(DekSelector {
        kek,
        subject,
        algorithm: q.algorithm,
        version,
    })
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

pub async fn list_keks(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    let names = state
        .registry
        .kek_names(&q.context, q.deleted, &q.subject_prefixes)
        .await?;
    Ok(ok(&names))
}

pub async fn create_kek(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
    Body(req): Body<CreateKekRequest>,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    Ok(ok(&state
        .registry
        .create_kek(&q.context, &req, &actor)
        .await?))
}

pub async fn get_kek(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    Ok(ok(&state
        .registry
        .kek(&q.context, &name, q.deleted)
        .await?))
}

pub async fn update_kek(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
    Body(req): Body<UpdateKekRequest>,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    let kek = state
        .registry
        .update_kek(&q.context, &name, &req, &actor)
        .await?;
    Ok(ok(&kek))
}

pub async fn delete_kek(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    state
        .registry
        .delete_kek(&q.context, &name, q.permanent, &actor)
        .await?;
    Ok(no_content())
}

pub async fn undelete_kek(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    state
        .registry
        .undelete_kek(&q.context, &name, &actor)
        .await?;
    Ok(no_content())
}

pub async fn list_dek_subjects(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    let subjects = state
        .registry
        .dek_subjects(&q.context, &name, q.deleted)
        .await?;
    Ok(ok(&subjects))
}

pub async fn create_dek(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Actor(actor): Actor,
    Body(req): Body<CreateDekRequest>,
) -> Result<Response, ApiError> {
    Ok(ok(&state.registry.create_dek(&name, &req, &actor).await?))
}

/// The newer clients' form: the subject in the path (it wins over one in the body).
pub async fn create_dek_for_subject(
    State(state): State<AppState>,
    Path((name, subject)): Path<(String, String)>,
    Actor(actor): Actor,
    Body(mut req): Body<CreateDekRequest>,
) -> Result<Response, ApiError> {
    req.subject = Some(subject);
    Ok(ok(&state.registry.create_dek(&name, &req, &actor).await?))
}

/// The DEK a path names: `{name}/deks/{subject}` (every version, or `default_version`), or
/// `{name}/deks/{subject}/versions/{version}`.
fn dek_target(
    q: &KeyQuery,
    params: Vec<String>,
    default_version: Option<&str>,
) -> Result<DekSelector, ApiError> {
    let mut params = params.into_iter();
    let kek = params.next().unwrap_or_default();
    let subject = params.next().unwrap_or_default();
    let version = params.next();
    selector(q, kek, subject, version.as_deref().or(default_version))
}

/// `GET .../deks/{subject}` (version 1, as Confluent answers) and `.../versions/{version}`.
pub async fn get_dek(
    State(state): State<AppState>,
    Path(params): Path<Vec<String>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    let sel = dek_target(&q, params, Some("1"))?;
    Ok(ok(&state.registry.dek(&sel, q.deleted).await?))
}

/// `DELETE .../deks/{subject}` (every version of the algorithm) and `.../versions/{version}`.
pub async fn delete_deks(
    State(state): State<AppState>,
    Path(params): Path<Vec<String>>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    let sel = dek_target(&q, params, None)?;
    state
        .registry
        .delete_deks(&sel, q.permanent, &actor)
        .await?;
    Ok(no_content())
}

/// `POST .../deks/{subject}/undelete` and `.../versions/{version}/undelete`.
pub async fn undelete_deks(
    State(state): State<AppState>,
    Path(params): Path<Vec<String>>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    let sel = dek_target(&q, params, None)?;
    state.registry.undelete_deks(&sel, &actor).await?;
    Ok(no_content())
}

pub async fn list_dek_versions(
    State(state): State<AppState>,
    Path(params): Path<Vec<String>>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let q = key_query(pairs)?;
    let sel = dek_target(&q, params, None)?;
    Ok(ok(&state.registry.dek_versions(&sel, q.deleted).await?))
}

pub async fn subject_deks(
    State(state): State<AppState>,
    Path(subject): Path<String>,
) -> Result<Response, ApiError> {
    Ok(ok(&state.registry.subject_deks(&subject).await?))
}
