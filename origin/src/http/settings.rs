//! `/config` and `/mode`: compatibility level and mode, global and per subject.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use registry_core::CompatibilityLevel;
use registry_core::api::{ConfigResponse, ConfigUpdate, Mode, ModeBody, codes};
use registry_core::cache_key::CacheKey;
use serde::Deserialize;

use super::extract::{Body, Query, check_subject};
use super::{ApiError, AppState, CONTENT_TYPE, cache_body, cached, ok};
use crate::auth::Actor;
use crate::store::Setting;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/config",
            get(get_global_config)
                .put(put_global_config)
                .delete(delete_global_config),
        )
        .route(
            "/config/{subject}",
            get(get_subject_config)
                .put(put_subject_config)
                .delete(delete_subject_config),
        )
        .route(
            "/mode",
            get(get_global_mode)
                .put(put_global_mode)
                .delete(delete_global_mode),
        )
        .route(
            "/mode/{subject}",
            get(get_subject_mode)
                .put(put_subject_mode)
                .delete(delete_subject_mode),
        )
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DefaultToGlobal {
    #[serde(default, deserialize_with = "super::extract::lenient_bool")]
    default_to_global: bool,
}

fn level_or_default(state: &AppState, value: Option<String>) -> String {
    value.unwrap_or_else(|| {
        state
            .registry
            .options
            .default_compatibility
            .as_str()
            .to_owned()
    })
}

fn parse_level(s: &str) -> Result<CompatibilityLevel, ApiError> {
    s.parse().map_err(|_| ApiError::Unprocessable(codes::INVALID_COMPATIBILITY_LEVEL, format!("Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive; got '{s}'")))
}

async fn get_global_config(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let body = registry
        .cached(CacheKey::Config(None), || async {
            let level = registry.store.setting(Setting::Compatibility, None).await?;
            Ok(cache_body(
                &ConfigResponse {
                    compatibility_level: level_or_default(&state, level),
                },
                false,
                None,
            ))
        })
        .await?;
    Ok(cached(&headers, &body, CONTENT_TYPE))
}

async fn get_subject_config(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(subject): Path<String>,
    Query(q): Query<DefaultToGlobal>,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    let subject_level = registry
        .store
        .setting(Setting::Compatibility, Some(&subject))
        .await?;
    let level = match (subject_level, q.default_to_global) {
        (Some(level), _) => level,
        (None, true) => level_or_default(
            &state,
            registry.store.setting(Setting::Compatibility, None).await?,
        ),
        (None, false) => {
            return Err(ApiError::NotFound(
                codes::SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                format!("Subject '{subject}' does not have subject-level compatibility configured"),
            ));
        }
    };
    let body = cache_body(
        &ConfigResponse {
            compatibility_level: level,
        },
        false,
        None,
    );
    Ok(cached(&headers, &body, CONTENT_TYPE))
}

async fn put_config(
    state: &AppState,
    subject: Option<&str>,
    update: &ConfigUpdate,
    actor: &str,
) -> Result<Response, ApiError> {
    if let Some(s) = subject {
        check_subject(s)?;
    }
    let level = parse_level(&update.compatibility)?;
    state
        .registry
        .store
        .set_setting(Setting::Compatibility, subject, Some(level.as_str()), actor)
        .await?;
    state
        .registry
        .invalidate(&[CacheKey::Config(subject.map(str::to_owned))])
        .await;
    Ok(ok(&ConfigUpdate {
        compatibility: level.as_str().to_owned(),
    }))
}

async fn put_global_config(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(update): Body<ConfigUpdate>,
) -> Result<Response, ApiError> {
    put_config(&state, None, &update, &actor).await
}

async fn put_subject_config(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
    Body(update): Body<ConfigUpdate>,
) -> Result<Response, ApiError> {
    put_config(&state, Some(&subject), &update, &actor).await
}

