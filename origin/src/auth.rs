//! Who may call what, and how often: API keys with roles, the one table of which role each
//! endpoint needs, and per-client rate limits with separate read and write budgets.
//!
//! A key reads `lsr_<id>_<secret>`. Only the SHA-256 of the secret is stored. Clients send it as
//! `Authorization: Bearer <key>` or as HTTP Basic with the key id as user and the secret as
//! password (or the whole key as password), which is what Confluent clients do with
//! `basic.auth.user.info`.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::http::ApiError;
use crate::store::{ApiKeyRecord, Store, now_ms};

/// What a caller may do; each role includes the ones before it.
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

/// What an endpoint needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Anyone, even with auth on (health checks).
    Nothing,
    Role(Role),
}

/// Which role each endpoint needs: the first row whose method (`*` any) and route template
/// (`*` any) match decides. Reads that send a body (lookup, compatibility, validation) are
/// reads; changing the mode or the edges, or managing keys, is administration.
pub const ACCESS: &[(&str, &str, Needs)] = &[
    ("GET", "/health", Needs::Nothing),
    ("GET", "/ready", Needs::Nothing),
    ("GET", "/openapi.json", Needs::Nothing),
    ("GET", "/ui", Needs::Nothing),
    ("GET", "/ui/", Needs::Nothing),
    ("GET", "/ui/{*path}", Needs::Nothing),
    ("*", "/admin/edges", Needs::Role(Role::Admin)),
    ("*", "/admin/keys", Needs::Role(Role::Admin)),
    ("*", "/admin/keys/{id}", Needs::Role(Role::Admin)),
    ("GET", "/events", Needs::Role(Role::Admin)),
    ("GET", "/events/export", Needs::Role(Role::Admin)),
    ("PUT", "/mode", Needs::Role(Role::Admin)),
    ("DELETE", "/mode", Needs::Role(Role::Admin)),
    ("PUT", "/mode/{subject}", Needs::Role(Role::Admin)),
    ("DELETE", "/mode/{subject}", Needs::Role(Role::Admin)),
    ("POST", "/subjects/{subject}", Needs::Role(Role::Read)),
    (
        "POST",
        "/compatibility/subjects/{subject}/versions",
        Needs::Role(Role::Read),
    ),
    (
        "POST",
        "/compatibility/subjects/{subject}/versions/{version}",
        Needs::Role(Role::Read),
    ),
    (
        "POST",
        "/subjects/{subject}/versions/{version}/validate",
        Needs::Role(Role::Read),
    ),
    (
        "POST",
        "/schemas/ids/{id}/validate",
        Needs::Role(Role::Read),
    ),
    ("GET", "*", Needs::Role(Role::Read)),
    ("HEAD", "*", Needs::Role(Role::Read)),
    ("*", "*", Needs::Role(Role::Write)),
];

/// What `method` on `route` (a route template, or `None` for an unknown path) needs.
pub fn needs(method: &Method, route: Option<&str>) -> Needs {
    ACCESS
        .iter()
        .find(|(m, r, _)| (*m == "*" || *m == method.as_str()) && (*r == "*" || Some(*r) == route))
        .map_or(Needs::Role(Role::Write), |row| row.2)
}

/// The caller of a request, as the access middleware found it.
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

/// The caller's name for the audit trail (`anonymous` without a key).
#[derive(Debug, Clone)]
pub struct Actor(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<Principal>()
                .map_or_else(|| "anonymous".to_owned(), |p| p.id.clone()),
        ))
    }
}

/// A freshly made key: the full key (shown once) and the record to store.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub key: String,
    pub record: ApiKeyRecord,
}

fn hash_secret(secret: &str) -> String {
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

/// Creates and stores a key; returns the full key, which is not kept anywhere.
pub async fn create_key(
    store: &dyn Store,
    role: Role,
    name: &str,
    actor: &str,
) -> Result<NewKey, ApiError> {
    let key = generate_key(role, name)
        .map_err(|e| ApiError::Internal(format!("no randomness for a key: {e}")))?;
    store.create_api_key(&key.record, actor).await?;
    Ok(key)
}

/// Splits a full key into id and secret.
fn split_key(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("lsr_")?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty()).then_some((id, secret))
}

/// The (id, secret) an `Authorization` header carries; `Err` when it is there but unreadable.
pub fn credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || ApiError::Unauthorized("Malformed Authorization header".into());
    let value = value.to_str().map_err(|_| bad())?.trim();
    let (scheme, rest) = value.split_once(' ').ok_or_else(bad)?;
    let rest = rest.trim();
    let owned = |(id, secret): (&str, &str)| (id.to_owned(), secret.to_owned());
    if scheme.eq_ignore_ascii_case("bearer") {
        return split_key(rest).map(owned).map(Some).ok_or_else(bad);
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(bad());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest)
        .map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (user, password) = decoded.split_once(':').ok_or_else(bad)?;
    // The whole key as password (any user), else the key id as user and the secret as password.
    let pair = split_key(password).unwrap_or((user.strip_prefix("lsr_").unwrap_or(user), password));
    Ok(Some(owned(pair)))
}

