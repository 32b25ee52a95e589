//! What server functions take from the request context.

use crate::error::AppError;
use leptos::prelude::*;

pub fn db() -> Result<crate::storage::Db, AppError> {
    use_context::<crate::storage::Db>()
        .ok_or_else(|| AppError::internal("no database handle in the request context"))
}

/// Gives an error its HTTP status (404, 500…) on the way out.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(error), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        response.set_status(error.status());
    }
    result
}
