//! The access guard: each route carries the access its table row names; the guard identifies,
//! authorizes and rate-limits the caller (see `crate::auth`) and answers 401, 403 or 429 in
//! the API's error shape.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use registry_core::routes::Access as Needs;

use super::ApiError;
use crate::auth::{Access, AuthError, Principal};

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

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Malformed => Self::Unauthorized("Malformed Authorization header".into()),
            AuthError::UnknownKey => Self::Unauthorized("Unknown or revoked API key".into()),
            AuthError::KeyRequired => Self::Unauthorized("An API key is required".into()),
            AuthError::NoRole { key, needs } => Self::Forbidden(format!(
                "Key '{key}' has no {} role for this request",
                match needs {
                    Needs::Admin => "admin",
                    Needs::Write => "write",
                    _ => "read",
                }
            )),
            AuthError::Service(e) => Self::Service(e),
        }
    }
}

/// The guard's state for one route: the access control and what the route needs.
#[derive(Debug, Clone)]
pub struct Guarded {
    pub access: Arc<Access>,
    pub needs: Needs,
}

/// Middleware: identifies, authorizes and rate-limits the caller, then runs the request with
/// the [`Principal`] for the handlers.
pub async fn guard(State(g): State<Guarded>, mut req: Request, next: Next) -> Response {
    if g.needs == Needs::Public {
        return next.run(req).await;
    }
    let access = &g.access;
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let address = access.trusted_proxies.client(peer, req.headers());
    if g.needs != Needs::Read
        && !access.enabled
        && let Some(refused) = cross_site(req.headers(), &access.allowed_origins)
    {
        return refused.into_response();
    }
    let principal = match identify(access, req.headers(), address).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = access.authorize(&principal, g.needs) {
        return ApiError::from(e).into_response();
    }
    let (budget, kind) = if g.needs == Needs::Read {
        (&access.limits.read, "read")
    } else {
        (&access.limits.write, "write")
    };
    let mut rate = None;
    if let Some(budget) = budget
        && let Some(client) = access.budget_client(&principal, address)
    {
        let (state, verdict) = budget.take(&client);
        if let Err(secs) = verdict {
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

/// The caller, its failed authentications counted per address (429 once they are too many).
async fn identify(
    access: &Access,
    headers: &HeaderMap,
    address: Option<IpAddr>,
) -> Result<Principal, ApiError> {
    let limited = access.failures.as_ref().zip(address);
    if let Some((failures, address)) = limited
        && headers.contains_key(header::AUTHORIZATION)
        && let Some(secs) = failures.refused(address)
    {
        return Err(ApiError::RateLimited(secs));
    }
    match access.identify(headers).await {
        Err(e @ (AuthError::Malformed | AuthError::UnknownKey)) => {
            if let Some((failures, address)) = limited
                && let Some(secs) = failures.record(address)
            {
                return Err(ApiError::RateLimited(secs));
            }
            Err(e.into())
        }
        other => other.map_err(ApiError::from),
    }
}

/// 403 for a write a browser page of another site sent (an `Origin` that is not this host's
/// and not allowed, or `Sec-Fetch-Site: cross-site`), while no key protects the registry.
fn cross_site(headers: &HeaderMap, allowed: &[String]) -> Option<ApiError> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let origin = text(header::ORIGIN);
    if origin.is_some_and(|o| allowed.iter().any(|a| a.eq_ignore_ascii_case(o))) {
        return None;
    }
    let host = text(header::HOST);
    let same_origin = |o: &str| {
        let authority = o.split_once("://").map_or(o, |(_, rest)| rest);
        host.is_some_and(|h| h.eq_ignore_ascii_case(authority))
    };
    let foreign_origin = origin.is_some_and(|o| !same_origin(o));
    let cross_site_fetch = text(HeaderName::from_static("sec-fetch-site")) == Some("cross-site");
    (foreign_origin || cross_site_fetch).then(|| {
        metrics::counter!("registry_cross_site_refused_total").increment(1);
        ApiError::Forbidden(
            "Cross-site writes are refused while the registry has no API keys (allow the origin with CORS_ALLOWED_ORIGINS)".into(),
        )
    })
}