async fn delete_global_config(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let previous = state
        .registry
        .store
        .set_setting(Setting::Compatibility, None, None, &actor)
        .await?;
    state.registry.invalidate(&[CacheKey::Config(None)]).await;
    Ok(ok(&ConfigResponse {
        compatibility_level: level_or_default(&state, previous),
    }))
}

async fn delete_subject_config(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let registry = &state.registry;
    if registry
        .store
        .setting(Setting::Compatibility, Some(&subject))
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound(
            codes::SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
            format!("Subject '{subject}' does not have subject-level compatibility configured"),
        ));
    }
    let previous = registry
        .store
        .set_setting(Setting::Compatibility, Some(&subject), None, &actor)
        .await?;
    registry
        .invalidate(&[CacheKey::Config(Some(subject))])
        .await;
    Ok(ok(&ConfigResponse {
        compatibility_level: level_or_default(&state, previous),
    }))
}

fn parse_mode(s: &str) -> Result<Mode, ApiError> {
    Mode::parse(s).ok_or_else(|| ApiError::Unprocessable(codes::INVALID_MODE, format!("Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT; got '{s}'")))
}

fn mode_or_default(value: Option<String>) -> String {
    value.unwrap_or_else(|| Mode::default().as_str().to_owned())
}

async fn get_global_mode(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(ok(&ModeBody {
        mode: mode_or_default(state.registry.store.setting(Setting::Mode, None).await?),
    }))
}

async fn get_subject_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Query(q): Query<DefaultToGlobal>,
) -> Result<Response, ApiError> {
    let store = &state.registry.store;
    match (
        store.setting(Setting::Mode, Some(&subject)).await?,
        q.default_to_global,
    ) {
        (Some(mode), _) => Ok(ok(&ModeBody { mode })),
        (None, true) => Ok(ok(&ModeBody {
            mode: mode_or_default(store.setting(Setting::Mode, None).await?),
        })),
        (None, false) => Err(ApiError::NotFound(
            codes::SUBJECT_MODE_NOT_CONFIGURED,
            format!("Subject '{subject}' does not have subject-level mode configured"),
        )),
    }
}

async fn put_mode(
    state: &AppState,
    subject: Option<&str>,
    body: &ModeBody,
    actor: &str,
) -> Result<Response, ApiError> {
    if let Some(s) = subject {
        check_subject(s)?;
    }
    let mode = parse_mode(&body.mode)?;
    state
        .registry
        .store
        .set_setting(Setting::Mode, subject, Some(mode.as_str()), actor)
        .await?;
    Ok(ok(&ModeBody {
        mode: mode.as_str().to_owned(),
    }))
}

async fn put_global_mode(
    State(state): State<AppState>,
    Actor(actor): Actor,
    Body(body): Body<ModeBody>,
) -> Result<Response, ApiError> {
    put_mode(&state, None, &body, &actor).await
}

async fn put_subject_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
    Body(body): Body<ModeBody>,
) -> Result<Response, ApiError> {
    put_mode(&state, Some(&subject), &body, &actor).await
}

async fn delete_global_mode(
    State(state): State<AppState>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let previous = state
        .registry
        .store
        .set_setting(Setting::Mode, None, None, &actor)
        .await?;
    Ok(ok(&ModeBody {
        mode: mode_or_default(previous),
    }))
}

async fn delete_subject_mode(
    State(state): State<AppState>,
    Path(subject): Path<String>,
    Actor(actor): Actor,
) -> Result<Response, ApiError> {
    let store = &state.registry.store;
    let Some(previous) = store.setting(Setting::Mode, Some(&subject)).await? else {
        return Err(ApiError::NotFound(
            codes::SUBJECT_MODE_NOT_CONFIGURED,
            format!("Subject '{subject}' does not have subject-level mode configured"),
        ));
    };
    store
        .set_setting(Setting::Mode, Some(&subject), None, &actor)
        .await?;
    Ok(ok(&ModeBody { mode: previous }))
}
