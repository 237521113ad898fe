//! What a write changed, and which cached responses that makes stale: decided here once, for
//! the origin's in-process cache, the event log the dispatcher sends to edges, and the header
//! that tells an edge what to drop after a write it forwarded.

use serde::{Deserialize, Serialize};

use crate::cache_key::CacheKey;
use crate::invalidation::EventKind;

/// The facts of one write, as its event records them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Change {
    pub kind: EventKind,
    /// The subject written (none for global settings and key administration).
    pub subject: Option<String>,
    /// The versions registered or deleted.
    pub versions: Vec<i32>,
    /// The schemas whose list of subjects and versions changed.
    pub ids: Vec<i64>,
    /// The schemas that no version uses any more and that were removed.
    pub removed_ids: Vec<i64>,
    /// Their guids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed_guids: Vec<String>,
    /// The API key created or revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
}

impl Change {
    /// A change of `kind` to `subject`.
    pub fn new(kind: EventKind, subject: Option<&str>) -> Self {
        Self {
            kind,
            subject: subject.map(str::to_owned),
            ..Self::default()
        }
    }

    /// The one version the change is about, if it is about exactly one.
    pub fn version(&self) -> Option<i32> {
        match self.versions.as_slice() {
            [v] => Some(*v),
            _ => None,
        }
    }

    /// The one schema id the change is about, if it is about exactly one.
    pub fn id(&self) -> Option<i64> {
        match self.ids.as_slice() {
            [id] => Some(*id),
            _ => None,
        }
    }

    /// The cached responses this change makes stale.
    pub fn stale_keys(&self) -> Vec<CacheKey> {
        let subject = self.subject.clone();
        let mut keys = Vec::new();
        match (self.kind, subject) {
            (EventKind::Config, s) => keys.push(CacheKey::Config(s)),
            (EventKind::Mode, s) => keys.push(CacheKey::Mode(s)),
            (EventKind::KeyAdmin, _) => keys.extend(self.key_id.clone().map(CacheKey::ApiKey)),
            // Nothing cached comes from the DEK registry.
            (EventKind::EncryptionKey, _) | (_, None) => {}
            (kind, Some(s)) => {
                keys.extend([
                    CacheKey::Latest(s.clone()),
                    CacheKey::Versions(s.clone()),
                    CacheKey::Subjects,
                ]);
                if kind != EventKind::Register {
                    let versions = self.versions.iter();
                    keys.extend(versions.map(|v| CacheKey::SubjectVersion(s.clone(), *v)));
                }
                keys.extend(self.ids.iter().map(|id| CacheKey::SchemaUsage(*id)));
                keys.extend(self.removed_ids.iter().map(|id| CacheKey::SchemaById(*id)));
                keys.extend(
                    self.removed_guids
                        .iter()
                        .map(|g| CacheKey::SchemaByGuid(g.clone())),
                );
                if kind == EventKind::DeleteSubject {
                    keys.extend([CacheKey::Config(Some(s.clone())), CacheKey::Mode(Some(s))]);
                }
            }
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(change: &Change) -> Vec<String> {
        change
            .stale_keys()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn each_kind_names_what_it_makes_stale() {
        let mut register = Change::new(EventKind::Register, Some("a"));
        register.versions = vec![2];
        register.ids = vec![7];
        assert_eq!(
            keys(&register),
            ["latest/a", "versions/a", "subjects", "id-usage/7"]
        );
        let mut delete = Change::new(EventKind::DeleteSubject, Some("a"));
        delete.versions = vec![1, 2];
        delete.ids = vec![7, 8];
        delete.removed_ids = vec![8];
        assert_eq!(
            keys(&delete),
            [
                "latest/a",
                "versions/a",
                "subjects",
                "sv/a/1",
                "sv/a/2",
                "id-usage/7",
                "id-usage/8",
                "id/8",
                "config/a",
                "mode/a"
            ]
        );
        assert_eq!(keys(&Change::new(EventKind::Mode, None)), ["mode"]);
        assert_eq!(
            keys(&Change::new(EventKind::Config, Some("a"))),
            ["config/a"]
        );
        let mut revoke = Change::new(EventKind::KeyAdmin, None);
        assert!(keys(&revoke).is_empty());
        revoke.key_id = Some("k1".into());
        assert_eq!(keys(&revoke), ["key/k1"]);
    }
}
