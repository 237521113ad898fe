//! LLM contracts over HTTP (extensions): `GET /subjects/{s}/versions/{v}/llm/{provider}` (a
//! version as the provider's request fragment, `?as=response_format|tool`, `name`,
//! `description`; `verbose=true` adds what was changed to make it fit), `POST /llm/lint` (a
//! draft schema against one profile, several, or all), `GET /llm/profiles` (the rules, with
//! their sources).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use registry_core::llm::{PROFILES, Profile, Usage};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::{Body, Query, parse_version};
use super::respond::{cached, ok};
use super::{ApiError, AppState};
use crate::service::{ExportRequest, ServiceError, find_profile};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    #[serde(rename = "as")]
    usage: Option<String>,
    name: Option<String>,
    description: Option<String>,
    verbose: bool,
}

fn usage(q: &ExportQuery) -> Result<Usage, ApiError> {
    match q.usage.as_deref() {
        None => Ok(Usage::ResponseFormat),
        Some(u) => Usage::parse(u).ok_or_else(|| {
            ServiceError::Invalid(format!("as must be response_format or tool; got '{u}'")).into()
        }),
    }
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((subject, version, provider)): Path<(String, String, String)>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let version = parse_version(&version)?;
    let request = ExportRequest {
        subject: &subject,
        version,
        profile: find_profile(&provider)?,
        usage: usage(&q)?,
        name: q.name.as_deref(),
        description: q.description.as_deref(),
    };
    if q.verbose {
        return Ok(ok(&state.registry.llm_export(&request).await?));
    }
    let body = state.registry.llm_export_body(&request).await?;
    Ok(cached(&headers, &body))
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LintQuery {
    /// A profile or provider, several comma-separated; none: every profile.
    provider: Option<String>,
}

/// The schema a lint body gives: `{"schema": "<text>"}` as in a registration, or the schema.
fn draft(body: Value) -> Result<Value, ApiError> {
    match body {
        Value::Object(obj) if matches!(obj.get("schema"), Some(Value::String(_))) => {
            let text = obj["schema"].as_str().unwrap_or_default();
            serde_json::from_str(text).map_err(|e| {
                ServiceError::InvalidSchema(format!("the schema is not JSON: {e}")).into()
            })
        }
        other => Ok(other),
    }
}

pub async fn lint(
    State(state): State<AppState>,
    Query(q): Query<LintQuery>,
    Body(body): Body<Value>,
) -> Result<Response, ApiError> {
    let schema = draft(body)?;
    let profiles: Vec<&'static Profile> = match q.provider.as_deref() {
        None | Some("") => PROFILES.to_vec(),
        Some(list) => list
            .split(',')
            .map(|p| find_profile(p.trim()))
            .collect::<Result<_, _>>()?,
    };
    let results: Vec<Value> = state
        .registry
        .llm_lint(schema, profiles)
        .await?
        .into_iter()
        .map(|(profile, diagnostics)| {
            json!({
                "profile": profile.id,
                "fits": diagnostics.is_empty(),
                "diagnostics": diagnostics,
            })
        })
        .collect();
    Ok(ok(&json!({ "results": results })))
}

pub async fn profiles() -> Response {
    ok(&registry_core::llm::profile::catalogue())
}
