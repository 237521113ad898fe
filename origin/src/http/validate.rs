//! Validation of payloads against a registered schema (an extension of the Confluent API):
//! `POST /subjects/{s}/versions/{v}/validate` and `POST /schemas/ids/{id}/validate`, with one
//! JSON payload or `{"payloads": [...]}` as the body. Validators are compiled once per schema.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use registry_core::Validator;
use registry_core::api::{ValidateResponse, ValidateResult, validate_payloads};
use serde_json::Value;

use super::extract::{Body, parse_version};
use super::schemas::stored;
use super::subjects::find_version;
use super::{ApiError, AppState, ok};
use crate::store::Deleted;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/subjects/{subject}/versions/{version}/validate",
            post(by_version),
        )
        .route("/schemas/ids/{id}/validate", post(by_id))
}

fn run(validator: &Validator, body: Value) -> Response {
    let results = validate_payloads(body)
        .iter()
        .map(|payload| {
            let errors = validator.validate(payload);
            ValidateResult {
                valid: errors.is_empty(),
                errors,
            }
        })
        .collect();
    ok(&ValidateResponse { results })
}

async fn by_version(
    State(state): State<AppState>,
    Path((subject, version)): Path<(String, String)>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let record = find_version(
        &state.registry,
        &subject,
        parse_version(&version)?,
        Deleted::Exclude,
    )
    .await?;
    let validator = state.registry.validator(&record.schema).await?;
    Ok(run(&validator, body))
}

async fn by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::schema_not_found(&id))?;
    let schema = stored(&state.registry, id).await?;
    let validator = state.registry.validator(&schema).await?;
    Ok(run(&validator, body))
}
