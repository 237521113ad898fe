//! The `/contexts/{context}/...` prefix (`registry_core::context_path`), taken off before
//! routing: the request goes on as the plain API request it stands for, so routes, roles and
//! caching see one path per resource. A context name that cannot be one is 400.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::http::{Request, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::future::{Either, Ready, ready};
use registry_core::context_path::unprefix;
use tower::{Layer, Service};

use super::ApiError;

#[derive(Debug, Clone, Copy, Default)]
pub struct ContextPathLayer;

impl<S> Layer<S> for ContextPathLayer {
    type Service = ContextPath<S>;

    fn layer(&self, inner: S) -> ContextPath<S> {
        ContextPath { inner }
    }
}

#[derive(Debug, Clone)]
pub struct ContextPath<S> {
    inner: S,
}

impl<S, B> Service<Request<B>> for ContextPath<S>
where
    S: Service<Request<B>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, Ready<Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        match unprefix(req.uri().path(), req.uri().query()) {
            Ok(None) => {}
            Ok(Some(plain)) => {
                let target = match &plain.query {
                    Some(q) => format!("{}?{q}", plain.path),
                    None => plain.path,
                };
                match target.parse::<Uri>() {
                    Ok(uri) => *req.uri_mut() = uri,
                    Err(_) => return Either::Right(ready(Ok(bad("Invalid context path")))),
                }
            }
            Err(message) => return Either::Right(ready(Ok(bad(&message)))),
        }
        Either::Left(self.inner.call(req))
    }
}

fn bad(message: &str) -> Response {
    ApiError::BadRequest(message.to_owned()).into_response()
}
