//! Who may call what, and how often: callers identified by their API key, authorized by the
//! access each route's table row (`registry_core::routes`) names, limited by per-client rate
//! budgets. The HTTP middleware that applies it is `crate::http::access`.
//!
//! Off by default (the embedded single-user setup): then every caller is anonymous and only the
//! rate limits apply.

mod client_address;
mod credentials;
mod failures;
mod rate;

use std::net::IpAddr;
use std::sync::Arc;

use axum::http::HeaderMap;
use registry_core::routes::Access as Needs;

pub use client_address::{TrustedProxies, parse_network};
pub use credentials::{credentials, split_key};
pub use failures::Failures;
pub use rate::{Budget, Client, RateLimits, RateState};

use crate::service::{Registry, Role, ServiceError};

/// Why a caller may not go on.
#[derive(Debug, Clone)]
pub enum AuthError {
    /// An `Authorization` header that cannot be read.
    Malformed,
    /// A key that does not exist, is revoked, or has another secret.
    UnknownKey,
    /// No key, where one is needed.
    KeyRequired,
    /// A key without the role the route needs.
    NoRole { key: String, needs: Needs },
    /// The keys could not be read.
    Service(ServiceError),
}

/// The caller of a request, as the guard found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The key id, or `anonymous`.
    pub id: String,
    pub role: Option<Role>,
}

impl Principal {
    pub fn anonymous() -> Self {
        Self {
            id: "anonymous".into(),
            role: None,
        }
    }
}

/// Access control and rate limiting.
pub struct Access {
    pub enabled: bool,
    /// With auth on, reads answer without a key.
    pub public_reads: bool,
    pub limits: RateLimits,
    /// Failed authentications per address (`None`: not limited).
    pub failures: Option<Failures>,
    /// Origins whose cross-site writes are taken while auth is off.
    pub allowed_origins: Vec<String>,
    /// The proxies whose forwarding headers name the client.
    pub trusted_proxies: TrustedProxies,
    /// Whether anonymous clients on this host (loopback) have per-address budgets too.
    pub limit_loopback: bool,
    registry: Arc<Registry>,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("enabled", &self.enabled)
            .field("public_reads", &self.public_reads)
            .field(
                "read_per_second",
                &self.limits.read.as_ref().map(|b| b.per_second),
            )
            .field(
                "write_per_second",
                &self.limits.write.as_ref().map(|b| b.per_second),
            )
            .finish_non_exhaustive()
    }
}

impl Access {
    pub fn new(
        registry: Arc<Registry>,
        enabled: bool,
        public_reads: bool,
        limits: RateLimits,
    ) -> Self {
        Self {
            enabled,
            public_reads,
            limits,
            failures: None,
            allowed_origins: Vec::new(),
            trusted_proxies: TrustedProxies::default(),
            limit_loopback: false,
            registry,
        }
    }

    /// Limits failed authentications to `per_second` per address (0: off).
    #[must_use]
    pub fn with_failure_limit(mut self, per_second: u32) -> Self {
        self.failures = Failures::new(per_second);
        self
    }

    /// Takes cross-site writes from these origins while auth is off.
    #[must_use]
    pub fn with_allowed_origins(mut self, origins: Vec<String>) -> Self {
        self.allowed_origins = origins;
        self
    }

    /// Believes the forwarding headers of `trusted` peers; `limit_loopback` puts anonymous
    /// clients on this host under the per-address budgets too.
    #[must_use]
    pub fn with_client_addresses(mut self, trusted: TrustedProxies, limit_loopback: bool) -> Self {
        self.trusted_proxies = trusted;
        self.limit_loopback = limit_loopback;
        self
    }

    /// Whose budget a request of `principal` from `address` draws on: its key's, else its
    /// address's; none for an anonymous client on this host (the host's own, or a proxy
    /// sharing one address) unless loopback is limited too.
    pub fn budget_client(&self, principal: &Principal, address: Option<IpAddr>) -> Option<Client> {
        match principal.role {
            Some(_) => Some(Client::Key(principal.id.clone())),
            None if !self.limit_loopback && address.is_some_and(|a| a.is_loopback()) => None,
            None => Some(Client::Ip(address)),
        }
    }

    /// The principal behind the request's credentials; anonymous without any. With auth off,
    /// credentials are not looked at.
    pub async fn identify(&self, headers: &HeaderMap) -> Result<Principal, AuthError> {
        if !self.enabled {
            return Ok(Principal::anonymous());
        }
        let Some((id, secret)) = credentials(headers)? else {
            return Ok(Principal::anonymous());
        };
        let record = self
            .registry
            .verify_key(&id, &secret)
            .await
            .map_err(AuthError::Service)?;
        let record = record.ok_or(AuthError::UnknownKey)?;
        Ok(Principal {
            role: record.role.parse().ok(),
            id: record.id,
        })
    }

    /// 401 or 403 unless `principal` may use a route that needs `needs`.
    pub fn authorize(&self, principal: &Principal, needs: Needs) -> Result<(), AuthError> {
        if !self.enabled {
            return Ok(());
        }
        let allowed = match principal.role {
            Some(role) => role.grants(needs),
            None => needs == Needs::Public || (self.public_reads && needs == Needs::Read),
        };
        match (allowed, principal.role) {
            (true, _) => Ok(()),
            (false, None) => Err(AuthError::KeyRequired),
            (false, Some(_)) => Err(AuthError::NoRole {
                key: principal.id.clone(),
                needs,
            }),
        }
    }
}
