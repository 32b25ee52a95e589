//! The server's accept loop: hyper over the router, with the edges `axum::serve` leaves open.
//! A client gets `header_read_timeout` to send its request's headers (a slow-header client
//! cannot hold a connection, and its file descriptor, for ever), and once shutdown begins the
//! requests in flight get `shutdown_deadline` to finish before the process goes on without them
//! (a stalled download cannot keep a stopping server alive).

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How long a connection may take at its edges.
#[derive(Clone, Copy, Debug)]
pub struct Edges {
    /// From a connection's start (or its previous response) to the end of a request's headers.
    pub header_read_timeout: Duration,
    /// After shutdown begins, how long requests in flight may still take.
    pub shutdown_deadline: Duration,
}

impl Default for Edges {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            shutdown_deadline: Duration::from_secs(10),
        }
    }
}

/// How serving ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Every request in flight finished.
    Drained,
    /// The deadline passed with requests still in flight; they were dropped.
    DeadlinePassed,
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains within the deadline.
/// Handlers see the client's address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    edges: Edges,
    shutdown: impl Future<Output = ()>,
) -> Stopped {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(edges.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, client) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a moment instead of spinning, and go on.
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(client));
                request
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                // A client that went away or sent no headers in time: not the server's fault.
                tracing::debug!(%client, %error, "connection ended");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => Stopped::Drained,
        () = tokio::time::sleep(edges.shutdown_deadline) => {
            tracing::warn!(
                deadline = ?edges.shutdown_deadline,
                "shutting down: requests still in flight after the deadline are dropped"
            );
            Stopped::DeadlinePassed
        }
    }
}