/// Auth settings and the key cache.
pub struct Auth {
    pub enabled: bool,
    /// Read endpoints answer without a key.
    pub public_reads: bool,
    store: Arc<dyn Store>,
    /// Keys by id (`None`: no such key), for a few seconds so a revocation on another origin
    /// takes effect soon; one on this origin takes effect at once.
    keys: moka::future::Cache<String, Option<ApiKeyRecord>>,
}

impl Auth {
    pub fn new(store: Arc<dyn Store>, enabled: bool, public_reads: bool) -> Self {
        Self {
            enabled,
            public_reads,
            store,
            keys: moka::future::Cache::builder()
                .max_capacity(10_000)
                .time_to_live(Duration::from_secs(5))
                .build(),
        }
    }

    /// Forgets what it knew of key `id` (after a revocation).
    pub async fn forget(&self, id: &str) {
        self.keys.invalidate(id).await;
    }

    /// The principal the credentials name: 401 for unknown, wrong or revoked keys.
    pub async fn verify(&self, id: &str, secret: &str) -> Result<Principal, ApiError> {
        let record = if let Some(known) = self.keys.get(id).await {
            known
        } else {
            let found = self.store.api_key(id).await?;
            self.keys.insert(id.to_owned(), found.clone()).await;
            found
        };
        let unauthorized = || ApiError::Unauthorized("Unknown or revoked API key".into());
        let record = record.ok_or_else(unauthorized)?;
        if record.revoked_ms.is_some() || hash_secret(secret) != record.secret_hash {
            return Err(unauthorized());
        }
        Ok(Principal {
            id: record.id,
            role: record.role.parse().ok(),
        })
    }
}

type Keyed =
    RateLimiter<Client, DefaultKeyedStateStore<Client>, DefaultClock, StateInformationMiddleware>;

/// One budget: requests per second per client, with bursts of as many.
pub struct Budget {
    per_second: u32,
    limiter: Keyed,
}

impl Budget {
    fn new(per_second: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_second)?;
        Some(Self {
            per_second,
            limiter: RateLimiter::keyed(Quota::per_second(rate))
                .with_middleware::<StateInformationMiddleware>(),
        })
    }

    /// Takes one request from `client`'s budget: the state to report either way, and whether
    /// the request may go on (else the seconds to wait).
    fn take(&self, client: &Client) -> (RateState, Result<(), u64>) {
        let limit = self.per_second;
        match self.limiter.check_key(client) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let reset = u64::from((limit - remaining).div_ceil(limit));
                (
                    RateState {
                        limit,
                        remaining,
                        reset,
                    },
                    Ok(()),
                )
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
                let state = RateState {
                    limit,
                    remaining: 0,
                    reset: secs,
                };
                (state, Err(secs))
            }
        }
    }
}

/// Whose budget a request draws on: its key, else its peer address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Client {
    Key(String),
    Ip(Option<IpAddr>),
}

/// A budget's state after a request, sent as `X-RateLimit-Limit/Remaining/Reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RateState {
    limit: u32,
    remaining: u32,
    /// Seconds until the budget is full again (or, when refused, until the next request fits).
    reset: u64,
}

impl RateState {
    fn write(self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset));
    }
}

/// Per-client budgets (by key id, or by IP address for anonymous callers); `None` is no limit.
pub struct RateLimits {
    pub read: Option<Budget>,
    pub write: Option<Budget>,
}

impl RateLimits {
    pub fn new(read_per_second: u32, write_per_second: u32) -> Self {
        Self {
            read: Budget::new(read_per_second),
            write: Budget::new(write_per_second),
        }
    }

    /// Drops the state of clients that are back to a full budget (memory stays bounded).
    pub fn shrink(&self) {
        for budget in [&self.read, &self.write].into_iter().flatten() {
            budget.limiter.retain_recent();
            budget.limiter.shrink_to_fit();
        }
    }
}

/// The access control and rate limiting of the API.
pub struct Access {
    pub auth: Auth,
    pub limits: RateLimits,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access")
            .field("auth", &self.auth.enabled)
            .field("public_reads", &self.auth.public_reads)
            .field(
                "read_per_second",
                &self.limits.read.as_ref().map(|b| b.per_second),
            )
            .field(
                "write_per_second",
                &self.limits.write.as_ref().map(|b| b.per_second),
            )
            .finish()
    }
}

