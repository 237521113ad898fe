//! `/compatibility`: test a schema against a subject's versions without registering it.
//!
//! Against `latest` (or without a version) the check covers the versions the subject's level
//! names (all of them for the transitive levels, newest first); against a numbered version,
//! only that version. `messages` come with `verbose=true` and whenever the schema is
//! incompatible.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use registry_core::api::{CompatibilityResponse, RegisterSchemaRequest};
use registry_core::{Schema, SchemaType, compat};
use serde::Deserialize;

use super::extract::{Body, Query, parse_version};
use super::subjects::find_version;
use super::{ApiError, AppState, ok};
use crate::store::{Deleted, Setting};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/compatibility/subjects/{subject}/versions",
            post(against_all),
        )
        .route(
            "/compatibility/subjects/{subject}/versions/{version}",
            post(against_version),
        )
}

/// Which existing versions a check covers.
#[derive(Debug, Clone, Copy)]
enum Against {
    /// One numbered version.
    Version(i32),
    /// The versions the level names; the subject must have some.
    Latest,
    /// The versions the level names; none is fine.
    All,
}

#[derive(Debug, Default, Deserialize)]
struct CompatQuery {
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    verbose: bool,
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    normalize: bool,
}

async fn check(
    state: &AppState,
    subject: &str,
    against: Against,
    q: &CompatQuery,
    req: &RegisterSchemaRequest,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let ty: SchemaType = req
        .schema_type
        .as_deref()
        .unwrap_or("AVRO")
        .parse()
        .map_err(ApiError::invalid_schema)?;
    let new = registry
        .parse_new(ty, &req.schema, &req.references, q.normalize)
        .await?;
    let configured = match registry
        .store
        .setting(Setting::Compatibility, Some(subject))
        .await?
    {
        Some(level) => Some(level),
        None => registry.store.setting(Setting::Compatibility, None).await?,
    };
    let level = registry.level_in_force(configured.as_deref());
    let existing = match against {
        Against::Version(number) => {
            vec![find_version(registry, subject, Some(number), Deleted::Exclude).await?]
        }
        Against::Latest => {
            let all = registry.store.versions(subject, Deleted::Exclude).await?;
            if all.is_empty() {
                return Err(find_version(registry, subject, None, Deleted::Exclude)
                    .await
                    .err()
                    .unwrap_or_else(|| ApiError::subject_not_found(subject)));
            }
            all
        }
        Against::All => registry.store.versions(subject, Deleted::Exclude).await?,
    };
    let parsed = registry.parsed_versions(&existing).await?;
    let refs: Vec<&Schema> = parsed.iter().map(AsRef::as_ref).collect();
    let report = compat::check(level, &new, &refs);
    let messages = (q.verbose || !report.compatible).then(|| report.messages());
    Ok(ok(&CompatibilityResponse {
        is_compatible: report.compatible,
        messages,
    }))
}

async fn against_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<CompatQuery>,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    let against = parse_version(&version)?.map_or(Against::Latest, Against::Version);
    check(&state, &subject, against, &q, &req).await
}

async fn against_all(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<CompatQuery>,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    check(&state, &subject, Against::All, &q, &req).await
}
