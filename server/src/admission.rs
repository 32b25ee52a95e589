//! Admission control: a bounded number of requests in progress, the excess turned away at once
//! with 503 and `Retry-After` instead of queueing until every request times out. CSV exports
//! and imports, long and heavy, take their places from a smaller pool of their own, so they
//! cannot starve the pages.

use app::error::AppError;
use axum::{
    extract::{Request, State},
    http::{HeaderValue, header},
    middleware::Next,
    response::Response,
};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many requests may be in progress at once.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Pages, server functions, form posts and static files.
    pub requests: usize,
    /// CSV exports and imports (streamed bodies count until their last byte is sent).
    pub transfers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            requests: 64,
            transfers: 2,
        }
    }
}

/// The two pools of places.
#[derive(Clone)]
pub struct Admission {
    requests: Arc<Semaphore>,
    transfers: Arc<Semaphore>,
}

impl Admission {
    pub fn new(limits: Limits) -> Self {
        Self {
            requests: Arc::new(Semaphore::new(limits.requests.max(1))),
            transfers: Arc::new(Semaphore::new(limits.transfers.max(1))),
        }
    }
}

/// Requests admitted since the start, and those in progress now (their bodies not yet sent):
/// what [`crate::memory`] reads to know that a load has ended.
static ADMITTED: AtomicU64 = AtomicU64::new(0);
static IN_PROGRESS: AtomicUsize = AtomicUsize::new(0);

/// `(admitted since the start, in progress now)`.
pub fn activity() -> (u64, usize) {
    (
        ADMITTED.load(Ordering::Relaxed),
        IN_PROGRESS.load(Ordering::Relaxed),
    )
}

/// Counts a request in progress until dropped.
struct InProgress;

impl InProgress {
    fn start() -> Self {
        ADMITTED.fetch_add(1, Ordering::Relaxed);
        IN_PROGRESS.fetch_add(1, Ordering::Relaxed);
        Self
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        IN_PROGRESS.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether a path is a CSV transfer (an export stream, an import upload or commit).
fn is_transfer(path: &str) -> bool {
    path.starts_with("/export/") || path == "/import" || path.starts_with("/import/")
}

/// Admits the request if its pool has a place, holding it until the response body is sent.
pub async fn admit(State(admission): State<Admission>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // The health check answers whatever the load: it says whether the process and database live.
    if path == "/healthz" {
        return next.run(request).await;
    }
    let pool = if is_transfer(path) {
        &admission.transfers
    } else {
        &admission.requests
    };
    let Ok(place) = pool.clone().try_acquire_owned() else {
        let wants_json = path.starts_with("/api/");
        tracing::debug!(path, "busy: request turned away");
        let mut response = app::web::error_response(AppError::Busy, wants_json);
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    let in_progress = InProgress::start();
    let response = next.run(request).await;
    // The place is given back when the body is done (or dropped by a client that went away).
    response.map(|body| {
        axum::body::Body::new(Held {
            body,
            _place: place,
            _in_progress: in_progress,
        })
    })
}

/// A response body that holds its request's place until it is sent or dropped.
struct Held {
    body: axum::body::Body,
    _place: OwnedSemaphorePermit,
    _in_progress: InProgress,
}

impl http_body::Body for Held {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
