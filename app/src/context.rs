//! What server functions take from the request context.

use crate::error::AppError;
use leptos::prelude::*;

/// The database of this request. Every page and server function is given it
/// ([`provide_request_context`]), so it is missing only once the request has ended: the
/// client went away and the render's context was dropped under a resource still loading.
pub fn db() -> Result<crate::storage::Db, AppError> {
    use_context::<crate::storage::Db>().ok_or(AppError::RequestEnded)
}

/// Gives an error its HTTP status (404, 500…) on the way out, and logs an internal fault.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    let result = result.map_err(AppError::logged);
    if let (Err(error), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        response.set_status(error.status());
    }
    result
}

/// The nonce of this response's Content-Security-Policy (the guard puts it in the request;
/// Leptos adds it to the page's inline scripts).
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// What every rendered page has in its context: the database, the signed-in user, and the
/// nonce of the response's Content-Security-Policy.
pub fn provide_request_context(db: &crate::storage::Db) {
    provide_context(db.clone());
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        if let Some(user) = parts
            .extensions
            .get::<crate::domain::account::CurrentUser>()
        {
            provide_context(user.clone());
        }
        if let Some(CspNonce(nonce)) = parts.extensions.get::<CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.clone()));
        }
    }
}
