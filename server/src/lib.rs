//! The axum server around the Leptos app: configuration, HTTP layers, the plain-form routes,
//! health check and demo data. `main.rs` only parses the command line and starts it.

pub mod admission;
pub mod auth;
pub mod cli;
pub mod cli_transfer;
pub mod cli_users;
pub mod demo;
pub mod generate;
mod health;
pub mod memory;
pub mod serve;
pub mod transfer;

use app::domain::account::Role;
use app::storage::Db;
use axum::{
    Router,
    extract::{FromRef, Query, State},
    handler::Handler,
    http::{HeaderName, HeaderValue, Method, Request, StatusCode, header},
    routing::{MethodRouter, get, post},
};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use std::sync::{Arc, Mutex};
use std::{sync::OnceLock, time::Duration};
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub routes: Vec<AxumRouteListing>,
    /// The first-start set-up token while there are no users (printed on the console).
    pub setup_token: Arc<Mutex<Option<String>>>,
    pub session_limits: auth::SessionLimits,
    /// How many requests may be in progress at once (the rest get 503 at once).
    pub admission: admission::Limits,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db) -> Self {
        Self {
            leptos_options,
            db,
            routes: route_list(),
            setup_token: Arc::default(),
            session_limits: auth::SessionLimits::default(),
            admission: admission::Limits::default(),
        }
    }

    /// What the features' plain-form routes need.
    pub fn site(&self) -> app::web::Site {
        app::web::Site {
            db: self.db.clone(),
            options: self.leptos_options.clone(),
        }
    }

    /// Opens the first-start set-up with a new one-time token, and answers it.
    pub fn open_setup(&self) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        if let Ok(mut slot) = self.setup_token.lock() {
            *slot = Some(token.clone());
        }
        token
    }
}

pub use app::context::provide_request_context;

/// The routes besides Leptos's pages and server functions, with the role each needs: every
/// feature's plain-form routes (`app::features::ALL`), and the server's own for CSV transfer
/// and accounts. The router registers exactly these, and the guard's policy reads the same list.
fn server_routes() -> Vec<(Method, &'static str, Role, MethodRouter<AppState>)> {
    use Role::{Admin, Editor, Viewer};
    let import_limit =
        axum::extract::DefaultBodyLimit::max(app::transfer::IMPORT_LIMIT + 1024 * 1024);
    // CSV: exports stream a view's rows, one route per view (the audit trail's is admins');
    // an import is uploaded, previewed, then committed.
    let exports = app::transfer::View::ALL.into_iter().map(|view| {
        let role = if view == app::transfer::View::Audit {
            Admin
        } else {
            Viewer
        };
        let export = get(
            move |State(db): State<Db>, Query(pairs): Query<Vec<(String, String)>>| {
                transfer::export_view(view, db, pairs)
            },
        );
        (Method::GET, view.path(), role, export)
    });
    let mut routes: Vec<_> = exports.collect();
    routes.extend([
        (
            Method::POST,
            "/import",
            Editor,
            post(transfer::upload).layer(import_limit),
        ),
        (
            Method::POST,
            "/import/{token}/commit",
            Editor,
            post(transfer::commit),
        ),
        (
            Method::POST,
            "/logout",
            Viewer,
            post(auth::handlers::sign_out),
        ),
        (
            Method::POST,
            "/users",
            Admin,
            post(auth::handlers::add_user),
        ),
        (
            Method::POST,
            "/users/{id}",
            Admin,
            post(auth::handlers::update_user),
        ),
        (
            Method::POST,
            "/users/{id}/password",
            Admin,
            post(auth::handlers::reset_password),
        ),
    ]);
    routes
}

/// Every feature's plain form posts (JavaScript off or not loaded yet). With JavaScript the
/// same forms call the server functions under /api instead.
fn feature_routes() -> Vec<app::web::FormRoute> {
    app::features::ALL
        .iter()
        .flat_map(|feature| (feature.form_routes)())
        .collect()
}

/// The form routes with the role each needs, as the guard's policy reads them.
pub fn form_policy() -> Vec<(Method, &'static str, Role)> {
    let mut policy: Vec<_> = server_routes()
        .into_iter()
        .map(|(method, path, role, _)| (method, path, role))
        .collect();
    policy.extend(
        feature_routes()
            .into_iter()
            .map(|route| (route.method, route.path, route.role)),
    );
    policy
}

/// Every route the router serves besides static files, as `(method, path)`: the form routes,
/// the public ones, the Leptos pages and the server functions. The authorization test walks
/// this list.
pub fn registered_routes(state: &AppState) -> Vec<(Method, String)> {
    let mut routes: Vec<(Method, String)> = form_policy()
        .into_iter()
        .map(|(method, path, _)| (method, path.to_owned()))
        .collect();
    routes.extend(auth::policy::PUBLIC.iter().map(|(m, p)| {
        (
            Method::from_bytes(m.as_bytes()).expect("a method"),
            (*p).to_owned(),
        )
    }));
    routes.extend(
        state
            .routes
            .iter()
            .map(|route| (Method::GET, route.path().to_owned())),
    );
    routes
        .extend(server_fn::axum::server_fn_paths().map(|(path, method)| (method, path.to_owned())));
    routes.sort_by(|a, b| (a.1.as_str(), a.0.as_str()).cmp(&(b.1.as_str(), b.0.as_str())));
    routes.dedup();
    routes
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed by a process-wide flag, and a resource first polled meanwhile on another
/// thread never loads (leptos-rs/leptos#4773): a second server in the same process (the tests
/// start one per test) would hang requests of the servers already running.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP application.
pub fn router(state: AppState, request_timeout: Duration) -> Router {
    let db = state.db.clone();
    let options = state.leptos_options.clone();
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let request_id = request
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    request_id,
                )
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(axum::middleware::from_fn_with_state(
            admission::Admission::new(state.admission),
            admission::admit,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            request_timeout,
        ))
        // Pages and server-function answers are compressed on the fly; the wasm, JS and CSS
        // are served from their precompressed .br/.gz files (see `file_and_error_handler`).
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ));

    let mut router = Router::new()
        .route("/login", post(auth::handlers::sign_in))
        .route("/setup", post(auth::handlers::set_up));
    for (_, path, _, handler) in server_routes() {
        router = router.route(path, handler);
    }
    for route in feature_routes() {
        router = router.route(route.path, route.handler.with_state(state.site()));
    }
    let guard = auth::guard::Guard {
        db: db.clone(),
        forms: Arc::new(form_policy()),
        limits: state.session_limits,
    };
    let sessions = auth::session_layer(db.clone(), state.session_limits);
    let auth_layer =
        axum_login::AuthManagerLayerBuilder::new(auth::Backend::new(db.clone()), sessions).build();
    let page_db = db.clone();
    let error_db = db.clone();
    let authorize = axum::middleware::from_fn_with_state(guard.clone(), auth::guard::authorize);
    let fallback = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        move || provide_request_context(&error_db),
        app::shell,
    );
    router
        .leptos_routes_with_context(
            &state,
            state.routes.clone(),
            move || provide_request_context(&page_db),
            move || app::shell(options.clone()),
        )
        .route_layer(authorize.clone())
        .fallback(fallback.layer(authorize))
        .layer(axum::middleware::from_fn_with_state(
            guard,
            auth::guard::guard,
        ))
        .layer(auth_layer)
        // Outside the session layers: it must answer when the database (and so every session)
        // does not.
        .route("/healthz", get(health::healthz))
        .layer(layers)
        .with_state(state)
}
