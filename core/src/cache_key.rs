//! The cache-key scheme shared by the origin's in-process cache, the edge's KV store and the
//! invalidation messages: one key per cacheable resource. Which keys a write makes stale is
//! [`crate::change::Change::stale_keys`].
//!
//! Subject names may hold any character, so they are percent-encoded inside keys.

use std::fmt;

/// A cacheable resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CacheKey {
    /// `GET /schemas/ids/{id}`: immutable.
    SchemaById(i64),
    /// `GET /schemas/guids/{guid}`: immutable.
    SchemaByGuid(String),
    /// `GET /schemas/ids/{id}/subjects` and `/versions`: grow when the schema is registered
    /// under another subject.
    SchemaUsage(i64),
    /// `GET /subjects/{s}/versions/{v}` for a number: immutable until deleted.
    SubjectVersion(String, i32),
    /// `GET /subjects/{s}/versions/latest`.
    Latest(String),
    /// `GET /subjects/{s}/versions`.
    Versions(String),
    /// `GET /subjects`.
    Subjects,
    /// `GET /config` (`None`) or `/config/{s}`.
    Config(Option<String>),
    /// `GET /mode` or `/mode/{s}`.
    Mode(Option<String>),
    /// `GET /schemas/types`.
    Types,
    /// What a server knows of an API key (created or revoked).
    ApiKey(String),
}

impl CacheKey {
    /// Whether the resource never changes once it exists (it may still be deleted).
    pub fn is_immutable(&self) -> bool {
        matches!(
            self,
            Self::SchemaById(_) | Self::SchemaByGuid(_) | Self::SubjectVersion(..)
        )
    }

    /// Parses a key written by [`fmt::Display`].
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.splitn(3, '/');
        let kind = parts.next()?;
        let a = parts.next();
        let b = parts.next();
        Some(match (kind, a, b) {
            ("id", Some(id), None) => Self::SchemaById(id.parse().ok()?),
            ("guid", Some(guid), None) => Self::SchemaByGuid(decode(guid)?),
            ("id-usage", Some(id), None) => Self::SchemaUsage(id.parse().ok()?),
            ("sv", Some(subject), Some(v)) => {
                Self::SubjectVersion(decode(subject)?, v.parse().ok()?)
            }
            ("latest", Some(subject), None) => Self::Latest(decode(subject)?),
            ("versions", Some(subject), None) => Self::Versions(decode(subject)?),
            ("subjects", None, None) => Self::Subjects,
            ("config", None, None) => Self::Config(None),
            ("config", Some(subject), None) => Self::Config(Some(decode(subject)?)),
            ("mode", None, None) => Self::Mode(None),
            ("mode", Some(subject), None) => Self::Mode(Some(decode(subject)?)),
            ("types", None, None) => Self::Types,
            ("key", Some(id), None) => Self::ApiKey(decode(id)?),
            _ => return None,
        })
    }
}

impl fmt::Display for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SchemaById(id) => write!(f, "id/{id}"),
            Self::SchemaByGuid(guid) => write!(f, "guid/{}", encode(guid)),
            Self::SchemaUsage(id) => write!(f, "id-usage/{id}"),
            Self::SubjectVersion(s, v) => write!(f, "sv/{}/{v}", encode(s)),
            Self::Latest(s) => write!(f, "latest/{}", encode(s)),
            Self::Versions(s) => write!(f, "versions/{}", encode(s)),
            Self::Subjects => f.write_str("subjects"),
            Self::Config(None) => f.write_str("config"),
            Self::Config(Some(s)) => write!(f, "config/{}", encode(s)),
            Self::Mode(None) => f.write_str("mode"),
            Self::Mode(Some(s)) => write!(f, "mode/{}", encode(s)),
            Self::Types => f.write_str("types"),
            Self::ApiKey(id) => write!(f, "key/{}", encode(id)),
        }
    }
}

#[allow(clippy::format_push_string)] // two hex digits; a Write impl would not be clearer
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_any_subject() {
        for key in [
            CacheKey::SchemaById(7),
            CacheKey::SubjectVersion("a/b c%-value".into(), 3),
            CacheKey::Latest("ünï".into()),
            CacheKey::Config(None),
            CacheKey::Config(Some("x".into())),
            CacheKey::Subjects,
            CacheKey::Mode(Some("m".into())),
            CacheKey::Types,
            CacheKey::ApiKey("k1".into()),
        ] {
            assert_eq!(
                CacheKey::parse(&key.to_string()),
                Some(key.clone()),
                "{key}"
            );
        }
        assert_eq!(CacheKey::parse("sv/x/notanumber"), None);
    }
}
