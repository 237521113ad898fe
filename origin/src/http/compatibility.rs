//! `/compatibility`: test a schema against a subject's versions without registering it.
//! `messages` come with `verbose=true` and whenever the schema is incompatible.

use axum::extract::{Path, State};
use axum::response::Response;
use registry_core::api::{CompatibilityResponse, RegisterSchemaRequest};
use serde::Deserialize;

use super::extract::{Body, Query, lenient_bool, parse_version};
use super::respond::ok;
use super::subjects::schema_input;
use super::{ApiError, AppState};
use crate::service::Against;

#[derive(Debug, Default, Deserialize)]
pub struct CompatQuery {
    #[serde(default, deserialize_with = "lenient_bool")]
    verbose: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    normalize: bool,
}

async fn check(
    state: &AppState,
    subject: &str,
    against: Against,
    q: &CompatQuery,
    req: &RegisterSchemaRequest,
) -> Result<Response, ApiError> {
    let answer = state
        .registry
        .check_compatibility(subject, against, &schema_input(req)?, q.normalize)
        .await?;
    let report = answer.report;
    let messages = (q.verbose || !report.compatible).then(|| report.messages());
    Ok(ok(&CompatibilityResponse {
        is_compatible: report.compatible,
        messages,
    }))
}

pub async fn against_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Query(q): Query<CompatQuery>,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    let against = parse_version(&version)?.map_or(Against::Latest, Against::Version);
    check(&state, &subject, against, &q, &req).await
}

pub async fn against_all(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<CompatQuery>,
    Body(req): Body<RegisterSchemaRequest>,
) -> Result<Response, ApiError> {
    check(&state, &subject, Against::All, &q, &req).await
}
