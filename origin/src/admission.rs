//! Admission control for the whole API: a fixed number of requests run at once, a bounded
//! number wait for a slot, and the rest are shed at once with 503 and `Retry-After`; a request
//! that runs longer than the timeout is answered with 503 (50002).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use crate::http::ApiError;

/// Requests in a slot or waiting for one.
pub struct Admission {
    /// Slots plus queue places: a request that cannot take one is shed.
    admitted: Semaphore,
    slots: Semaphore,
    /// Longest a request may take once in a slot.
    timeout: Duration,
}

impl Admission {
    pub fn new(slots: usize, queue: usize, timeout: Duration) -> Self {
        let slots = slots.max(1);
        Self {
            admitted: Semaphore::new(slots + queue),
            slots: Semaphore::new(slots),
            timeout,
        }
    }
}

/// Admits a request (else 503 (50301) at once), waits for a slot, and answers 503 (50002) if
/// handling takes longer than the request timeout.
pub async fn admit(State(admission): State<Arc<Admission>>, req: Request, next: Next) -> Response {
    let Ok(_admitted) = admission.admitted.try_acquire() else {
        metrics::counter!("registry_requests_shed_total").increment(1);
        return ApiError::Overloaded.into_response();
    };
    let Ok(_slot) = admission.slots.acquire().await else {
        return ApiError::Overloaded.into_response();
    };
    match tokio::time::timeout(admission.timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError::TimedOut.into_response(),
    }
}