/// Middleware: finds the caller, checks the role the endpoint needs, takes from the caller's
/// budget, and leaves the [`Principal`] for the handlers.
pub async fn guard(State(access): State<Arc<Access>>, mut req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let Needs::Role(role) = needs(req.method(), route) else {
        return next.run(req).await;
    };
    let principal = match identify(&access.auth, req.headers()).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if access.auth.enabled {
        let allowed = match principal.role {
            Some(have) => have >= role,
            None => access.auth.public_reads && role == Role::Read,
        };
        if !allowed {
            return if principal.role.is_none() {
                ApiError::Unauthorized("An API key is required".into()).into_response()
            } else {
                ApiError::Forbidden(format!(
                    "Key '{}' has no {} role for this request",
                    principal.id,
                    role.as_str()
                ))
                .into_response()
            };
        }
    }
    let budget = if role == Role::Read {
        &access.limits.read
    } else {
        &access.limits.write
    };
    let mut rate = None;
    if let Some(budget) = budget {
        let client = if principal.role.is_some() {
            Client::Key(principal.id.clone())
        } else {
            Client::Ip(
                req.extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip()),
            )
        };
        let (state, verdict) = budget.take(&client);
        if let Err(secs) = verdict {
            let kind = if role == Role::Read { "read" } else { "write" };
            metrics::counter!("registry_rate_limited_total", "budget" => kind).increment(1);
            let mut response = ApiError::RateLimited(secs).into_response();
            state.write(&mut response);
            return response;
        }
        rate = Some(state);
    }
    req.extensions_mut().insert(principal);
    let mut response = next.run(req).await;
    if let Some(state) = rate {
        state.write(&mut response);
    }
    response
}

/// The principal behind the request's credentials; anonymous without any. With auth off,
/// credentials are not looked at (the key only names the rate-limit budget when auth is on).
async fn identify(auth: &Auth, headers: &HeaderMap) -> Result<Principal, ApiError> {
    if !auth.enabled {
        return Ok(Principal::anonymous());
    }
    match credentials(headers)? {
        None => Ok(Principal::anonymous()),
        Some((id, secret)) => auth.verify(&id, &secret).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_decides_by_method_and_route() {
        let r = |m: Method, p: &str| needs(&m, Some(p));
        assert_eq!(r(Method::GET, "/health"), Needs::Nothing);
        assert_eq!(r(Method::GET, "/schemas/ids/{id}"), Needs::Role(Role::Read));
        assert_eq!(
            r(Method::POST, "/subjects/{subject}"),
            Needs::Role(Role::Read)
        );
        assert_eq!(
            r(Method::POST, "/subjects/{subject}/versions"),
            Needs::Role(Role::Write)
        );
        assert_eq!(
            r(Method::DELETE, "/subjects/{subject}"),
            Needs::Role(Role::Write)
        );
        assert_eq!(r(Method::PUT, "/config"), Needs::Role(Role::Write));
        assert_eq!(r(Method::PUT, "/mode"), Needs::Role(Role::Admin));
        assert_eq!(r(Method::GET, "/mode"), Needs::Role(Role::Read));
        assert_eq!(r(Method::GET, "/admin/keys"), Needs::Role(Role::Admin));
        assert_eq!(needs(&Method::GET, None), Needs::Role(Role::Read));
        assert_eq!(needs(&Method::POST, None), Needs::Role(Role::Write));
    }

    #[test]
    fn credentials_from_bearer_and_basic() {
        let key = generate_key(Role::Read, "t").unwrap();
        let (id, secret) = split_key(&key.key).unwrap();
        assert_eq!(id, key.record.id);
        assert_eq!(hash_secret(secret), key.record.secret_hash);
        let with = |v: String| {
            let mut h = HeaderMap::new();
            h.insert(header::AUTHORIZATION, HeaderValue::from_str(&v).unwrap());
            credentials(&h)
        };
        let want = Some((id.to_owned(), secret.to_owned()));
        assert_eq!(with(format!("Bearer {}", key.key)).unwrap(), want);
        let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
        assert_eq!(
            with(format!("Basic {}", b64(format!("{id}:{secret}")))).unwrap(),
            want
        );
        assert_eq!(
            with(format!("Basic {}", b64(format!("x:{}", key.key)))).unwrap(),
            want
        );
        assert!(with("Bearer nonsense".into()).is_err());
        assert!(with("Digest abc".into()).is_err());
        assert!(with("Basic !!!".into()).is_err());
        assert_eq!(credentials(&HeaderMap::new()).unwrap(), None);
    }

    #[test]
    fn budgets_count_down_and_refuse() {
        let budget = Budget::new(3).unwrap();
        let a = || Client::Key("a".into());
        for left in (0..3).rev() {
            let (state, v) = budget.take(&a());
            assert!(v.is_ok());
            assert_eq!(state.remaining, left);
        }
        let (state, v) = budget.take(&a());
        assert_eq!(v, Err(1));
        assert_eq!(state.remaining, 0);
        assert!(
            budget.take(&Client::Key("b".into())).1.is_ok(),
            "each client has its own budget"
        );
    }
}
