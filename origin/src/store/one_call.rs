//! A registration written in one round trip, where the backend has a stored function for it
//! (PostgreSQL: `registry_register`, migrations 0014 and 0016). The step-by-step transaction
//! takes about fifteen statements, each a round trip that costs both processes a wake-up; the
//! function takes the lock, confirms the subject is as the caller's checks saw it, and writes the
//! same rows (the notification of other processes follows the commit, from `notifier.rs`).
//! It never refuses: what it does not handle (an IMPORT id in use, a version taken, ids past the
//! top) it declines, and the caller runs the transaction, which gives the answer.

use registry_core::search::SearchTerms;
use registry_core::{SchemaReference, SchemaType};
use sqlx::PgPool;

use super::StoreError;

/// What the caller's checks saw: the subject's and the global compatibility and mode, raw, and
/// the live versions, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    pub compatibility: Option<String>,
    pub mode: Option<String>,
    pub global_compatibility: Option<String>,
    pub global_mode: Option<String>,
    pub live: Vec<i32>,
}

/// A registration in the default context, with no metadata stamp.
pub struct OneCall<'a> {
    pub subject: &'a str,
    pub seen: &'a Seen,
    /// The schema (its row is found by fingerprint, or made).
    pub fingerprint: &'a str,
    pub schema_type: SchemaType,
    pub text: &'a str,
    pub references: &'a [SchemaReference],
    pub metadata: Option<&'a str>,
    pub rule_set: Option<&'a str>,
    /// When it is registered (milliseconds since 1970).
    pub registered_ms: i64,
    /// IMPORT: the id and version to register under (otherwise the next ones).
    pub import_id: Option<i64>,
    pub import_version: Option<i32>,
    pub max_id: i64,
    pub terms: &'a SearchTerms,
    pub event_kind: &'a str,
    /// The event's stale keys as a JSON array, but for the schema usage key, which needs the id.
    pub keys_before_id: &'a str,
    pub actor: &'a str,
}

/// What the call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneCallOutcome {
    /// Written and committed: the schema row's id and the version.
    Written { row: i64, version: i32 },
    /// The subject is not as the checks saw it: nothing was written.
    Moved,
    /// Not a case the function handles: nothing was written.
    Declined,
}

const MOVED: &str = "RG001";
const DECLINED: &str = "RG002";

const CALL: &str = "SELECT o_id, o_version FROM registry_register(\
     $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
     $21, $22, $23, $24, $25, $26, $27, $28)";

/// Runs [`OneCall`] on PostgreSQL.
pub async fn register_pg(pool: &PgPool, r: &OneCall<'_>) -> Result<OneCallOutcome, StoreError> {
    let refs = r.references;
    let names: Vec<&str> = refs.iter().map(|x| x.name.as_str()).collect();
    let subjects: Vec<&str> = refs.iter().map(|x| x.subject.as_str()).collect();
    let versions: Vec<i32> = refs.iter().map(|x| x.version).collect();
    let refs_json = super::rows::references_json(refs);
    let guid = registry_core::types::guid_of(r.fingerprint);
    let answer = sqlx::query_as::<_, (i64, i32)>(CALL)
        .bind(r.subject)
        .bind(r.seen.compatibility.as_deref())
        .bind(r.seen.mode.as_deref())
        .bind(r.seen.global_compatibility.as_deref())
        .bind(r.seen.global_mode.as_deref())
        .bind(&r.seen.live)
        .bind(r.fingerprint)
        .bind(r.schema_type.as_str())
        .bind(r.text)
        .bind(&refs_json)
        .bind(&guid)
        .bind(&names)
        .bind(&subjects)
        .bind(&versions)
        .bind(r.import_id)
        .bind(r.import_version)
        .bind(r.max_id)
        .bind(r.metadata)
        .bind(r.rule_set)
        .bind(r.registered_ms)
        .bind(r.terms.subject.as_str())
        .bind(r.terms.names.as_str())
        .bind(r.terms.tags.as_str())
        .bind(r.terms.docs.as_str())
        .bind(r.terms.body.as_str())
        .bind(r.event_kind)
        .bind(r.keys_before_id)
        .bind(r.actor)
        .fetch_one(pool)
        .await;
    match answer {
        Ok((row, version)) => Ok(OneCallOutcome::Written { row, version }),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(MOVED) => {
            Ok(OneCallOutcome::Moved)
        }
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(DECLINED) => {
            Ok(OneCallOutcome::Declined)
        }
        Err(e) => Err(e.into()),
    }
}
