//! What the store gives and takes, as typed records: the schema and version records the
//! service works with, the settings of a scope, events, keys, edges and search pages. Row
//! structs as the databases return them are in [`super::rows`].

use registry_core::change::Change;
use registry_core::invalidation::EventKind;
use registry_core::{SchemaReference, SchemaType};

/// A stored schema (one row per fingerprint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchema {
    pub id: i64,
    pub fingerprint: String,
    pub guid: String,
    pub schema_type: SchemaType,
    pub text: String,
    pub references: Vec<SchemaReference>,
}

/// A version of a subject, joined with its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub subject: String,
    pub version: i32,
    pub deleted: bool,
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    /// When the version was registered (milliseconds since 1970).
    pub registered_ms: Option<i64>,
    /// When its record was last rewritten (a soft delete), if it was.
    pub rewritten_ms: Option<i64>,
    /// The schema's id in the subject's named context (`None` in the default context, whose
    /// ids are the schema rows' own).
    pub context_id: Option<i64>,
    pub schema: StoredSchema,
}

impl VersionRecord {
    /// The schema's id as the subject's context gives it.
    pub fn id(&self) -> i64 {
        self.context_id.unwrap_or(self.schema.id)
    }
}

/// A version's number and state, without its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionState {
    pub version: i32,
    pub deleted: bool,
}

/// Where a schema is used.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Usage {
    pub subject: String,
    pub version: i32,
    pub deleted: bool,
}

/// Which versions a read includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deleted {
    /// Only live versions (the default).
    #[default]
    Exclude,
    /// Live and soft-deleted.
    Include,
    /// Only soft-deleted.
    Only,
}

impl Deleted {
    pub fn from_flags(deleted: bool, deleted_only: bool) -> Self {
        match (deleted, deleted_only) {
            (_, true) => Self::Only,
            (true, false) => Self::Include,
            (false, false) => Self::Exclude,
        }
    }
}

/// The settings stored for one scope (a subject, or the global one); `None` where unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Settings {
    pub compatibility: Option<String>,
    pub mode: Option<String>,
    /// The other configuration fields, as JSON (`registry_core::config::ConfigFields`).
    pub config: Option<String>,
}

/// A setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Compatibility,
    Mode,
    /// The configuration fields beyond the level, as one JSON value.
    Config,
}

impl Setting {
    /// The column (subjects) and key (global settings) it is stored under.
    pub fn column(self) -> &'static str {
        match self {
            Self::Compatibility => "compatibility",
            Self::Mode => "mode",
            Self::Config => "config",
        }
    }

    /// The kind of event that records a change of it.
    pub fn event(self) -> EventKind {
        match self {
            Self::Compatibility | Self::Config => EventKind::Config,
            Self::Mode => EventKind::Mode,
        }
    }

    /// Its value in `settings`.
    pub fn of(self, settings: &Settings) -> Option<&str> {
        match self {
            Self::Compatibility => settings.compatibility.as_deref(),
            Self::Mode => settings.mode.as_deref(),
            Self::Config => settings.config.as_deref(),
        }
    }
}

/// A schema to insert.
#[derive(Debug, Clone)]
pub struct NewSchema<'a> {
    /// The imported id, or one the allocator handed out.
    pub id: i64,
    pub fingerprint: &'a str,
    pub schema_type: SchemaType,
    pub text: &'a str,
    pub references: &'a [SchemaReference],
}

/// A version to insert.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub subject: &'a str,
    pub version: i32,
    pub schema_id: i64,
    pub metadata: Option<&'a str>,
    pub rule_set: Option<&'a str>,
    /// When it is registered (milliseconds since 1970).
    pub registered_ms: i64,
    /// The schema's id in the subject's named context.
    pub context_id: Option<i64>,
}

/// An event of the log, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub seq: i64,
    pub kind: EventKind,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub schema_id: Option<i64>,
    /// The cache keys the change made stale ([`Change::stale_keys`] when it was written).
    pub keys: Vec<String>,
    pub actor: String,
    pub created_at: String,
    /// What changed beyond the kind, as JSON (settings: from/to; keys: action, key, role).
    pub detail: Option<String>,
}

/// An event to append: the change, who made it, and what else to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub change: &'a Change,
    pub actor: &'a str,
    pub detail: Option<String>,
}

/// An API key as stored: never its secret, only the secret's SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKeyRecord {
    pub id: String,
    pub name: String,
    pub role: String,
    pub secret_hash: String,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

/// An edge as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EdgeRecord {
    pub url: String,
    pub cursor: i64,
    pub last_error: Option<String>,
    pub last_attempt_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
    /// Its own invalidation secret (`None`: the server's); never shown.
    pub secret: Option<String>,
}

/// An association as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssociationRecord {
    pub resource_type: String,
    pub resource_id: String,
    pub association_type: String,
    pub resource_name: String,
    pub resource_namespace: String,
    pub subject: String,
    /// `STRONG` or `WEAK`.
    pub lifecycle: String,
    pub frozen: bool,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// Which associations to list: by subject, by resource name (namespace `-`: any), or by id,
/// of one resource type.
#[derive(Debug, Clone, Copy)]
pub enum AssociationKey<'a> {
    Subject(&'a str),
    ResourceName { namespace: &'a str, name: &'a str },
    ResourceId(&'a str),
}

/// A search (`GET /search`).
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    /// Free text; its words are matched as prefixes, all of them.
    pub text: String,
    /// A schema type, or `None` for any.
    pub schema_type: Option<SchemaType>,
    pub subject_prefix: String,
    /// A metadata tag the hit must carry (exact, case-insensitive), or empty.
    pub tag: String,
    pub offset: i64,
    pub limit: i64,
}

/// One hit: a subject's highest matching live version.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub subject: String,
    pub version: i32,
    pub id: i64,
    pub schema_type: String,
    pub tags: Vec<String>,
    /// Higher is better; 0 when the query has no words.
    pub score: f64,
}

/// A page of hits and how many there are in all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchPage {
    pub total: i64,
    pub hits: Vec<SearchHit>,
}

/// A version without a search document (stored before the index existed).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Unindexed {
    pub subject: String,
    pub version: i32,
    pub schema_id: i64,
    pub schema_type: String,
    pub schema_text: String,
    pub metadata: Option<String>,
}

/// A key encryption key as stored (`kms_props` as a JSON object, secrets included).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KekRecord {
    /// `.` for the default context.
    pub context: String,
    pub name: String,
    pub kms_type: String,
    pub kms_key_id: String,
    pub kms_props: String,
    pub doc: Option<String>,
    pub shared: bool,
    pub deleted: bool,
    pub updated_ms: i64,
}

/// A data encryption key as stored: only as its KEK's KMS wrapped it (base64).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DekRecord {
    /// The context of the KEK (the subject's).
    pub context: String,
    pub kek_name: String,
    pub subject: String,
    pub algorithm: String,
    pub version: i32,
    pub encrypted_key_material: String,
    pub deleted: bool,
    pub updated_ms: i64,
}

/// Which DEK rows a statement is about: one KEK's, optionally of one subject and algorithm,
/// optionally one version.
#[derive(Debug, Clone, Copy)]
pub struct DekScope<'a> {
    pub context: &'a str,
    pub kek_name: &'a str,
    pub subject: Option<&'a str>,
    pub algorithm: Option<&'a str>,
    pub version: Option<i32>,
}
