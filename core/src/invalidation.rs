//! Invalidation messages from the origin to every edge, signed with HMAC-SHA256.
//!
//! The origin sends `POST /_registry/invalidate` with the batch as the body and two headers:
//! [`TIMESTAMP_HEADER`] (Unix seconds) and [`SIGNATURE_HEADER`] (hex HMAC-SHA256 over
//! `"{timestamp}.{body}"`). The edge rejects a bad signature, a timestamp more than
//! [`MAX_SKEW_SECS`] away from its clock, and a batch `nonce` it has seen (a replay). Each
//! delivery attempt has a fresh nonce, so retries are accepted and applied idempotently by `seq`.
//! The batch names the edge it is for, so one captured on its way to one edge is refused by the
//! others; applying a batch twice only drops cache entries again, so a replay is harmless.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-registry-timestamp";
pub const SIGNATURE_HEADER: &str = "x-registry-signature";
/// How far a message's timestamp may be from the receiver's clock.
pub const MAX_SKEW_SECS: i64 = 300;

/// What happened, as an event of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    #[default]
    Register,
    SoftDeleteVersion,
    DeleteVersion,
    SoftDeleteSubject,
    DeleteSubject,
    Config,
    Mode,
    KeyAdmin,
    /// A KEK or DEK of the DEK registry created, changed or deleted (nothing cached).
    EncryptionKey,
}

impl EventKind {
    pub const ALL: [Self; 9] = [
        Self::Register,
        Self::SoftDeleteVersion,
        Self::DeleteVersion,
        Self::SoftDeleteSubject,
        Self::DeleteSubject,
        Self::Config,
        Self::Mode,
        Self::KeyAdmin,
        Self::EncryptionKey,
    ];

    /// The name stored in the event log (`register`, `soft_delete_version`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SoftDeleteVersion => "soft_delete_version",
            Self::DeleteVersion => "delete_version",
            Self::SoftDeleteSubject => "soft_delete_subject",
            Self::DeleteSubject => "delete_subject",
            Self::Config => "config",
            Self::Mode => "mode",
            Self::KeyAdmin => "key_admin",
            Self::EncryptionKey => "encryption_key",
        }
    }

    /// The kind stored as `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// One change, with the cache keys it makes stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidationEvent {
    pub seq: i64,
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Keys in the [`crate::cache_key::CacheKey`] scheme.
    pub keys: Vec<String>,
}

/// A batch of events, in `seq` order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidationBatch {
    /// Unique per delivery attempt: a repeated nonce is a replay.
    pub nonce: String,
    /// The edge it is for (its URL as the origin knows it), inside what is signed: a batch
    /// captured on its way to one edge is refused by every other.
    pub edge: String,
    pub events: Vec<InvalidationEvent>,
}

impl InvalidationBatch {
    pub fn max_seq(&self) -> Option<i64> {
        self.events.iter().map(|e| e.seq).max()
    }

    /// Whether the batch is for the edge answering at `url` (scheme, host and port compared;
    /// a path the origin added is the edge's own).
    pub fn is_for(&self, url: &str) -> bool {
        fn origin(u: &str) -> String {
            let (scheme, rest) = u.split_once("://").unwrap_or(("", u));
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                authority.to_ascii_lowercase()
            )
        }
        origin(&self.edge) == origin(url)
    }
}

/// Why a message was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("missing or malformed signature headers")]
    Malformed,
    #[error("bad signature")]
    BadSignature,
    #[error("timestamp outside the allowed window")]
    Stale,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The hex signature of `body` sent at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// Checks a signature (in constant time) and the timestamp against `now` (Unix seconds).
pub fn verify(
    secret: &[u8],
    timestamp: &str,
    body: &[u8],
    signature: &str,
    now: i64,
) -> Result<(), VerifyError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::Malformed)?;
    let sig = hex::decode(signature.trim()).map_err(|_| VerifyError::Malformed)?;
    mac(secret, ts, body)
        .verify_slice(&sig)
        .map_err(|_| VerifyError::BadSignature)?;
    if (now - ts).abs() > MAX_SKEW_SECS {
        return Err(VerifyError::Stale);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_stored_by_their_serde_names() {
        for kind in EventKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json.as_str(), Some(kind.as_str()));
            assert_eq!(EventKind::from_name(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_batch_names_its_edge() {
        let batch = InvalidationBatch {
            nonce: "n".into(),
            edge: "http://127.0.0.1:8787".into(),
            events: Vec::new(),
        };
        assert!(batch.is_for("http://127.0.0.1:8787/_registry/invalidate"));
        assert!(batch.is_for("HTTP://127.0.0.1:8787/"));
        assert!(!batch.is_for("http://127.0.0.1:8788/_registry/invalidate"));
        assert!(!batch.is_for("https://127.0.0.1:8787/"));
    }

    #[test]
    fn sign_and_verify() {
        let body = br#"{"nonce":"n","events":[]}"#;
        let sig = sign(b"secret", 1000, body);
        assert_eq!(verify(b"secret", "1000", body, &sig, 1100), Ok(()));
        assert_eq!(
            verify(b"other", "1000", body, &sig, 1100),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(b"secret", "1001", body, &sig, 1100),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(b"secret", "1000", b"{}", &sig, 1100),
            Err(VerifyError::BadSignature)
        );
        assert_eq!(
            verify(b"secret", "1000", body, &sig, 1000 + MAX_SKEW_SECS + 1),
            Err(VerifyError::Stale)
        );
        assert_eq!(
            verify(b"secret", "x", body, &sig, 1000),
            Err(VerifyError::Malformed)
        );
    }
}
