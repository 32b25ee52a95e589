//! Delivery plan use cases: saving a contract's plan over the stored one.

use super::form::{PlanForm, plan_drafts};
use crate::contracts::service::get_contract;
use crate::domain::register::Contract;
use crate::domain::{FieldErrors, FormOutcome};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::{Db, plans};

/// What saving a plan answers: the contract with its new plan, the messages, or the contract
/// as someone else saved it since the form was opened.
pub type PlanSaved = FormOutcome<Contract, Contract>;

/// Saves the plan typed in `fields` over contract `id`'s plan.
pub async fn save_plan(db: &Db, id: i64, fields: &EntryFields) -> Result<PlanSaved, AppError> {
    let contract = get_contract(db, id).await?;
    let Ok(version) = fields.get(PlanForm::VERSION).trim().parse::<i64>() else {
        return Err(AppError::Unreadable(
            crate::error::UNREADABLE_FORM.to_owned(),
        ));
    };
    let drafts = match plan_drafts(fields, &contract) {
        Ok(drafts) => drafts,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match plans::replace(db, id, version, &drafts).await? {
        plans::Saved::Done => {
            tracing::info!(contract.id = id, rows = drafts.len(), "delivery plan saved");
            Ok(FormOutcome::Saved(get_contract(db, id).await?))
        }
        plans::Saved::Missing => Err(AppError::not_found(format!("Contract {id}"))),
        plans::Saved::Stale => Ok(FormOutcome::Conflict {
            current: get_contract(db, id).await?,
        }),
        // A line removed by an edit in between: the form reads against the contract as now.
        plans::Saved::UnknownLine { .. } => Ok(FormOutcome::Invalid(
            match plan_drafts(fields, &get_contract(db, id).await?) {
                Err(errors) => errors,
                Ok(_) => FieldErrors::single(
                    &PlanForm::key(0, "line"),
                    "The contract changed while this form was open: check the rows and save again.",
                ),
            },
        )),
    }
}
