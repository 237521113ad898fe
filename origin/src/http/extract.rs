//! Extractors whose rejections speak the API's error format: a JSON body in any of the
//! registry's content types (octet-stream and none included), query strings, version ids.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use registry_core::qualified::SubjectFilter;
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::service::ServiceError;

/// Limits on what a request may hold, set by the server (an extension on every request).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of arrays and objects in a JSON body (or schema).
    pub max_json_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_json_depth: 64 }
    }
}

/// A JSON request body.
pub struct Body<T>(pub T);

/// A JSON request body and its size in bytes.
pub struct SizedBody<T>(pub T, pub usize);

/// The body's bytes, if its content type is one the API takes and it is within the limits.
async fn json_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    // A body must say it is JSON: a browser page of another site can send a body without a
    // JSON content type (and without a preflight), never with one.
    let Some(ct) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(ApiError::UnsupportedMediaType(
            "A request body needs a Content-Type: application/vnd.schemaregistry.v1+json or application/json".into(),
        ));
    };
    let ct = ct.to_str().unwrap_or_default();
    if !registry_core::api::accepts_content_type(ct) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Content type {ct} is not supported"
        )));
    }
    let limits = req
        .extensions()
        .get::<Limits>()
        .copied()
        .unwrap_or_default();
    let bytes = Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge("Request body is too large".into())
        } else {
            ApiError::BadRequest(format!("Cannot read the request body: {e}"))
        }
    })?;
    if registry_core::limits::nesting_exceeds(&bytes, limits.max_json_depth) {
        return Err(ApiError::NestingTooDeep(limits.max_json_depth));
    }
    Ok(bytes)
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("Invalid JSON body: {e}")))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse_json(&json_bytes(req, state).await?).map(Body)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for SizedBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = json_bytes(req, state).await?;
        parse_json(&bytes).map(|v| SizedBody(v, bytes.len()))
    }
}

/// A query string.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(Query)
            .map_err(|e| ApiError::BadRequest(format!("Invalid query parameter: {e}")))
    }
}

/// A version in a path: a number from 1, `latest` or `-1` (`None`).
pub fn parse_version(v: &str) -> Result<Option<i32>, ApiError> {
    match v {
        "latest" | "-1" => Ok(None),
        n => match n.parse::<i32>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(ServiceError::InvalidVersion(v.to_owned()).into()),
        },
    }
}

/// A schema id in a path: a 32-bit integer, as Confluent's path parameter; anything else is no
/// route at all (404, "HTTP 404 Not Found"), as Confluent answers.
pub fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse::<i32>()
        .map(i64::from)
        .map_err(|_| ApiError::NoRoute)
}

/// A boolean query parameter `name` of a hand-parsed query: as [`lenient_bool`].
pub fn boolean(name: &str, value: &str) -> Result<bool, ApiError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        other => Err(ApiError::BadRequest(format!(
            "Invalid query parameter {name}: expected true or false, got '{other}'"
        ))),
    }
}

/// A query-string boolean as Confluent's server reads it: `true`/`false` in any case (the
/// Python client sends `False`), and `1`/`0`. Anything else is a 400.
pub fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        other => Err(serde::de::Error::custom(format!(
            "expected true or false, got '{other}'"
        ))),
    }
}

/// `?deleted=`: whether soft-deleted versions count.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DeletedQuery {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub deleted: bool,
}

/// `?subject=` naming the context of an id (`:.ctx:` alone names the context), and `?format=`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct IdQuery {
    pub subject: Option<String>,
    pub format: Option<String>,
}

/// A page size: `default` when absent; 422 unless it is between 1 and `max`.
pub fn page_limit(limit: Option<i64>, default: i64, max: i64) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(ServiceError::Invalid(format!("limit must be between 1 and {max}, not {limit}")).into())
    }
}

/// The subjects a `subjectPrefix` (bounded in length) selects.
pub fn subject_filter(prefix: Option<&str>) -> Result<SubjectFilter, ApiError> {
    let prefix = prefix.map(|p| bounded("subjectPrefix", p)).transpose()?;
    Ok(SubjectFilter::of(prefix))
}

/// The longest a text query parameter may be (a subject prefix, a search, a tag...).
pub const MAX_QUERY_TEXT: usize = 4096;

/// 422 when the query parameter `name` is longer than [`MAX_QUERY_TEXT`] bytes.
pub fn bounded<'a>(name: &str, value: &'a str) -> Result<&'a str, ApiError> {
    if value.len() > MAX_QUERY_TEXT {
        return Err(
            ServiceError::Invalid(format!("{name} is longer than {MAX_QUERY_TEXT} bytes")).into(),
        );
    }
    Ok(value)
}
