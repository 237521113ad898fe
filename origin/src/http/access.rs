//! The access guard: each route carries the access its table row names; the guard identifies,
//! authorizes and rate-limits the caller (see `crate::auth`) and answers 401, 403 or 429 in
//! the API's error shape.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use registry_core::routes::Access as Needs;

use super::ApiError;
use crate::auth::{Access, AuthError, Client, Principal};

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
    let principal = match access.identify(req.headers()).await {
        Ok(p) => p,
        Err(e) => return ApiError::from(e).into_response(),
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
    if let Some(budget) = budget {
        let client = match principal.role {
            Some(_) => Client::Key(principal.id.clone()),
            None => Client::Ip(
                req.extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|c| c.0.ip()),
            ),
        };
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
