//! The amendment forms' routes (JavaScript off or not loaded yet).

use super::api::AmendmentRemoval;
use super::form::AmendEcho;
use crate::domain::account::Role::Editor;
use crate::domain::{FieldErrors, NoConflict};
use crate::error::AppError;
use crate::forms::EntryFields;
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
    ]
}

/// `POST /contracts/{id}/amend`: records an amendment, then shows the contract with it.
async fn record(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::record_amendment(&site.db, id, &fields).await;
    answer_save::<_, _, _, AmendEcho>(&site, parts, fields, outcome, |_| {
        format!("/contracts/{id}?amended=1#amendments")
    })
    .await
}

/// `POST /contracts/{id}/amendments/{amendment}/delete`: from its confirmation page.
async fn delete(
    State(site): State<Site>,
    Path((id, amendment)): Path<(i64, i64)>,
    request: Request<Body>,
) -> Response {
    let (parts, _) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    match super::service::delete_amendment(&site.db, id, amendment).await {
        Ok(AmendmentRemoval::Deleted | AmendmentRemoval::AlreadyGone) => {
            Redirect::to(&format!("/contracts/{id}?amendment_deleted=1#amendments")).into_response()
        }
        Ok(refused @ AmendmentRemoval::Refused(_)) => {
            render_page(&site, parts, refused, StatusCode::CONFLICT).await
        }
        Err(error) => {
            let error = error.logged();
            let status = error.status();
            render_page(&site, parts, (), status).await
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
