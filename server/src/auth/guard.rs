//! The one gate every request passes, before any handler, page or server function runs:
//!
//! 1. a state-changing request (anything but GET/HEAD/OPTIONS) from another site is refused:
//!    Leptos server functions and plain form posts have no CSRF token, so the browser's own
//!    `Sec-Fetch-Site` (or, from older browsers, `Origin`) decides. Requests with neither
//!    header come from programs, not browsers, and carry no ambient cookie risk;
//! 2. a session older than its absolute lifetime is ended;
//! 3. behind the router, on the route that matched ([`authorize`]), the
//!    [`policy`](super::policy) access is checked: 401 without a session, 403 for a role below
//!    the one needed (recorded in the audit trail);
//! 4. the handler runs with the signed-in user in the request (for pages) and as the audit
//!    trail's actor (for every change it makes);
//! 5. every response gets the security headers, with a fresh CSP nonce for the page's own
//!    inline scripts (Leptos adds the nonce from the request's [`CspNonce`]).

use super::policy::{self, Access};
use super::{AuthSession, SIGNED_IN_AT, SessionLimits};
use app::domain::account::{CurrentUser, Role};
use app::domain::audit::AuditAction;
use app::error::AppError;
use app::storage::Db;
use app::storage::audit::{self, Actor};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::net::SocketAddr;
use std::sync::Arc;

pub use app::context::CspNonce;

#[derive(Clone)]
pub struct Guard {
    pub db: Db,
    pub forms: Arc<Vec<(Method, &'static str, Role)>>,
    pub limits: SessionLimits,
}

/// The client's address as the server saw it (not a proxy header: it cannot be forged).
pub fn client_address(request: &Request) -> String {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default()
}

pub async fn guard(
    State(guard): State<Guard>,
    mut auth: AuthSession,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let server_fn = request.uri().path().starts_with("/api/");
    let mut response = check_and_run(&guard, &mut auth, request, next).await;
    if server_fn && response.status() == StatusCode::INTERNAL_SERVER_ERROR {
        response = with_error_status(response).await;
    }
    security_headers(response.headers_mut(), &nonce);
    response
}

/// A server function's error answered with the status its kind has: Leptos answers every
/// error 500, which would call an unreadable request or a missing record a server fault.
async fn with_error_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn check_and_run(
    guard: &Guard,
    auth: &mut AuthSession,
    mut request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let client = client_address(&request);
    let wants_json = path.starts_with("/api/");

    let user = match auth.user.clone() {
        Some(user) if expired(auth, guard.limits).await => {
            let _ = auth.logout().await;
            tracing::info!(
                user = user.user.username,
                "session reached its absolute lifetime"
            );
            None
        }
        Some(user) => {
            if let Err(error) = super::touch(&auth.session, guard.limits).await {
                tracing::warn!(%error, "could not move the session's idle deadline");
            }
            Some(user.user)
        }
        None => None,
    };
    let actor = match &user {
        Some(user) => Actor::user(user.id, &user.username, &client),
        None => Actor {
            id: None,
            name: "(not signed in)".into(),
            client: client.clone(),
        },
    };

    if !is_safe(&method) && !same_origin(request.headers()) {
        refused(guard, &actor, &format!("cross-site {method} {path}")).await;
        return error_response(AppError::CrossSite, wants_json);
    }
    // For `authorize` behind the router: who asks (the user, when signed in, as below).
    request.extensions_mut().insert(actor.clone());
    if let Some(user) = user {
        request.extensions_mut().insert::<CurrentUser>(user);
    }
    audit::as_actor(actor, next.run(request)).await
}

/// The role check, behind the router: on the route that matched (`MatchedPath`, as the
/// router registered it), never on the raw path, so `/export/audit.csv` or `/users/` cannot
/// reach a handler under a rule meant for another route. It runs as the router's route layer
/// and around its fallback (static files and the 404 page), so no handler runs without it.
pub async fn authorize(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|matched| matched.as_str().to_owned());
    let Some(actor) = request.extensions().get::<Actor>().cloned() else {
        // The outer gate always runs first; a request without its mark is refused.
        return error_response(AppError::SignInRequired, path.starts_with("/api/"));
    };
    let user = request.extensions().get::<CurrentUser>().cloned();
    let wants_json = route.as_deref().is_some_and(|r| r.starts_with("/api/"));
    // Where to return after signing in: the path with its query (a filtered list).
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    match policy::required(&method, route.as_deref(), &path, &guard.forms) {
        Access::Public => {}
        Access::Unlisted => {
            refused(&guard, &actor, &format!("{method} {path} is in no policy")).await;
            return error_response(
                AppError::Forbidden {
                    role: user.as_ref().map_or(Role::Viewer, |u| u.role),
                    needed: Role::Admin,
                },
                wants_json,
            );
        }
        Access::Role(needed) => match &user {
            None => return sign_in_required(&method, &target, wants_json),
            Some(user) if !user.may(needed) => {
                refused(&guard, &actor, &format!("{method} {path} needs {needed}")).await;
                return error_response(
                    AppError::Forbidden {
                        role: user.role,
                        needed,
                    },
                    wants_json,
                );
            }
            Some(_) => {}
        },
    }
    next.run(request).await
}

