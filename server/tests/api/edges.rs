//! The server's edges under load: sessions written only when they change, sign-in limits
//! shared by servers over one database, admission control, the header-read timeout and the
//! shutdown deadline.

use app::domain::account::Role;
use axum::{Router, routing::get};
use reqwest::StatusCode;
use server::admission::{Admission, Limits};
use server::serve::{Edges, Stopped, serve};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{self, PASSWORD, TestApp, client, session_cookie, spawn_app_with};

test_support::on_both_backends!(
    prepare = super::spawn_app_signed_out_with_short_idle;
    a_session_is_written_when_it_changes_or_its_idle_deadline_is_due_never_at_every_read,
);

/// Idle time 8 s, so the deadline moves at most every 2 s.
async fn spawn_app_signed_out_with_short_idle(db: app::storage::Db) -> TestApp {
    spawn_app_with(db, |state| {
        state.session_limits = server::auth::SessionLimits {
            idle: Duration::from_secs(8),
            absolute: Duration::from_secs(3600),
        };
    })
    .await
}

async fn stored_session(app: &TestApp, cookie: &str) -> Option<String> {
    let id = cookie.split_once('=').unwrap().1;
    app::storage::sessions::load(&app.db, id, chrono::Utc::now())
        .await
        .unwrap()
}

