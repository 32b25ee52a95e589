//! The axum server around the Leptos app: configuration, HTTP layers, the plain-form routes,
//! health check and demo data. `main.rs` only parses the command line and starts it.

pub mod cli;
pub mod cli_transfer;
pub mod demo;
mod forms;
pub mod generate;
mod health;
pub mod transfer;

use app::storage::Db;
use axum::{
    Router,
    extract::FromRef,
    http::{HeaderName, HeaderValue, Request, StatusCode, header},
    routing::{get, post},
};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
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
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db) -> Self {
        Self {
            leptos_options,
            db,
            routes: route_list(),
        }
    }
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

    Router::new()
        .route("/healthz", get(health::healthz))
        // CSV: exports stream a view's rows; an import is uploaded, previewed, then committed.
        .route("/export/{view}", get(transfer::export_view))
        .route(
            "/import",
            post(transfer::upload).layer(axum::extract::DefaultBodyLimit::max(
                app::transfer::IMPORT_LIMIT + 1024 * 1024,
            )),
        )
        .route("/import/{token}/commit", post(transfer::commit))
        // Plain form posts (JavaScript off or not loaded yet). With JavaScript the same forms
        // call the server functions under /api instead.
        .route("/firms", post(forms::create_firm))
        .route("/firms/{id}/edit", post(forms::update_firm))
        .route("/firms/{id}/delete", post(forms::delete_firm))
        .route("/firms/{id}/group", post(forms::set_firm_group))
        .route("/contracts/{id}/deliveries", post(forms::record_delivery))
        .route("/contracts/new", post(forms::create_contract))
        .route("/contracts/{id}/edit", post(forms::update_contract))
        .route("/contracts/{id}/delete", post(forms::delete_contract))
        .route("/agreements/new", post(forms::create_agreement))
        .route("/agreements/{id}/edit", post(forms::update_agreement))
        .route("/agreements/{id}/delete", post(forms::delete_agreement))
        .route("/rates/new", post(forms::create_rate))
        .route("/rates/{id}/edit", post(forms::update_rate))
        .route("/rates/{id}/delete", post(forms::delete_rate))
        .route("/systems/new", post(forms::create_system))
        .route("/systems/{id}/edit", post(forms::update_system))
        .route("/systems/{id}/delete", post(forms::delete_system))
        .leptos_routes_with_context(
            &state,
            state.routes.clone(),
            move || provide_context(db.clone()),
            move || app::shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            app::shell,
        ))
        .layer(layers)
        .with_state(state)
}
