//! Responses: JSON in the registry's content type, cached bodies with `Cache-Control`, a strong
//! `ETag` and 304, raw schema texts, and writes that name the cache keys they made stale.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use registry_core::SchemaType;
use registry_core::cache_key::CacheKey;
use registry_core::routes::INVALIDATED_HEADER;
use serde::Serialize;

use crate::service::{CachedBody, Written};

/// The content type of every response.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

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

/// The answer to a write: its value, and the keys it made stale in
/// [`INVALIDATED_HEADER`] so that an edge that forwarded it drops them.
pub fn written<T, B: Serialize>(written: &Written<T>, body: &B) -> Response {
    let mut response = ok(body);
    if let Some(value) = stale_header(&written.stale) {
        response.headers_mut().insert(INVALIDATED_HEADER, value);
    }
    response
}

fn stale_header(keys: &[CacheKey]) -> Option<HeaderValue> {
    if keys.is_empty() {
        return None;
    }
    let joined = keys
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // Keys are percent-encoded ASCII.
    HeaderValue::from_str(&joined).ok()
}

/// A body no cache may keep (`Cache-Control: no-store`): what a read through an alias found,
/// since the target's changes do not reach the alias's cache keys.
pub fn uncached(body: &CachedBody) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body.body.clone(),
    )
        .into_response()
}

/// A cached body as a response: `Cache-Control`, a strong `ETag`, and 304 when the client has it.
pub fn cached(headers: &HeaderMap, body: &CachedBody) -> Response {
    cached_as(headers, body, CONTENT_TYPE, body.immutable)
}

/// [`cached`] with another content type, immutable or not whatever the body says (a body
/// cached by id answers a read through `latest` too).
pub fn cached_as(
    headers: &HeaderMap,
    body: &CachedBody,
    content_type: &'static str,
    immutable: bool,
) -> Response {
    let cache_control = if immutable {
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

/// The content type of a generated validator module.
pub const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// A schema's text as the body.
pub fn raw(schema_type: SchemaType, text: String) -> Response {
    // A Protobuf schema (`.proto` text, or a base64 descriptor) is not JSON: it is answered as
    // text, where Confluent sends it under the JSON content type.
    let content_type = match schema_type {
        SchemaType::Protobuf => "text/plain; charset=utf-8",
        SchemaType::Avro | SchemaType::Json => CONTENT_TYPE,
    };
    (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], text).into_response()
}

/// Applies `offset` and `limit` (absent or negative limit: all).
pub fn page<T>(items: Vec<T>, offset: Option<usize>, limit: Option<i64>) -> Vec<T> {
    let skip = offset.unwrap_or(0);
    let take = limit.filter(|l| *l >= 0).map_or(usize::MAX, |l| l as usize);
    items.into_iter().skip(skip).take(take).collect()
}
