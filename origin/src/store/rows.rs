//! Rows as both databases return them (`sqlx::FromRow`, columns by name), and their checked
//! conversion to records: a stored value the binary cannot read (an unknown schema type or
//! event kind, malformed JSON) is [`StoreError::Corrupt`], never a silent default.

use registry_core::invalidation::EventKind;
use registry_core::{SchemaReference, SchemaType};

use super::StoreError;
use super::records::{EventRecord, SearchHit, StoredSchema, VersionRecord};

/// The columns of [`SchemaRow`], from `schemas s`.
pub const SCHEMA_COLUMNS: &str =
    "s.id, s.fingerprint, s.guid, s.schema_type, s.schema_text, s.refs";

/// The columns of [`VersionRow`], from `subject_versions v JOIN schemas s`.
pub const VERSION_COLUMNS: &str = "v.subject, v.version, v.deleted, v.metadata, v.rule_set, \
     s.id, s.fingerprint, s.guid, s.schema_type, s.schema_text, s.refs";

#[derive(Debug, sqlx::FromRow)]
pub struct SchemaRow {
    pub id: i64,
    pub fingerprint: String,
    /// Set for every row since migration 0006.
    pub guid: Option<String>,
    pub schema_type: String,
    pub schema_text: String,
    /// JSON array of `{name, subject, version}`.
    pub refs: String,
}

#[derive(Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub subject: String,
    pub version: i32,
    pub deleted: bool,
    pub metadata: Option<String>,
    pub rule_set: Option<String>,
    /// Set for every row since migration 0010.
    pub created_ms: Option<i64>,
    /// Set by a soft delete since migration 0012.
    pub updated_ms: Option<i64>,
    /// Set for the versions of named contexts since migration 0011.
    pub context_id: Option<i64>,
    #[sqlx(flatten)]
    pub schema: SchemaRow,
}

#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub kind: String,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub schema_id: Option<i64>,
    /// JSON array of cache keys.
    pub keys: String,
    pub actor: String,
    pub created_at: String,
    pub detail: Option<String>,
}

#[derive(Debug, sqlx::FromRow)]
pub struct SearchRow {
    pub subject: String,
    pub version: i32,
    pub schema_id: i64,
    pub schema_type: String,
    /// Space-separated.
    pub tags: String,
    pub score: f64,
    /// How many hits the query has in all (the same on every row).
    pub total: i64,
}

/// A stored schema type: exactly a name this binary knows.
pub fn schema_type(name: &str) -> Result<SchemaType, StoreError> {
    SchemaType::ALL
        .into_iter()
        .find(|t| t.as_str() == name)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown stored schema type {name:?}")))
}

pub fn references(refs: &str) -> Result<Vec<SchemaReference>, StoreError> {
    serde_json::from_str(refs).map_err(|e| StoreError::Corrupt(format!("references column: {e}")))
}

/// The references as the `refs` column keeps them.
pub fn references_json(refs: &[SchemaReference]) -> String {
    serde_json::to_string(refs).expect("references serialise")
}

impl TryFrom<SchemaRow> for StoredSchema {
    type Error = StoreError;

    fn try_from(row: SchemaRow) -> Result<Self, StoreError> {
        Ok(Self {
            schema_type: schema_type(&row.schema_type)?,
            references: references(&row.refs)?,
            id: row.id,
            guid: row
                .guid
                .unwrap_or_else(|| registry_core::types::guid_of(&row.fingerprint)),
            fingerprint: row.fingerprint,
            text: row.schema_text,
        })
    }
}

impl TryFrom<VersionRow> for VersionRecord {
    type Error = StoreError;

    fn try_from(row: VersionRow) -> Result<Self, StoreError> {
        Ok(Self {
            subject: row.subject,
            version: row.version,
            deleted: row.deleted,
            metadata: row.metadata,
            rule_set: row.rule_set,
            registered_ms: row.created_ms,
            rewritten_ms: row.updated_ms,
            context_id: row.context_id,
            schema: row.schema.try_into()?,
        })
    }
}

impl TryFrom<EventRow> for EventRecord {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        Ok(Self {
            kind: EventKind::from_name(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown event kind {:?}", row.kind)))?,
            keys: serde_json::from_str(&row.keys)
                .map_err(|e| StoreError::Corrupt(format!("event keys: {e}")))?,
            seq: row.seq,
            subject: row.subject,
            version: row.version,
            schema_id: row.schema_id,
            actor: row.actor,
            created_at: row.created_at,
            detail: row.detail,
        })
    }
}

impl From<SearchRow> for SearchHit {
    fn from(row: SearchRow) -> Self {
        Self {
            tags: row.tags.split_whitespace().map(str::to_owned).collect(),
            subject: row.subject,
            version: row.version,
            id: row.schema_id,
            schema_type: row.schema_type,
            score: row.score,
        }
    }
}

/// Converts every row, failing on the first that cannot be read.
pub fn all<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> Result<Vec<T>, StoreError> {
    rows.into_iter().map(T::try_from).collect()
}

/// Cache keys as the `keys` column of an event keeps them.
pub fn keys_json(keys: &[registry_core::cache_key::CacheKey]) -> String {
    serde_json::to_string(&keys.iter().map(ToString::to_string).collect::<Vec<_>>())
        .expect("strings serialise")
}
