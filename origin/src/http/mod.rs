//! The HTTP API: the Confluent Schema Registry surface plus validation, search, audit and
//! administration. Handlers extract, call the service and respond; the router is built from
//! the route table (`routes.rs`), errors become responses in one place (`error.rs`).
//! `app(state)` needs no socket, so tests can call it directly; `crate::server` binds it.

mod access;
mod admin;
mod associations;
mod body;
mod compatibility;
mod console;
mod context_path;
mod contexts;
mod dek_registry;
mod error;
mod events;
mod extract;
mod format;
mod llm;
mod misc;
mod negotiate;
mod openapi;
mod openapi_components;
mod openapi_dek;
mod respond;
mod routes;
mod schemas;
mod search;
mod settings;
mod subjects;
mod tags;
mod validate;

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::middleware::from_fn_with_state;
use registry_core::routes::{Access, Route};

pub use body::{BodyLimits, ReadBodyLayer};
pub use context_path::{ContextPath, ContextPathLayer};
pub use error::ApiError;
pub use extract::Limits;
pub use negotiate::NegotiateLayer;
pub use openapi::document as openapi_document;
pub use respond::CONTENT_TYPE;

pub use access::Actor;

use crate::service::Registry;
use access::{Guarded, guard};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub access: Arc<crate::auth::Access>,
}

/// The whole API as one router: each route guarded by the access its table row names.
pub fn app(state: AppState) -> Router {
    probes(state.clone()).merge(api(state))
}

/// The probes (`/health`, `/ready`), which the server answers outside admission control, so a
/// loaded registry still says whether it is up.
pub fn probes(state: AppState) -> Router {
    routes::router(routes::is_probe, |_, handler| handler).with_state(state)
}

/// Every route but the probes.
pub fn api(state: AppState) -> Router {
    let access = state.access.clone();
    let guarded = move |needs: Access| {
        from_fn_with_state(
            Guarded {
                access: access.clone(),
                needs,
            },
            guard,
        )
    };
    // An unknown path needs the read role, so without a key it answers 401, not 404.
    let unknown = Handler::layer(|| async { ApiError::NoRoute }, guarded(Access::Read));
    routes::router(
        |route| !routes::is_probe(route),
        |route: &'static Route, handler| handler.layer(guarded(route.access)),
    )
    .fallback(unknown)
    .with_state(state)
}
