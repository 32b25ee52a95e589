//! Amendment use cases: recording one against a signed contract, and deleting one (a mistake)
//! with its changes taken back out.

use super::api::AmendmentRemoval;
use super::form::amendment_draft;
use crate::contracts::service::get_contract;
use crate::domain::register::Contract;
use crate::domain::{Created, FieldErrors, FormOutcome};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::{Db, StorageError, amendments};

/// Records the amendment typed in `fields` against contract `contract_id`; the answer is the
/// contract with its new figures.
pub async fn record_amendment(
    db: &Db,
    contract_id: i64,
    fields: &EntryFields,
) -> Result<Created<Contract>, AppError> {
    let contract = get_contract(db, contract_id).await?;
    let draft = match amendment_draft(fields, &contract) {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match amendments::record(db, contract_id, &draft).await {
        Ok(amendments::Recorded::Done { id }) => {
            tracing::info!(
                amendment.id = id,
                contract.id = contract_id,
                "amendment recorded"
            );
            Ok(FormOutcome::Saved(get_contract(db, contract_id).await?))
        }
        Ok(amendments::Recorded::Missing) => {
            Err(AppError::not_found(format!("Contract {contract_id}")))
        }
        Ok(amendments::Recorded::UnknownLine { .. }) | Err(StorageError::CheckViolation(_)) => {
            // The contract changed after it was read (an edit, a delivery): read against it as
            // it is now, the form says what no longer fits.
            let now = get_contract(db, contract_id).await?;
            Ok(FormOutcome::Invalid(match amendment_draft(fields, &now) {
                Err(errors) => errors,
                Ok(_) => FieldErrors::single(
                    super::form::AmendmentForm::DATE,
                    "The contract changed while this form was open: check the figures and save again.",
                ),
            }))
        }
        Err(error) => Err(error.into()),
    }
}

/// Deletes amendment `id` of contract `contract_id` (recorded by mistake) and takes its
/// changes back out of the contract's figures.
pub async fn delete_amendment(
    db: &Db,
    contract_id: i64,
    id: i64,
) -> Result<AmendmentRemoval, AppError> {
    match amendments::delete(db, contract_id, id).await {
        Ok(true) => {
            tracing::info!(amendment.id = id, contract.id = contract_id, "amendment deleted");
            Ok(AmendmentRemoval::Deleted)
        }
        Ok(false) => Ok(AmendmentRemoval::AlreadyGone),
        Err(StorageError::CheckViolation(_)) => Ok(AmendmentRemoval::Refused(
            "Without this amendment a line would hold fewer units than are delivered on it, or options below zero: record another amendment instead.".to_owned(),
        )),
        Err(error) => Err(error.into()),
    }
}
