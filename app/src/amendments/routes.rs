//! The amendment forms' routes (JavaScript off or not loaded yet).

use super::api::AmendmentRemoval;
use super::form::AmendEcho;
use crate::domain::account::Role::Editor;
use crate::domain::{FieldErrors, NoConflict};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::amendments::Amended;
use crate::web::{Echo, FormRoute, Site, answer_save, read_form, render_page};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{Request, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};

pub fn routes() -> Vec<FormRoute> {
    vec![
        FormRoute::post("/contracts/{id}/amend", Editor, post(record)),
        FormRoute::post(
            "/contracts/{id}/amendments/{amendment}/delete",
            Editor,
            post(delete),
        ),
        FormRoute::post("/agreements/{id}/amend", Editor, post(record_agreement)),
        FormRoute::post(
            "/agreements/{id}/amendments/{amendment}/delete",
            Editor,
            post(delete_agreement),
        ),
    ]
}

/// `POST /agreements/{id}/amend`: records an amendment, then shows the agreement with it.
async fn record_agreement(
    State(site): State<Site>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    amended(&site, request, Amended::Agreement(id)).await
}

/// `POST /agreements/{id}/amendments/{amendment}/delete`: from its confirmation page.
async fn delete_agreement(
    State(site): State<Site>,
    Path((id, amendment)): Path<(i64, i64)>,
    request: Request<Body>,
) -> Response {
    removed(
        &site,
        request,
        Amended::Agreement(id),
        amendment,
        format!("/agreements/{id}"),
    )
    .await
}

/// `POST /contracts/{id}/amend`: records an amendment, then shows the contract with it.
async fn record(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    amended(&site, request, Amended::Contract(id)).await
}

/// Records the amendment the form posted against `record`, then shows the record with it, or
/// the form again with its messages.
async fn amended(site: &Site, request: Request<Body>, record: Amended) -> Response {
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let (outcome, href) = match record {
        Amended::Contract(id) => (
            super::service::record_amendment(&site.db, id, &fields)
                .await
                .map(|o| o.map(|_| ())),
            format!("/contracts/{id}"),
        ),
        Amended::Agreement(id) => (
            super::service::record_agreement_amendment(&site.db, id, &fields)
                .await
                .map(|o| o.map(|_| ())),
            format!("/agreements/{id}"),
        ),
    };
    answer_save::<_, _, _, AmendEcho>(site, parts, fields, outcome, |_| {
        format!("{href}?amended=1#amendments")
    })
    .await
}

/// `POST /contracts/{id}/amendments/{amendment}/delete`: from its confirmation page.
async fn delete(
    State(site): State<Site>,
    Path((id, amendment)): Path<(i64, i64)>,
    request: Request<Body>,
) -> Response {
    removed(
        &site,
        request,
        Amended::Contract(id),
        amendment,
        format!("/contracts/{id}"),
    )
    .await
}

/// Deletes `amendment` of `record`, then shows the record (`href`) without it, or the
/// confirmation page again with why it was refused.
async fn removed(
    site: &Site,
    request: Request<Body>,
    record: Amended,
    amendment: i64,
    href: String,
) -> Response {
    let (parts, _) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    match super::service::delete_amendment_of(&site.db, record, amendment).await {
        Ok(AmendmentRemoval::Deleted | AmendmentRemoval::AlreadyGone) => {
            Redirect::to(&format!("{href}?amendment_deleted=1#amendments")).into_response()
        }
        Ok(refused @ AmendmentRemoval::Refused(_)) => {
            render_page(site, parts, refused, StatusCode::CONFLICT).await
        }
        Err(error) => {
            let error = error.logged();
            let status = error.status();
            render_page(site, parts, (), status).await
        }
    }
}

impl Echo<EntryFields, NoConflict> for AmendEcho {
    fn invalid(fields: EntryFields, errors: FieldErrors) -> Self {
        AmendEcho { fields, errors }
    }
    fn conflict(_: EntryFields, current: NoConflict) -> Self {
        match current {}
    }
    fn failed(fields: EntryFields, error: &AppError) -> Self {
        AmendEcho {
            fields,
            errors: FieldErrors::single(super::form::AmendmentForm::DATE, error.to_string()),
        }
    }
}
