//! `/associations`: a resource's key and value subjects (Confluent 8.x's eight routes).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use registry_core::association::{AssociationBatchRequest, AssociationRequest, Lifecycle};

use super::Actor;
use super::extract::{Body, Query, boolean, bounded};
use super::respond::{json, ok, page};
use super::{ApiError, AppState};
use crate::service::{AssociationFilter, ServiceError};
use crate::store::AssociationKey;

/// The query of the association routes (`associationType` may repeat).
struct AssociationQuery {
    filter: AssociationFilter,
    offset: Option<usize>,
    limit: Option<i64>,
    dry_run: bool,
    cascade: bool,
}

fn association_query(pairs: Vec<(String, String)>) -> Result<AssociationQuery, ApiError> {
    let mut q = AssociationQuery {
        filter: AssociationFilter::default(),
        offset: None,
        limit: None,
        dry_run: false,
        cascade: false,
    };
    for (name, value) in pairs {
        bounded(&name, &value)?;
        let number = || {
            value
                .parse::<i64>()
                .map_err(|_| ApiError::BadRequest(format!("Invalid query parameter {name}")))
        };
        match name.as_str() {
            "resourceType" => q.filter.resource_type = Some(value),
            "associationType" => q.filter.association_types.push(value),
            "lifecycle" => {
                q.filter.lifecycle =
                    Some(Lifecycle::parse(&value).ok_or_else(|| {
                        ApiError::BadRequest(format!("Invalid lifecycle '{value}'"))
                    })?);
            }
            "offset" => q.offset = Some(usize::try_from(number()?.max(0)).unwrap_or(0)),
            "limit" => q.limit = Some(number()?),
            "dryRun" => q.dry_run = boolean(&name, &value)?,
            "cascadeLifecycle" => q.cascade = boolean(&name, &value)?,
            // Accepted, as Confluent: associations live in the default context here.
            _ => {}
        }
    }
    Ok(q)
}

async fn list(
    state: &AppState,
    key: AssociationKey<'_>,
    pairs: Vec<(String, String)>,
) -> Result<Response, ApiError> {
    let q = association_query(pairs)?;
    let found = state.registry.associations(key, &q.filter).await?;
    Ok(ok(&page(found, q.offset, q.limit)))
}

pub async fn by_subject(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    list(&state, AssociationKey::Subject(&subject), pairs).await
}

pub async fn by_resource_name(
    State(state): State<AppState>,
    Path((namespace, name)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let key = AssociationKey::ResourceName {
        namespace: &namespace,
        name: &name,
    };
    list(&state, key, pairs).await
}

pub async fn by_resource_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    list(&state, AssociationKey::ResourceId(&id), pairs).await
}

async fn single(
    state: &AppState,
    pairs: Vec<(String, String)>,
    actor: &str,
    req: &AssociationRequest,
    update: bool,
) -> Result<Response, ApiError> {
    let q = association_query(pairs)?;
    let done = state
        .registry
        .apply_associations(req, q.dry_run, actor, update)
        .await?;
    Ok(ok(&done))
}

pub async fn create(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
    Body(req): Body<AssociationRequest>,
) -> Result<Response, ApiError> {
    single(&state, pairs, &actor, &req, false).await
}

pub async fn update(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
    Body(req): Body<AssociationRequest>,
) -> Result<Response, ApiError> {
    single(&state, pairs, &actor, &req, true).await
}

async fn batch(
    state: &AppState,
    pairs: Vec<(String, String)>,
    actor: &str,
    req: &AssociationBatchRequest,
    update: bool,
) -> Result<Response, ApiError> {
    let q = association_query(pairs)?;
    let error_body = |e: &ServiceError| ApiError::from(e.clone()).body();
    let done = state
        .registry
        .association_batch(&req.requests, q.dry_run, actor, update, error_body)
        .await;
    Ok(json(StatusCode::MULTI_STATUS, &done))
}

pub async fn batch_create(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
    Body(req): Body<AssociationBatchRequest>,
) -> Result<Response, ApiError> {
    batch(&state, pairs, &actor, &req, false).await
}

pub async fn batch_update(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
    Body(req): Body<AssociationBatchRequest>,
) -> Result<Response, ApiError> {
    batch(&state, pairs, &actor, &req, true).await
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let q = association_query(pairs)?;
    state
        .registry
        .delete_associations(&id, &q.filter, q.cascade, &actor)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