/// Whether the session was signed in longer ago than the absolute lifetime allows.
async fn expired(auth: &AuthSession, limits: SessionLimits) -> bool {
    let signed_in_at: Option<i64> = auth.session.get(SIGNED_IN_AT).await.ok().flatten();
    let now = chrono::Utc::now().timestamp();
    match signed_in_at {
        Some(at) => now.saturating_sub(at) > limits.absolute.as_secs() as i64,
        // A session without the mark was not made by our sign-in: end it.
        None => true,
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// `Sec-Fetch-Site` when the browser sends it; else `Origin` against `Host`; neither means a
/// program (curl, the CLI, a script), not a browser.
pub fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| url::Url::parse(o).ok())
            .map(|url| match url.port() {
                Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
                None => url.host_str().unwrap_or_default().to_owned(),
            });
        return host.is_some() && origin_host.as_deref() == host;
    }
    true
}

async fn refused(guard: &Guard, actor: &Actor, detail: &str) {
    tracing::warn!(
        actor = actor.name,
        client = actor.client,
        detail,
        "request refused"
    );
    if let Err(error) = audit::event(&guard.db, actor, AuditAction::Refused, detail).await {
        tracing::error!(%error, "could not record a refused request");
    }
}

fn sign_in_required(method: &Method, path: &str, wants_json: bool) -> Response {
    if wants_json || *method != Method::GET {
        return error_response(AppError::SignInRequired, wants_json);
    }
    // A page: 401 with a page that goes on to the sign-in form (no JavaScript needed).
    let next = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", path)
        .finish();
    let href = format!("/login?{next}");
    let body = plain_page(
        "Sign in",
        &format!("<meta http-equiv=\"refresh\" content=\"0; url={href}\">",),
        &format!(
            "<h1>Sign in to continue</h1><p>This page is for signed-in users. <a href=\"{href}\">Sign in</a>.</p>"
        ),
    );
    (StatusCode::UNAUTHORIZED, body).into_response()
}

pub use app::web::{error_response, plain_page};

/// The Content-Security-Policy of a response whose inline scripts carry `nonce`: the app's
/// own scripts, styles and wasm and nothing else; no framing, no plugins, forms only to itself.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

fn security_headers(headers: &mut HeaderMap, nonce: &str) {
    let mut set = |name: header::HeaderName, value: &str| {
        if !headers.contains_key(&name)
            && let Ok(value) = HeaderValue::from_str(value)
        {
            headers.insert(name, value);
        }
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        &content_security_policy(nonce),
    );
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
}
