//! The delivery plan form's route (JavaScript off or not loaded yet).

use super::form::{PlanEcho, PlanForm};
use crate::domain::FieldErrors;
use crate::domain::account::Role::Editor;
use crate::domain::register::Contract;
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::web::{Echo, FormRoute, Site, answer_save, read_form};
use axum::{
    body::Body,
    extract::{Path, State},
    http::Request,
    response::Response,
    routing::post,
};

pub fn routes() -> Vec<FormRoute> {
    vec![FormRoute::post("/contracts/{id}/plan", Editor, post(save))]
}

/// `POST /contracts/{id}/plan`: saves the plan, then shows the contract's schedule.
async fn save(State(site): State<Site>, Path(id): Path<i64>, request: Request<Body>) -> Response {
    let (parts, fields) = match read_form::<EntryFields>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let outcome = super::service::save_plan(&site.db, id, &fields).await;
    answer_save::<_, _, _, PlanEcho>(&site, parts, fields, outcome, |_| {
        format!("/contracts/{id}?planned=1#schedule")
    })
    .await
}

impl Echo<EntryFields, Contract> for PlanEcho {
    fn invalid(fields: EntryFields, errors: FieldErrors) -> Self {
        PlanEcho { fields, errors }
    }
    /// The rows as typed, to save again over the contract as it is now.
    fn conflict(mut fields: EntryFields, current: Contract) -> Self {
        fields.set(PlanForm::VERSION, current.version.to_string());
        PlanEcho {
            fields,
            errors: FieldErrors::single(
                &PlanForm::key(0, "period"),
                "Someone saved this contract after you opened its plan: nothing was saved. Its plan as stored now is on the contract page; your rows are below, to check and save again.",
            ),
        }
    }
    fn failed(fields: EntryFields, error: &AppError) -> Self {
        PlanEcho {
            fields,
            errors: FieldErrors::single(&PlanForm::key(0, "period"), error.to_string()),
        }
    }
}
