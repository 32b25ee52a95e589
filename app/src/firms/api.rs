//! Server functions for firms: public HTTP endpoints under `/api/firms/…`. Each is a thin
//! wrapper over [`super::service`]; the database handle comes from the request context.

use super::DeleteOutcome;
use crate::domain::{Firm, FormOutcome};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::GetUrl;

#[cfg(feature = "ssr")]
fn db() -> Result<crate::storage::Db, AppError> {
    use_context::<crate::storage::Db>()
        .ok_or_else(|| AppError::internal("no database handle in the request context"))
}

/// Gives an error its HTTP status (404, 500…) on the way out.
#[cfg(feature = "ssr")]
fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let (Err(error), Some(response)) = (&result, use_context::<leptos_axum::ResponseOptions>()) {
        response.set_status(error.status());
    }
    result
}

#[server(endpoint = "firms/list", input = GetUrl)]
pub async fn list_firms() -> Result<Vec<Firm>, AppError> {
    answer(async { super::service::list(&db()?).await }.await)
}

#[server(endpoint = "firms/count", input = GetUrl)]
pub async fn count_firms() -> Result<i64, AppError> {
    answer(async { Ok(crate::storage::firms::count(&db()?).await?) }.await)
}

#[server(endpoint = "firms/get", input = GetUrl)]
pub async fn get_firm(id: i64) -> Result<Firm, AppError> {
    answer(async { super::service::get(&db()?, id).await }.await)
}

/// Field names match the firm form's inputs, so the form's data is the call's arguments.
#[server(endpoint = "firms/create")]
pub async fn create_firm(
    name: String,
    country: String,
    website: String,
    notes: String,
) -> Result<FormOutcome<Firm>, AppError> {
    let fields = crate::domain::FirmFields {
        name,
        country,
        website,
        notes,
    };
    answer(async { super::service::create(&db()?, &fields).await }.await)
}

#[server(endpoint = "firms/update")]
pub async fn update_firm(
    id: i64,
    version: i64,
    name: String,
    country: String,
    website: String,
    notes: String,
) -> Result<FormOutcome<Firm>, AppError> {
    let fields = crate::domain::FirmFields {
        name,
        country,
        website,
        notes,
    };
    answer(async { super::service::update(&db()?, id, version, &fields).await }.await)
}

#[server(endpoint = "firms/delete")]
pub async fn delete_firm(id: i64, version: i64) -> Result<DeleteOutcome, AppError> {
    answer(async { super::service::delete(&db()?, id, version).await }.await)
}
