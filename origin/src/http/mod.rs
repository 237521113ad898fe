//! The HTTP API: the Confluent Schema Registry surface plus validation, one module per
//! resource, merged into one router here. `app(state)` needs no socket, so tests can call it
//! directly; `crate::server` binds it.

mod admin;
mod compatibility;
mod console;
mod error;
mod events;
mod extract;
mod misc;
mod schemas;
mod search;
pub use schemas::{make_schema_body, schema_body};
pub use subjects::version_body;
mod settings;
mod subjects;
mod validate;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use registry_core::api;
use serde::Serialize;

pub use error::{ApiError, delete_error};
pub use extract::Limits;

use crate::registry::{CachedBody, Registry};
use crate::store::VersionRecord;

/// The content type of every response.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub access: Arc<crate::auth::Access>,
}

/// The whole API as one router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(subjects::router())
        .merge(schemas::router())
        .merge(compatibility::router())
        .merge(settings::router())
        .merge(validate::router())
        .merge(misc::router())
        .merge(admin::router())
        .merge(search::router())
        .merge(events::router())
        .merge(console::router())
        .fallback(|| async {
            ApiError::NotFound(api::codes::NOT_FOUND, "HTTP 404 Not Found".into())
        })
        .with_state(state)
}

/// A JSON response with the registry content type.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    let body = serde_json::to_vec(value).expect("API types serialise");
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        body,
    )
        .into_response()
}

pub fn ok<T: Serialize>(value: &T) -> Response {
    json(StatusCode::OK, value)
}

/// Serialises `value` for the response cache.
pub fn cache_body<T: Serialize>(value: &T, immutable: bool, etag: Option<&str>) -> CachedBody {
    CachedBody::new(
        serde_json::to_vec(value).expect("API types serialise"),
        immutable,
        etag,
    )
}

/// A cached body as a response: `Cache-Control`, a strong `ETag`, and 304 when the client has it.
pub fn cached(headers: &HeaderMap, body: &CachedBody, content_type: &'static str) -> Response {
    let cache_control = if body.immutable {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=5, must-revalidate"
    };
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == body.etag || tag.trim() == "*")
        });
    let etag = HeaderValue::from_str(&body.etag).expect("hex etag");
    let common = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
        (header::ETAG, etag),
    ];
    if not_modified {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        StatusCode::OK,
        common,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body.body.clone(),
    )
        .into_response()
}

/// The API shape of a stored version.
pub fn subject_version(record: &VersionRecord) -> api::SubjectVersion {
    api::SubjectVersion {
        subject: record.subject.clone(),
        version: record.version,
        id: record.schema.id,
        schema_type: record.schema.schema_type.parse().unwrap_or_default(),
        schema: record.schema.text.clone(),
        references: record.schema.references.clone(),
        metadata: record
            .metadata
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok()),
        rule_set: record
            .rule_set
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok()),
        deleted: record.deleted,
    }
}

/// Applies `offset` and `limit` (absent or negative limit: all).
pub fn page<T>(items: Vec<T>, offset: Option<usize>, limit: Option<i64>) -> Vec<T> {
    let skip = offset.unwrap_or(0);
    let take = limit.filter(|l| *l >= 0).map_or(usize::MAX, |l| l as usize);
    items.into_iter().skip(skip).take(take).collect()
}
