//! Content negotiation for API answers (`registry_core::media`): an `Accept` the API cannot
//! answer is 406 before any handler runs, and an answer in the registry's JSON type is relabelled
//! to the type negotiated. A request without `Accept`, or asking for the registry's own type,
//! goes straight through.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures_util::future::{BoxFuture, Either};
use registry_core::media::{V1_JSON, negotiate};
use registry_core::routes::{self, Op};
use tower::{Layer, Service};

use super::ApiError;

/// Routes whose answers are not the API's JSON (they keep their own types).
fn negotiated(op: Op) -> bool {
    !matches!(
        op,
        Op::Metrics
            | Op::OpenApi
            | Op::Health
            | Op::Ready
            | Op::ConsoleRedirect
            | Op::ConsolePage
            | Op::ConsoleFile
    )
}

#[derive(Debug, Clone, Copy, Default)]
pub struct NegotiateLayer;

impl<S> Layer<S> for NegotiateLayer {
    type Service = Negotiate<S>;

    fn layer(&self, inner: S) -> Negotiate<S> {
        Negotiate { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Negotiate<S> {
    inner: S,
}

impl<S> Service<Request> for Negotiate<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let accept = req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok());
        let chosen = negotiate(accept);
        if chosen == Some(V1_JSON) {
            return Either::Left(self.inner.call(req));
        }
        let api = routes::find(req.method().as_str(), req.uri().path())
            .is_some_and(|m| negotiated(m.route.op));
        match chosen {
            _ if !api => Either::Left(self.inner.call(req)),
            None => Either::Right(Box::pin(async {
                Ok(ApiError::NotAcceptable.into_response())
            })),
            Some(content_type) => {
                let answer = self.inner.call(req);
                Either::Right(Box::pin(async move {
                    let mut response = answer.await?;
                    let ours = response
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(V1_JSON.as_bytes()));
                    if ours {
                        response
                            .headers_mut()
                            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
                    }
                    Ok(response)
                }))
            }
        }
    }
}
