//! API keys: made, listed, revoked (each recorded in the event log), and verified against a
//! short-lived cache. A key reads `lsr_<id>_<secret>`; only the SHA-256 of the secret is stored.

use std::time::Duration;

use registry_core::change::Change;
use registry_core::invalidation::EventKind;
use registry_core::routes::Access;
use sha2::{Digest, Sha256};

use super::{Registry, ServiceError, Written};
use crate::store::{ApiKeyRecord, now_ms};

/// What a key may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Read,
    Write,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    /// Whether this role may use a route that needs `access`.
    pub fn grants(self, access: Access) -> bool {
        let needed = match access {
            Access::Public => return true,
            Access::Read => Self::Read,
            Access::Write => Self::Write,
            Access::Admin => Self::Admin,
        };
        self >= needed
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "read" => Ok(Self::Read),
            "write" => Ok(Self::Write),
            "admin" => Ok(Self::Admin),
            _ => Err(format!("unknown role '{s}' (read, write or admin)")),
        }
    }
}

/// A freshly made key: the full key (shown once) and the record to store.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub key: String,
    pub record: ApiKeyRecord,
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Makes a key with 96 random bits of id and 192 of secret.
pub fn generate_key(role: Role, name: &str) -> Result<NewKey, getrandom::Error> {
    let mut id = [0u8; 12];
    let mut secret = [0u8; 24];
    getrandom::fill(&mut id)?;
    getrandom::fill(&mut secret)?;
    let (id, secret) = (hex::encode(id), hex::encode(secret));
    Ok(NewKey {
        key: format!("lsr_{id}_{secret}"),
        record: ApiKeyRecord {
            secret_hash: hash_secret(&secret),
            id,
            name: name.to_owned(),
            role: role.as_str().to_owned(),
            created_ms: now_ms(),
            revoked_ms: None,
        },
    })
}

/// Keys by id (`None`: no such key), for a few seconds; a revocation anywhere reaches every
/// origin's cache through the event log.
pub struct KeyCache(moka::future::Cache<String, Option<ApiKeyRecord>>);

impl KeyCache {
    pub fn new() -> Self {
        Self(
            moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(5))
                .build(),
        )
    }

    pub async fn forget(&self, id: &str) {
        self.0.invalidate(id).await;
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// Creates and stores a key; the full key is in the answer and kept nowhere.
    pub async fn create_key(
        &self,
        role: Role,
        name: &str,
        actor: &str,
    ) -> Result<Written<NewKey>, ServiceError> {
        let key = generate_key(role, name)
            .map_err(|e| ServiceError::Internal(format!("no randomness for a key: {e}")))?;
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        tx.insert_api_key(&key.record).await?;
        let detail = serde_json::json!({"action": "create", "key": key.record.id, "role": key.record.role, "name": key.record.name});
        let change = key_change(&key.record.id);
        let stale = self
            .commit_change(tx, &change, actor, Some(detail.to_string()))
            .await?;
        Ok(Written { value: key, stale })
    }

    /// Every key, oldest first.
    pub async fn keys(&self) -> Result<Vec<ApiKeyRecord>, ServiceError> {
        Ok(self.db.run(|s| s.api_keys()).await?)
    }

    /// Revokes a key at once on every origin; `NotFound` when there is no such live key.
    pub async fn revoke_key(&self, id: &str, actor: &str) -> Result<Written<()>, ServiceError> {
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        if !tx.revoke_api_key(id, now_ms()).await? {
            return Err(ServiceError::NotFound(format!("no live key {id}")));
        }
        let detail = serde_json::json!({"action": "revoke", "key": id});
        let stale = self
            .commit_change(tx, &key_change(id), actor, Some(detail.to_string()))
            .await?;
        Ok(Written { value: (), stale })
    }

    /// The key `id` if `secret` is its secret and it is not revoked.
    pub async fn verify_key(
        &self,
        id: &str,
        secret: &str,
    ) -> Result<Option<ApiKeyRecord>, ServiceError> {
        let record = if let Some(known) = self.keys.0.get(id).await {
            known
        } else {
            let found = self.db.run(|s| s.api_key(id)).await?;
            self.keys.0.insert(id.to_owned(), found.clone()).await;
            found
        };
        Ok(record.filter(|r| r.revoked_ms.is_none() && hash_secret(secret) == r.secret_hash))
    }
}

fn key_change(id: &str) -> Change {
    let mut change = Change::new(EventKind::KeyAdmin, None);
    change.key_id = Some(id.to_owned());
    change
}
