//! `/config` and `/mode`: compatibility level and mode, global and per subject.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use registry_core::api::{ConfigUpdate, ModeBody};
use serde::Deserialize;

use super::Actor;
use super::extract::{Body, Query, lenient_bool};
use super::respond::{cached, ok, written};
use super::{ApiError, AppState};
use crate::service::{CachedBody, parse_mode};
use crate::store::Setting;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultToGlobal {
    #[serde(default, deserialize_with = "lenient_bool")]
    default_to_global: bool,
}

pub async fn get_global_config(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = state.registry.global_config_body().await?;
    Ok(cached(&headers, &body))
}

pub async fn get_subject_config(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(subject): Path<String>,
    Query(q): Query<DefaultToGlobal>,
) -> Result<Response, ApiError> {
    let config = state
        .registry
        .subject_config(&subject, q.default_to_global)
        .await?;
    Ok(cached(&headers, &CachedBody::of(&config, false, None)))
}

async fn put_config(
    state: &AppState,
    subject: Option<&str>,
    update: &ConfigUpdate,
    actor: &str,
) -> Result<Response, ApiError> {
    let done = state.registry.update_config(subject, update, actor).await?;
    Ok(written(&done, &done.value))
}

pub async fn put_global_config(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(update): Body<ConfigUpdate>,
) -> Result<Response, ApiError> {
    put_config(&state, None, &update, &actor).await
}

pub async fn put_subject_config(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
    Body(update): Body<ConfigUpdate>,
) -> Result<Response, ApiError> {
    put_config(&state, Some(&subject), &update, &actor).await
}

async fn clear(
    state: &AppState,
    setting: Setting,
    subject: Option<&str>,
    actor: &str,
) -> Result<Response, ApiError> {
    let done = state
        .registry
        .clear_setting(setting, subject, actor)
        .await?;
    Ok(written(&done, &done.value.body()))
}

pub async fn delete_global_config(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let done = state.registry.clear_config(None, &actor).await?;
    Ok(written(&done, &done.value))
}

pub async fn delete_subject_config(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let done = state.registry.clear_config(Some(&subject), &actor).await?;
    Ok(written(&done, &done.value))
}

pub async fn get_global_mode(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let body = state.registry.global_setting_body(Setting::Mode).await?;
    Ok(cached(&headers, &body))
}

pub async fn get_subject_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<DefaultToGlobal>,
) -> Result<Response, ApiError> {
    let view = state
        .registry
        .subject_setting(Setting::Mode, &subject, q.default_to_global)
        .await?;
    Ok(ok(&view.body()))
}

#[derive(Debug, Default, Deserialize)]
pub struct ForceQuery {
    #[serde(default, deserialize_with = "lenient_bool")]
    force: bool,
}

async fn put_mode(
    state: &AppState,
    subject: Option<&str>,
    force: bool,
    body: &ModeBody,
    actor: &str,
) -> Result<Response, ApiError> {
    let mode = parse_mode(&body.mode)?;
    if mode == registry_core::api::Mode::Import && !force {
        state.registry.check_import_allowed(subject).await?;
    }
    let done = state
        .registry
        .set_setting(Setting::Mode, subject, mode.as_str(), actor)
        .await?;
    Ok(written(&done, &done.value.body()))
}

pub async fn put_global_mode(
    State(state): State<AppState>,
    Query(q): Query<ForceQuery>,
    Actor(actor): Actor,
    Body(body): Body<ModeBody>,
) -> Result<Response, ApiError> {
    put_mode(&state, None, q.force, &body, &actor).await
}

pub async fn put_subject_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<ForceQuery>,
    Actor(actor): Actor,
    Body(body): Body<ModeBody>,
) -> Result<Response, ApiError> {
    put_mode(&state, Some(&subject), q.force, &body, &actor).await
}

pub async fn delete_global_mode(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    clear(&state, Setting::Mode, None, &actor).await
}

pub async fn delete_subject_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    clear(&state, Setting::Mode, Some(&subject), &actor).await
}
