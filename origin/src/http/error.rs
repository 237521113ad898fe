//! The one error type of the HTTP API and its mapping to a response, in one place: the Confluent
//! body `{"error_code": N, "message": "..."}` with the status each variant documents.
//! Database errors are logged and answered with a generic message, never their text.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use registry_core::api::{ErrorBody, codes};

use crate::store::{DeleteError, RegisterError, StoreError};

#[derive(Debug, Clone)]
pub enum ApiError {
    /// 400: a request that cannot be read (malformed JSON, bad query parameter).
    BadRequest(String),
    /// 401 (40101): no or unknown credentials.
    Unauthorized(String),
    /// 403 (40301): credentials without the needed role.
    Forbidden(String),
    /// 404 with a 404xx code.
    NotFound(u32, String),
    /// 409 (409): the schema is incompatible with an earlier version.
    Incompatible(String),
    /// 413 (41301): the body is larger than allowed.
    PayloadTooLarge(String),
    /// 415 (41501): a content type the API does not take.
    UnsupportedMediaType(String),
    /// 422 with a 422xx code: the request is understood but invalid.
    Unprocessable(u32, String),
    /// 429 (42901): over the rate limit; seconds to wait.
    RateLimited(u64),
    /// 500 (50001): a fault of ours; details are logged.
    Internal(String),
    /// 503 (50001, or 50002 for a timeout): the database cannot be reached; seconds to wait.
    Unavailable(u32, String),
}

impl ApiError {
    pub fn subject_not_found(subject: &str) -> Self {
        Self::NotFound(
            codes::SUBJECT_NOT_FOUND,
            format!("Subject '{subject}' not found."),
        )
    }

    pub fn version_not_found(subject: &str, version: &str) -> Self {
        Self::NotFound(
            codes::VERSION_NOT_FOUND,
            format!("Version {version} not found for subject '{subject}'."),
        )
    }

    pub fn schema_not_found(what: &str) -> Self {
        Self::NotFound(codes::SCHEMA_NOT_FOUND, format!("Schema {what} not found."))
    }

    /// 422 (42210) unless `json` nests arrays and objects at most `limit` deep; `what` names it
    /// in the message ("The request", "Schema").
    pub fn check_nesting(what: &str, json: &[u8], limit: usize) -> Result<(), Self> {
        if registry_core::json::nesting_exceeds(json, limit) {
            return Err(Self::Unprocessable(
                codes::NESTING_TOO_DEEP,
                format!("{what} nests JSON deeper than {limit} levels"),
            ));
        }
        Ok(())
    }

    pub fn invalid_schema(message: impl std::fmt::Display) -> Self {
        Self::Unprocessable(codes::INVALID_SCHEMA, format!("Invalid schema: {message}"))
    }

    fn parts(&self) -> (StatusCode, u32, String) {
        match self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, 400, m.clone()),
            Self::Unauthorized(m) => (StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, m.clone()),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, codes::FORBIDDEN, m.clone()),
            Self::NotFound(code, m) => (StatusCode::NOT_FOUND, *code, m.clone()),
            Self::Incompatible(m) => (StatusCode::CONFLICT, codes::INCOMPATIBLE_SCHEMA, m.clone()),
            Self::PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::PAYLOAD_TOO_LARGE,
                m.clone(),
            ),
            Self::UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                m.clone(),
            ),
            Self::Unprocessable(code, m) => (StatusCode::UNPROCESSABLE_ENTITY, *code, m.clone()),
            Self::RateLimited(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                "Rate limit exceeded".into(),
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "Internal server error".into(),
            ),
            Self::Unavailable(code, m) => (StatusCode::SERVICE_UNAVAILABLE, *code, m.clone()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (status, error_code, message) = self.parts();
        let body = serde_json::to_vec(&ErrorBody {
            error_code,
            message,
        })
        .expect("error body serialises");
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(super::CONTENT_TYPE),
        );
        let retry = match self {
            Self::RateLimited(secs) => Some(secs),
            Self::Unavailable(..) => Some(1),
            _ => None,
        };
        if let Some(secs) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match &e {
            StoreError::Database(sqlx::Error::PoolTimedOut) => {
                tracing::warn!(error = %e, "database pool timed out");
                metrics::counter!("registry_db_pool_wait_timeouts_total").increment(1);
                Self::Unavailable(codes::TIMEOUT, "The database did not answer in time".into())
            }
            StoreError::CircuitOpen => Self::Unavailable(
                codes::STORE_ERROR,
                "The database is unavailable; retry shortly".into(),
            ),
            _ if e.is_outage() => {
                tracing::warn!(error = %e, "database unreachable");
                Self::Unavailable(codes::STORE_ERROR, "The database is unavailable".into())
            }
            _ => Self::Internal(e.to_string()),
        }
    }
}

impl From<RegisterError> for ApiError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Rejected(r) if r.code == codes::INCOMPATIBLE_SCHEMA => {
                Self::Incompatible(r.message)
            }
            RegisterError::Rejected(r) => Self::Unprocessable(r.code, r.message),
            RegisterError::Store(e) => e.into(),
        }
    }
}

/// Maps a delete failure for `subject` (and `version`, when one version was deleted).
pub fn delete_error(e: DeleteError, subject: &str, version: Option<i32>) -> ApiError {
    let what = version.map_or_else(
        || format!("Subject '{subject}'"),
        |v| format!("Version {v} of subject '{subject}'"),
    );
    match e {
        DeleteError::SubjectNotFound => ApiError::subject_not_found(subject),
        DeleteError::VersionNotFound => {
            ApiError::version_not_found(subject, &version.unwrap_or_default().to_string())
        }
        DeleteError::AlreadySoftDeleted => {
            let code = if version.is_some() {
                codes::VERSION_SOFT_DELETED
            } else {
                codes::SUBJECT_SOFT_DELETED
            };
            ApiError::NotFound(
                code,
                format!("{what} was soft deleted. Set permanent=true to delete permanently"),
            )
        }
        DeleteError::NotSoftDeleted => {
            let code = if version.is_some() {
                codes::VERSION_NOT_SOFT_DELETED
            } else {
                codes::SUBJECT_NOT_SOFT_DELETED
            };
            ApiError::NotFound(
                code,
                format!("{what} was not deleted first before being permanently deleted"),
            )
        }
        DeleteError::Referenced(ids) => ApiError::Unprocessable(
            codes::REFERENCE_EXISTS,
            format!(
                "One or more references exist to the schema {{{what}}}: referenced by schema ids {ids:?}"
            ),
        ),
        DeleteError::Store(e) => e.into(),
    }
}
