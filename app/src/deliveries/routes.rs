//! The record-a-delivery form's route, on a contract's page.

use super::form::{DeliveryEcho, DeliveryFields};
use crate::domain::account::Role::Editor;
use crate::domain::{FieldErrors, NoConflict};
use crate::error::AppError;
use crate::web::{Echo, FormRoute, Site, answer_save, read_form};
use axum::{
    body::Body,
    extract::{Path, State},
    http::Request,
    response::Response,
    routing::post,
};

pub fn routes() -> Vec<FormRoute> {
    vec![FormRoute::post(
        "/contracts/{id}/deliveries",
        Editor,
        post(record),
    )]
}

/// `POST /contracts/{id}/deliveries`: records a delivery, then shows the contract again.
async fn record(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (mut parts, fields) = match read_form::<DeliveryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    // A rejected form re-renders the contract's own page.
    if let Ok(uri) = format!("/contracts/{id}").parse() {
        parts.uri = uri;
    }
    let outcome = super::service::record_delivery(&site.db, id, &fields).await;
    answer_save::<_, _, _, DeliveryEcho>(&site, parts, fields, outcome, |_| {
        format!("/contracts/{id}?delivered=1#record-delivery")
    })
    .await
}

impl Echo<DeliveryFields, NoConflict> for DeliveryEcho {
    fn invalid(fields: DeliveryFields, errors: FieldErrors) -> Self {
        DeliveryEcho { fields, errors }
    }
    fn conflict(_: DeliveryFields, current: NoConflict) -> Self {
        match current {}
    }
    fn failed(fields: DeliveryFields, error: &AppError) -> Self {
        DeliveryEcho {
            fields,
            errors: FieldErrors::single("units", error.to_string()),
        }
    }
}