async fn a_session_is_written_when_it_changes_or_its_idle_deadline_is_due_never_at_every_read(
    app: &TestApp,
) {
    support::ensure_user(&app.db, "reader", Role::Viewer).await;
    let cookie = app.sign_in("reader", PASSWORD).await.unwrap();
    let reader = client(Some(&cookie));
    let stored = stored_session(app, &cookie)
        .await
        .expect("stored at sign-in");
    // Reads within the touch interval: no cookie sent back, the stored session unchanged.
    for path in ["/contracts", "/summary", "/firms", "/pkg/none.css"] {
        let response = reader
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(session_cookie(&response), None, "{path} saved the session");
        assert_eq!(
            stored_session(app, &cookie).await.as_ref(),
            Some(&stored),
            "{path}"
        );
    }
    // Once the interval (a quarter of the idle time) has passed, the next read moves the
    // deadline: the session is saved once, with a renewed cookie.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = reader
        .get(format!("{}/contracts", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(session_cookie(&response).is_some(), "the deadline moved");
    let touched = stored_session(app, &cookie).await.unwrap();
    assert_ne!(touched, stored);
    let response = reader
        .get(format!("{}/contracts", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(session_cookie(&response), None, "and not again at once");
    // In use every 2 s, the session outlives its 8 s idle time.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(2100)).await;
        let response = reader
            .get(format!("{}/contracts", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "a session in use stays");
    }
}

/// Two servers over one database: ten wrong guesses at one username, shared between them,
/// empty its bucket for both (the README's limits hold whatever the number of servers).
async fn two_servers_share_sign_in_limits(scratch: test_support::Scratch) {
    let first = support::spawn_app_signed_out(scratch.db.clone()).await;
    let second = support::spawn_app_signed_out(scratch.another_pool().await.unwrap()).await;
    support::ensure_user(&first.db, "anna", Role::Editor).await;
    for attempt in 0..server::auth::throttle::USERNAME_BURST {
        let server = if attempt % 2 == 0 { &first } else { &second };
        let refused = server.sign_in("anna", "a wrong guess").await.unwrap_err();
        assert_eq!(
            refused.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    for server in [&first, &second] {
        let throttled = server.sign_in("anna", PASSWORD).await.unwrap_err();
        assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    scratch.finish().await;
}

#[tokio::test]
async fn two_servers_share_sign_in_limits_on_sqlite() {
    two_servers_share_sign_in_limits(test_support::Scratch::sqlite().await.unwrap()).await;
}

#[tokio::test]
async fn two_servers_share_sign_in_limits_on_postgres() {
    if let Some(scratch) = test_support::Scratch::postgres().await {
        two_servers_share_sign_in_limits(scratch).await;
    }
}

/// The buckets' arithmetic at given times: a burst, then one attempt per interval, on both
/// backends; a single client cannot lock a user out.
async fn sign_in_buckets_refill_at_their_rate(db: &app::storage::Db) {
    use server::auth::throttle::{CLIENT_BURST, USERNAME_BURST, attempt};
    let ip = |last: u8| std::net::IpAddr::from([10, 0, 0, last]);
    let t0 = 1_000_000_000_000;
    for _ in 0..USERNAME_BURST {
        assert!(attempt(db, "anna", ip(1), t0).await.unwrap().is_ok());
    }
    let wait = attempt(db, "Anna", ip(2), t0).await.unwrap().unwrap_err();
    assert!(
        wait <= Duration::from_secs(20) && wait > Duration::ZERO,
        "{wait:?}"
    );
    let t1 = t0 + 20_000;
    assert!(
        attempt(db, "anna", ip(2), t1).await.unwrap().is_ok(),
        "the real user gets in"
    );
    for n in USERNAME_BURST..CLIENT_BURST {
        assert!(
            attempt(db, &format!("user{n}"), ip(1), t1)
                .await
                .unwrap()
                .is_ok()
        );
    }
    let wait = attempt(db, "someone", ip(1), t1)
        .await
        .unwrap()
        .unwrap_err();
    assert!(wait > Duration::from_secs(30), "{wait:?}");
    assert!(
        attempt(db, "anna", ip(3), t1 + 20_000)
            .await
            .unwrap()
            .is_ok()
    );
    // Full buckets are forgotten; the empty ones stay.
    assert!(
        app::storage::sign_in_buckets::forget_full(db, t1 + 10 * 60_000)
            .await
            .unwrap()
            > 0
    );
}

mod buckets {
    test_support::on_both_backends!(sign_in_buckets_refill_at_their_rate);
    use super::sign_in_buckets_refill_at_their_rate;
}

/// A router whose `/slow` and `/export/slow` wait until released, behind admission control.
fn held_router(limits: Limits, release: std::sync::Arc<tokio::sync::Notify>) -> Router {
    let wait = move || {
        let release = release.clone();
        async move {
            release.notified().await;
            "done"
        }
    };
    Router::new()
        .route("/slow", get(wait.clone()))
        .route("/export/slow", get(wait))
        .route("/fast", get(|| async { "fast" }))
        .route("/export/fast", get(|| async { "fast" }))
        .layer(axum::middleware::from_fn_with_state(
            Admission::new(limits),
            server::admission::admit,
        ))
}

async fn serve_in_background(
    router: Router,
    edges: Edges,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Stopped>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, router, edges, async {
        let _ = stopped.await;
    }));
    (base, stop, task)
}

/// [`held_router`] served in the background: its address, its release, and its stop.
async fn held_server(
    limits: Limits,
) -> (
    String,
    std::sync::Arc<tokio::sync::Notify>,
    tokio::sync::oneshot::Sender<()>,
) {
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let (base, stop, _task) =
        serve_in_background(held_router(limits, release.clone()), Edges::default()).await;
    (base, release, stop)
}

#[tokio::test]
async fn over_the_limit_requests_get_a_fast_503_with_retry_after_and_transfers_have_their_own_pool()
{
    let (base, release, _stop) = held_server(Limits {
        requests: 2,
        transfers: 1,
    })
    .await;
    let http = client(None);
    let mut held = Vec::new();
    for path in ["/slow", "/slow", "/export/slow"] {
        held.push(tokio::spawn(http.get(format!("{base}{path}")).send()));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for path in ["/fast", "/export/fast"] {
        let started = Instant::now();
        let busy = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{path}: turned away at once"
        );
        assert_eq!(busy.headers()["retry-after"], "1");
        assert!(busy.text().await.unwrap().contains("The server is busy"));
    }
    // Released, the held requests answer...
    release.notify_waiters();
    for request in held {
        assert_eq!(request.await.unwrap().unwrap().status(), StatusCode::OK);
    }
    // ...and once given back, places are free again.
    for path in ["/fast", "/export/fast"] {
        assert_eq!(
            http.get(format!("{base}{path}"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );
    }
}

#[tokio::test]
async fn exports_cannot_take_the_pages_places() {
    let (base, release, _stop) = held_server(Limits {
        requests: 1,
        transfers: 1,
    })
    .await;
    let http = client(None);
    let export = tokio::spawn(http.get(format!("{base}/export/slow")).send());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        http.get(format!("{base}/fast"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    release.notify_waiters();
    assert_eq!(export.await.unwrap().unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_client_that_sends_no_complete_headers_is_disconnected_after_the_header_timeout() {
    let edges = Edges {
        header_read_timeout: Duration::from_secs(1),
        ..Edges::default()
    };
    let router = Router::new().route("/", get(|| async { "ok" }));
    let (base, _stop, _task) = serve_in_background(router, edges).await;
    let mut slow = tokio::net::TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buffer)).await;
    assert!(read.is_ok(), "the connection was still open after 5 s");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
    // A client that sends its headers is served as usual.
    assert_eq!(
        client(None)
            .get(&base)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "ok"
    );
}

#[tokio::test]
async fn shutdown_lets_requests_finish_but_not_past_the_deadline() {
    let edges = Edges {
        shutdown_deadline: Duration::from_secs(1),
        ..Edges::default()
    };
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    // A quick request in flight at shutdown finishes, and the server stops drained.
    let router = held_router(Limits::default(), release.clone());
    let (base, stop, task) = serve_in_background(router.clone(), edges).await;
    let in_flight = tokio::spawn(client(None).get(format!("{base}/slow")).send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    release.notify_waiters();
    assert_eq!(in_flight.await.unwrap().unwrap().status(), StatusCode::OK);
    assert_eq!(task.await.unwrap(), Stopped::Drained);
    // A request that never finishes is dropped at the deadline.
    let (base, stop, task) = serve_in_background(router, edges).await;
    let _stalled = tokio::spawn(client(None).get(format!("{base}/slow")).send());
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    stop.send(()).unwrap();
    assert_eq!(
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("stopped")
            .unwrap(),
        Stopped::DeadlinePassed
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
}

/// A serving server's PostgreSQL statements end at the request timeout (an abandoned request
/// leaves no query running on), and the CSV export, read slowly, still runs to its end.
#[tokio::test]
async fn serving_statements_end_at_the_statement_timeout_and_a_slowly_read_export_completes() {
    let Some(scratch) = test_support::Scratch::postgres().await else {
        return;
    };
    server::generate::generate(&scratch.db, 3000, 5)
        .await
        .unwrap();
    let serving = scratch
        .serving_pool(Duration::from_millis(200))
        .await
        .unwrap();
    let app::storage::Db::Postgres(pool) = &serving else {
        unreachable!("a PostgreSQL scratch database")
    };
    let slow = sqlx::query("SELECT pg_sleep(1)").execute(pool).await;
    let message = slow
        .expect_err("a statement past the timeout is ended")
        .to_string();
    assert!(message.contains("statement timeout"), "{message}");

    // The export's client reads slowly.
    let (sender, mut receiver) = tokio::sync::mpsc::channel(1);
    let filter = app::domain::filter::ContractFilter::default();
    let export = tokio::spawn({
        let serving = serving.clone();
        async move { app::storage::export::contracts(&serving, &filter, sender).await }
    });
    let mut contracts = 0;
    while let Some(batch) = receiver.recv().await {
        tokio::time::sleep(Duration::from_millis(150)).await;
        contracts += batch.len();
    }
    export
        .await
        .unwrap()
        .expect("the export is not ended by the timeout");
    let stored = app::storage::scalar_i64(&serving, "SELECT COUNT(*) FROM contracts")
        .await
        .unwrap();
    assert_eq!(contracts as i64, stored, "every contract was exported");
    serving.close().await;
    scratch.finish().await;
}
