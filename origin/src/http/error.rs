//! The one place errors become responses: the Confluent body `{"error_code": N, "message":
//! "..."}` with the status each case documents. [`ApiError`] adds to the service's errors the
//! ones only HTTP has (unreadable requests, credentials, rate limits); internal and database
//! details are logged here and answered with a generic message.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use registry_core::api::{ErrorBody, codes};
use registry_core::budget::Exceeded;
use registry_core::limits::LimitError;

use crate::service::{KeyError, ServiceError};
use crate::store::Setting;

#[derive(Debug, Clone)]
pub enum ApiError {
    /// 400: a request that cannot be read (malformed JSON, bad query parameter).
    BadRequest(String),
    /// 401 (40101): no or unknown credentials.
    Unauthorized(String),
    /// 403 (40301): credentials without the needed role.
    Forbidden(String),
    /// 404 (404): no such endpoint.
    NoRoute,
    /// 406 (406): an `Accept` the API cannot answer.
    NotAcceptable,
    /// 408 (408): the body did not arrive in time.
    BodyTimeout,
    /// 413 (41301): the body is larger than allowed.
    PayloadTooLarge(String),
    /// 422 (42210): the body nests JSON deeper than the limit.
    NestingTooDeep(usize),
    /// 415 (41501): a content type the API does not take.
    UnsupportedMediaType(String),
    /// 429 (42901): over the rate limit; seconds to wait.
    RateLimited(u64),
    /// 503 (50301): the server is overloaded.
    Overloaded,
    /// 503 (50002): the request took longer than allowed.
    TimedOut,
    /// Whatever the service layer answered.
    Service(ServiceError),
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Service(e.into())
    }
}

/// A status, a Confluent code and a message.
type Parts = (StatusCode, u32, String);

fn not_found(code: u32, message: String) -> Parts {
    (StatusCode::NOT_FOUND, code, message)
}

