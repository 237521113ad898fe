//! The one error type of the service layer: what went wrong in domain terms. The HTTP layer
//! maps each variant to a status and a Confluent error code in one place
//! (`crate::http::error`); database and internal details are logged there, never sent.

use registry_core::budget::Exceeded;
use registry_core::limits::LimitError;

use crate::store::{Outage, Setting, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("subject {subject} not found")]
    SubjectNotFound { subject: String },
    #[error("version {version} of {subject} not found")]
    VersionNotFound { subject: String, version: String },
    /// No schema with this id (as written in the request).
    #[error("schema {id} not found")]
    SchemaNotFound { id: String },
    /// A lookup found no version of the subject with the schema.
    #[error("schema not found under subject {subject}")]
    SchemaNotInSubject { subject: String },
    /// No version of the subject has the metadata asked for.
    #[error("no version of {subject} has the metadata")]
    NoMatchingMetadata { subject: String },
    /// Soft-deleting what is already soft-deleted (a version, or the whole subject).
    #[error("already soft-deleted")]
    SoftDeleted {
        subject: String,
        version: Option<i32>,
    },
    /// Permanently deleting what was not soft-deleted first.
    #[error("not soft-deleted first")]
    NotSoftDeleted {
        subject: String,
        version: Option<i32>,
    },
    /// A subject has no setting of its own.
    #[error("{setting:?} not configured for {subject}")]
    NotConfigured { subject: String, setting: Setting },
    /// Something of the registry's own that does not exist (an edge, a key).
    #[error("{0}")]
    NotFound(String),
    #[error("incompatible: {0}")]
    Incompatible(String),
    #[error("invalid schema: {0}")]
    InvalidSchema(String),
    /// A request without a schema, or with an empty one.
    #[error("empty schema")]
    EmptySchema,
    #[error("invalid version {0}")]
    InvalidVersion(String),
    /// IMPORT of a version number the subject already has.
    #[error("version {version} of {subject} exists")]
    VersionExists { subject: String, version: i32 },
    #[error("invalid compatibility level {0}")]
    InvalidCompatibilityLevel(String),
    #[error("invalid mode {0}")]
    InvalidMode(String),
    #[error("invalid subject {0}")]
    InvalidSubject(String),
    #[error("not permitted: {0}")]
    NotPermitted(String),
    /// Other schemas reference what was to be deleted (a version, or the whole subject).
    #[error("referenced by {ids:?}")]
    Referenced {
        subject: String,
        version: Option<i32>,
        ids: Vec<i64>,
    },
    #[error("id conflict: {0}")]
    IdConflict(String),
    /// The resource already has an association of the type (or the subject a strong one).
    #[error("{0}")]
    AssociationExists(String),
    #[error("{0}")]
    AssociationNotFound(String),
    #[error("{0}")]
    AssociationFrozen(String),
    #[error("{0}")]
    InvalidAssociation(String),
    /// The DEK registry's own errors (Confluent's 404xx/409xx/422xx/500xx for keys).
    #[error("{0}")]
    Key(KeyError),
    /// A context still holding versions cannot be deleted.
    #[error("context {0} is not empty")]
    ContextNotEmpty(String),
    /// A compatibility check that needs more work than a check may do (which limit), or whose
    /// caller went away.
    #[error("{0}")]
    TooComplex(Exceeded),
    /// A schema text over the size or nesting limits.
    #[error("{0}")]
    Limit(LimitError),
    /// A schema that does not fit an LLM profile: a registration under `llmProfiles`, or an
    /// export.
    #[error("does not fit {profile}")]
    DoesNotFit {
        profile: String,
        diagnostics: Vec<registry_core::llm::Diagnostic>,
    },
    /// Any other request that is understood but cannot be done.
    #[error("{0}")]
    Invalid(String),
    /// The database cannot be reached, or did not answer in time.
    #[error("database unavailable (timeout: {timeout})")]
    Unavailable { timeout: bool },
    /// Every worker for CPU-bound work is busy.
    #[error("no worker free for CPU-bound work")]
    Busy,
    /// A fault of ours; the text is for the log.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        if e.is_pool_timeout() {
            tracing::warn!(error = %e, "database pool timed out");
            metrics::counter!("registry_db_pool_wait_timeouts_total").increment(1);
            return Self::Unavailable { timeout: true };
        }
        if e.is_outage() {
            if !matches!(e, StoreError::CircuitOpen) {
                tracing::warn!(error = %e, "database unreachable");
            }
            return Self::Unavailable { timeout: false };
        }
        Self::Internal(e.to_string())
    }
}

impl Outage for ServiceError {
    fn is_outage(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

impl ServiceError {
    pub fn invalid_schema(e: impl std::fmt::Display) -> Self {
        Self::InvalidSchema(e.to_string())
    }
}

/// The DEK registry's errors, with Confluent's texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("Key '{0}' not found")]
    NotFound(String),
    #[error("Key '{0}' was not deleted first before being permanently deleted")]
    NotSoftDeleted(String),
    #[error("Key '{0}' must be undeleted first")]
    SoftDeleted(String),
    #[error("Key '{0}' already exists; use a different value")]
    Exists(String),
    #[error("A maximum of {0} keys already exist")]
    TooMany(i64),
    /// The whole message (see [`KeyError::invalid`]).
    #[error("{0}")]
    Invalid(String),
    #[error("One or more references exist to the key '{0}'")]
    Referenced(String),
    /// The registry could not wrap or unwrap a shared KEK's DEK with its KMS.
    #[error("{0}")]
    Generation(String),
}

impl KeyError {
    /// Confluent's 42271 for `field`.
    pub fn invalid(field: &str) -> ServiceError {
        Self::invalid_because(field, "")
    }

    /// 42271 for `field`, with why.
    pub fn invalid_because(field: &str, why: &str) -> ServiceError {
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(": {why}")
        };
        ServiceError::Key(Self::Invalid(format!(
            "Invalid or missing value for field '{field}' of key{why}"
        )))
    }
}

impl From<KeyError> for ServiceError {
    fn from(e: KeyError) -> Self {
        Self::Key(e)
    }
}
