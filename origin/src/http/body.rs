//! Request bodies are read in full before a request is admitted, within a size limit and a
//! time limit: a declared `Content-Length` over the limit is refused at once (413), a body that
//! does not arrive in time gets 408, and a slow client holds its connection, never one of the
//! slots other requests wait for.

use std::convert::Infallible;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures_util::future::{BoxFuture, Either};
use http_body_util::BodyExt;
use tower::{Layer, Service};

use super::ApiError;

/// The limits a body must keep.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub max_bytes: usize,
    pub read_timeout: Duration,
}

/// The most of a refused body read (and dropped) so the client sees the 413.
const DRAIN_BYTES: usize = 16 * 1024 * 1024;

/// The `Content-Length` a request declares, if it is a number.
fn declared_length(req: &Request) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The layer that reads bodies within `limits` (a tower layer rather than a `from_fn`
/// middleware: a request without a body goes straight through, with nothing boxed or cloned).
#[derive(Debug, Clone, Copy)]
pub struct ReadBodyLayer(pub BodyLimits);

impl<S> Layer<S> for ReadBodyLayer {
    type Service = ReadBody<S>;

    fn layer(&self, inner: S) -> ReadBody<S> {
        ReadBody {
            inner,
            limits: self.0,
        }
    }
}

/// See [`ReadBodyLayer`].
#[derive(Debug, Clone)]
pub struct ReadBody<S> {
    inner: S,
    limits: BodyLimits,
}

impl<S> Service<Request> for ReadBody<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let limits = self.limits;
        let declared = declared_length(&req);
        if declared.is_some_and(|n| n > limits.max_bytes as u64) {
            return Either::Right(Box::pin(
                async move { Ok(too_large(req.into_body(), limits)) },
            ));
        }
        let chunked = req.headers().contains_key(header::TRANSFER_ENCODING);
        if declared.is_none_or(|n| n == 0) && !chunked {
            return Either::Left(self.inner.call(req));
        }
        // The service that was made ready goes with the request; a clone stays.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Either::Right(Box::pin(async move {
            match buffered(req, limits).await {
                Ok(req) => inner.call(req).await,
                Err(refused) => Ok(refused),
            }
        }))
    }
}

/// The request with its body read in full, or the answer refusing it.
async fn buffered(req: Request, limits: BodyLimits) -> Result<Request, Response> {
    let (parts, mut body) = req.into_parts();
    match tokio::time::timeout(limits.read_timeout, collect(&mut body, limits)).await {
        Err(_) => {
            metrics::counter!("registry_bodies_timed_out_total").increment(1);
            Err(ApiError::BodyTimeout.into_response())
        }
        Ok(Err(Collect::TooLarge)) => Err(too_large(body, limits)),
        Ok(Err(Collect::Broken)) => {
            Err(ApiError::BadRequest("Cannot read the request body".into()).into_response())
        }
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, Body::from(bytes))),
    }
}

enum Collect {
    TooLarge,
    Broken,
}

/// The whole body, or why not.
async fn collect(body: &mut Body, limits: BodyLimits) -> Result<Bytes, Collect> {
    let mut out = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| Collect::Broken)?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limits.max_bytes {
                return Err(Collect::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out.freeze())
}

/// The 413, sent at once. The rest of the body is read and dropped in the background (within
/// the read timeout and [`DRAIN_BYTES`]) so that the client, still sending, reads the answer
/// instead of a connection reset; then the connection closes.
fn too_large(body: Body, limits: BodyLimits) -> Response {
    tokio::spawn(async move {
        let drain = async {
            let mut body = body;
            let mut seen = 0usize;
            while let Some(Ok(frame)) = body.frame().await {
                seen += frame.data_ref().map_or(0, Bytes::len);
                if seen > DRAIN_BYTES {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(limits.read_timeout, drain).await;
    });
    let mut response =
        ApiError::PayloadTooLarge("Request body is too large".into()).into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