fn unprocessable(code: u32, message: String) -> Parts {
    (StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// `Subject 's'` or `Subject 's' Version 1`, as Confluent's messages name them.
fn what(subject: &str, version: Option<i32>) -> String {
    version.map_or_else(
        || format!("Subject '{subject}'"),
        |v| format!("Subject '{subject}' Version {v}"),
    )
}

/// The DEK registry's errors, as Confluent's.
fn key_parts(e: &KeyError) -> Parts {
    let message = e.to_string();
    match e {
        KeyError::NotFound(_) => not_found(codes::KEY_NOT_FOUND, message),
        KeyError::NotSoftDeleted(_) => not_found(codes::KEY_NOT_SOFT_DELETED, message),
        KeyError::SoftDeleted(_) => not_found(codes::KEY_SOFT_DELETED, message),
        KeyError::Exists(_) => (StatusCode::CONFLICT, codes::KEY_EXISTS, message),
        KeyError::TooMany(_) => (StatusCode::CONFLICT, codes::TOO_MANY_KEYS, message),
        KeyError::Invalid(_) => unprocessable(codes::INVALID_KEY, message),
        KeyError::Referenced(_) => unprocessable(codes::KEY_REFERENCE_EXISTS, message),
        KeyError::Generation(_) => {
            tracing::error!(%message, "DEK generation failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::DEK_GENERATION,
                message,
            )
        }
    }
}

/// Every service error, mapped: one exhaustive table.
#[allow(clippy::too_many_lines)]
fn service_parts(e: &ServiceError) -> Parts {
    use ServiceError as E;
    match e {
        E::SubjectNotFound { subject } => not_found(
            codes::SUBJECT_NOT_FOUND,
            format!("Subject '{subject}' not found."),
        ),
        E::VersionNotFound { version, .. } => not_found(
            codes::VERSION_NOT_FOUND,
            format!("Version {version} not found."),
        ),
        E::SchemaNotFound { id } => {
            not_found(codes::SCHEMA_NOT_FOUND, format!("Schema {id} not found"))
        }
        E::SchemaNotInSubject { .. } => {
            not_found(codes::SCHEMA_NOT_FOUND, "Schema not found".into())
        }
        E::NoMatchingMetadata { subject } => not_found(
            codes::SCHEMA_NOT_FOUND,
            format!("No version of subject '{subject}' has the given metadata."),
        ),
        E::SoftDeleted { subject, version } => not_found(
            if version.is_some() {
                codes::VERSION_SOFT_DELETED
            } else {
                codes::SUBJECT_SOFT_DELETED
            },
            format!(
                "{} was soft deleted.Set permanent=true to delete permanently",
                what(subject, *version)
            ),
        ),
        E::NotSoftDeleted { subject, version } => not_found(
            if version.is_some() {
                codes::VERSION_NOT_SOFT_DELETED
            } else {
                codes::SUBJECT_NOT_SOFT_DELETED
            },
            format!(
                "{} was not deleted first before being permanently deleted",
                what(subject, *version)
            ),
        ),
        E::NotConfigured {
            subject,
            setting: Setting::Compatibility | Setting::Config,
        } => not_found(
            codes::SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
            format!("Subject '{subject}' does not have subject-level compatibility configured"),
        ),
        E::NotConfigured {
            subject,
            setting: Setting::Mode,
        } => not_found(
            codes::SUBJECT_MODE_NOT_CONFIGURED,
            format!("Subject '{subject}' does not have subject-level mode configured"),
        ),
        E::NotFound(m) => not_found(codes::NOT_FOUND, m.clone()),
        E::Incompatible(m) => (StatusCode::CONFLICT, codes::INCOMPATIBLE_SCHEMA, m.clone()),
        E::InvalidSchema(m) => unprocessable(codes::INVALID_SCHEMA, format!("Invalid schema: {m}")),
        E::InvalidVersion(v) => unprocessable(
            codes::INVALID_VERSION,
            format!(
                "The specified version '{v}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
            ),
        ),
        E::VersionExists { subject, version } => unprocessable(
            codes::INVALID_VERSION,
            format!("version {version} of subject {subject} already exists"),
        ),
        E::InvalidCompatibilityLevel(l) => unprocessable(
            codes::INVALID_COMPATIBILITY_LEVEL,
            format!(
                "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive; got '{l}'"
            ),
        ),
        E::InvalidMode(m) => unprocessable(
            codes::INVALID_MODE,
            format!(
                "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT; got '{m}'"
            ),
        ),
        // sic: Confluent's wording.
        E::InvalidSubject(s) => unprocessable(
            codes::INVALID_SUBJECT,
            format!("The specified subject '{s}' is not a valid."),
        ),
        // Confluent answers 42205 too when an IMPORT would give an id to other content.
        E::NotPermitted(m) | E::IdConflict(m) => {
            unprocessable(codes::OPERATION_NOT_PERMITTED, m.clone())
        }
        E::Referenced {
            subject,
            version,
            ids,
        } => unprocessable(
            codes::REFERENCE_EXISTS,
            format!(
                "One or more references exist to the schema {{{}}}: referenced by schema ids {ids:?}",
                what(subject, *version)
            ),
        ),
        E::EmptySchema => unprocessable(codes::INVALID_SCHEMA, "Empty schema".into()),
        E::AssociationExists(m) => (StatusCode::CONFLICT, codes::ASSOCIATION_EXISTS, m.clone()),
        E::AssociationFrozen(m) => (StatusCode::CONFLICT, codes::ASSOCIATION_FROZEN, m.clone()),
        E::AssociationNotFound(m) => not_found(codes::ASSOCIATION_NOT_FOUND, m.clone()),
        E::InvalidAssociation(m) => unprocessable(codes::INVALID_ASSOCIATION, m.clone()),
        E::ContextNotEmpty(context) => unprocessable(
            codes::CONTEXT_NOT_EMPTY,
            format!("Context {context} is not empty"),
        ),
        E::TooComplex(Exceeded::Cancelled) => (
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "The check was cancelled".into(),
        ),
        E::TooComplex(limit) => unprocessable(
            codes::INVALID_SCHEMA,
            format!("Invalid schema: too complex to check ({limit})"),
        ),
        E::Limit(limit @ LimitError::TooLarge { .. }) => {
            unprocessable(codes::SCHEMA_TOO_LARGE, limit.to_string())
        }
        E::Limit(limit @ LimitError::TooDeep { .. }) => {
            unprocessable(codes::NESTING_TOO_DEEP, limit.to_string())
        }
        E::Invalid(m) => unprocessable(codes::UNPROCESSABLE, m.clone()),
        E::DoesNotFit {
            profile,
            diagnostics,
        } => unprocessable(
            codes::DOES_NOT_FIT,
            format!(
                "The schema does not fit the LLM profile {profile}: {}",
                diagnostics
                    .iter()
                    .map(|d| format!("{} at '{}' ({})", d.message, d.path, d.rule))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
        E::Unavailable { timeout: true } => (
            StatusCode::SERVICE_UNAVAILABLE,
            codes::TIMEOUT,
            "The database did not answer in time".into(),
        ),
        E::Unavailable { timeout: false } => (
            StatusCode::SERVICE_UNAVAILABLE,
            codes::STORE_ERROR,
            "The database is unavailable; retry shortly".into(),
        ),
        E::Busy => (
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "The registry is busy; retry shortly".into(),
        ),
        E::Key(k) => key_parts(k),
        E::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                codes::INTERNAL,
                "Internal server error".into(),
            )
        }
    }
}

impl ApiError {
    /// The Confluent error body this error answers with.
    pub fn body(&self) -> ErrorBody {
        let (_, error_code, message) = self.parts();
        ErrorBody {
            error_code,
            message,
        }
    }

    fn parts(&self) -> Parts {
        match self {
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, 400, m.clone()),
            Self::Unauthorized(m) => (StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, m.clone()),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, codes::FORBIDDEN, m.clone()),
            Self::NoRoute => not_found(codes::NOT_FOUND, "HTTP 404 Not Found".into()),
            Self::NotAcceptable => (
                StatusCode::NOT_ACCEPTABLE,
                codes::NOT_ACCEPTABLE,
                "HTTP 406 Not Acceptable".into(),
            ),
            Self::BodyTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                408,
                "The request body was not received in time".into(),
            ),
            Self::PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::PAYLOAD_TOO_LARGE,
                m.clone(),
            ),
            Self::NestingTooDeep(limit) => unprocessable(
                codes::NESTING_TOO_DEEP,
                format!("The request nests JSON deeper than {limit} levels"),
            ),
            Self::UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                m.clone(),
            ),
            Self::RateLimited(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                "Rate limit exceeded".into(),
            ),
            Self::Overloaded => (
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                "The registry is overloaded; retry shortly".into(),
            ),
            Self::TimedOut => (
                StatusCode::SERVICE_UNAVAILABLE,
                codes::TIMEOUT,
                "The request timed out".into(),
            ),
            Self::Service(e) => service_parts(e),
        }
    }

    /// Seconds a client should wait before retrying, for the `Retry-After` header.
    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited(secs) => Some(*secs),
            Self::Overloaded
            | Self::TimedOut
            | Self::Service(ServiceError::Unavailable { .. } | ServiceError::Busy) => Some(1),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error_code, message) = self.parts();
        let mut body = serde_json::to_value(ErrorBody {
            error_code,
            message,
        })
        .expect("error body serialises");
        if let Self::Service(ServiceError::DoesNotFit { diagnostics, .. }) = &self {
            body["diagnostics"] = serde_json::to_value(diagnostics).expect("diagnostics serialise");
        }
        let body = serde_json::to_vec(&body).expect("error body serialises");
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(super::respond::CONTENT_TYPE),
        );
        if let Some(secs) = self.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_never_reach_the_client() {
        let e = ApiError::from(ServiceError::Internal(
            "stored schema 1 does not parse".into(),
        ));
        let (status, code, message) = e.parts();
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(code, codes::INTERNAL);
        assert_eq!(message, "Internal server error");
        let outage = ApiError::from(ServiceError::Unavailable { timeout: false });
        assert_eq!(outage.parts().0, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(outage.retry_after(), Some(1));
    }
}
