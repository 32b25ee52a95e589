//! The plain-HTML side of the app's HTTP surface (server only): form posts for browsers without
//! JavaScript (or before the wasm has loaded). Each feature declares its own routes
//! ([`FormRoute`], in its `routes.rs`); the server merges them in one place and puts the access
//! policy's rows next to them. A save answers 303 to the page that shows the result; a form
//! that did not save re-renders its page with the typed values and the messages at their
//! fields (422), or merged with the other user's version (409).

mod answer;
mod entry;
mod read;

pub use answer::{Echo, answer_delete, answer_save};
pub use entry::{EntryKind, entry_routes};
pub use read::{FORM_LIMIT, read_form};

use crate::domain::account::Role;
use crate::error::AppError;
use crate::storage::Db;
use axum::{
    body::Body,
    http::{HeaderValue, Method, Request, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::MethodRouter,
};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use server_fn::error::FromServerFnError;

/// What a form route needs: the database, and the Leptos options to re-render a page.
#[derive(Clone)]
pub struct Site {
    pub db: Db,
    pub options: LeptosOptions,
}

/// A plain-form route of a feature, with the role it needs (the access policy reads it).
pub struct FormRoute {
    pub method: Method,
    pub path: &'static str,
    pub role: Role,
    pub handler: MethodRouter<Site>,
}

impl FormRoute {
    pub fn post(path: &'static str, role: Role, handler: MethodRouter<Site>) -> Self {
        Self {
            method: Method::POST,
            path,
            role,
            handler,
        }
    }
}

/// Renders the page at the request's own address as a GET would, with `context` provided
/// (the echo of the form), and answers with `status`.
pub async fn render_page<C>(
    site: &Site,
    mut parts: Parts,
    context: C,
    status: StatusCode,
) -> Response
where
    C: Clone + Send + Sync + 'static,
{
    parts.method = Method::GET;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    let request = Request::from_parts(parts, Body::empty());
    let db = site.db.clone();
    let options = site.options.clone();
    // Every page renders with SsrMode::Async, so render that way directly (the route-matching
    // helper needs axum's MatchedPath, which a re-render at another address does not have).
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            crate::context::provide_request_context(&db);
            provide_context(context.clone());
        },
        move || crate::shell(options.clone()),
    );
    let mut response = handler(request).await.into_response();
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// An error as the answer to a request the app could not serve: JSON for server functions
/// (`wants_json`), else a minimal page in the app's words.
pub fn error_response(error: AppError, wants_json: bool) -> Response {
    let error = error.logged();
    let status = error.status();
    if wants_json {
        let mut response = (status, error.ser()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return response;
    }
    let (title, links) = match status {
        StatusCode::UNAUTHORIZED => ("Sign in", "<a href=\"/login\">Sign in</a>"),
        StatusCode::SERVICE_UNAVAILABLE => ("Server busy", "<a href=\"\">Try again</a>"),
        StatusCode::BAD_REQUEST => (
            "Request not readable",
            "<a href=\"/\">Go to the overview</a>",
        ),
        _ => (
            "Not allowed",
            "<a href=\"/\">Go to the overview</a> · <a href=\"/login\">Sign in as someone else</a>",
        ),
    };
    let body = plain_page(
        title,
        "",
        &format!(
            "<h1>{title}</h1><p>{}</p><p>{links}</p>",
            crate::components::format::escape_html(&error.to_string())
        ),
    );
    (status, body).into_response()
}

/// A minimal page in the app's style, for answers given before the app renders.
pub fn plain_page(title: &str, head: &str, body: &str) -> axum::response::Html<String> {
    axum::response::Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Defense Export Tracker</title><link rel=\"stylesheet\" href=\"/pkg/dealtracker.css\">{head}</head>\
         <body><main id=\"main\">{body}</main></body></html>"
    ))
}

/// The form of a delete's confirmation page: the version the page was opened at.
#[derive(serde::Deserialize)]
pub struct DeleteForm {
    pub version: i64,
}
