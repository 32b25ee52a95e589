//! Amendment use cases: recording one against a signed contract or framework agreement, and
//! deleting one (a mistake) with its changes taken back out.

use super::api::AmendmentRemoval;
use super::form::amendment_draft;
use crate::agreements::service::get_agreement;
use crate::contracts::service::get_contract;
use crate::domain::amendment::Amendable;
use crate::domain::register::{Agreement, Contract};
use crate::domain::{Created, FieldErrors, FormOutcome};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::amendments::Amended;
use crate::storage::{Db, StorageError, amendments};

/// The record as an amendment form reads it.
async fn amendable(db: &Db, record: Amended) -> Result<Amendable, AppError> {
    Ok(match record {
        Amended::Contract(id) => Amendable::from(&get_contract(db, id).await?),
        Amended::Agreement(id) => Amendable::from(&get_agreement(db, id).await?),
    })
}

/// Records the amendment typed in `fields` against `record`: `Some` messages when nothing
/// was stored.
async fn record_on(
    db: &Db,
    record: Amended,
    fields: &EntryFields,
) -> Result<Option<FieldErrors>, AppError> {
    let draft = match amendment_draft(fields, &amendable(db, record).await?) {
        Ok(draft) => draft,
        Err(errors) => return Ok(Some(errors)),
    };
    match amendments::record(db, record, &draft).await {
        Ok(amendments::Recorded::Done { id }) => {
            tracing::info!(amendment.id = id, record = ?record, "amendment recorded");
            Ok(None)
        }
        Ok(amendments::Recorded::Missing) => Err(AppError::not_found(match record {
            Amended::Contract(id) => format!("Contract {id}"),
            Amended::Agreement(id) => format!("Agreement {id}"),
        })),
        Ok(amendments::Recorded::UnknownLine { .. }) | Err(StorageError::CheckViolation(_)) => {
            // The record changed after it was read (an edit, a delivery): read against it as it
            // is now, the form says what no longer fits.
            Ok(Some(
                match amendment_draft(fields, &amendable(db, record).await?) {
                    Err(errors) => errors,
                    Ok(_) => FieldErrors::single(
                        super::form::AmendmentForm::DATE,
                        "The record changed while this form was open: check the figures and save again.",
                    ),
                },
            ))
        }
        Err(error) => Err(error.into()),
    }
}

/// Records the amendment typed in `fields` against contract `contract_id`; the answer is the
/// contract with its new figures.
pub async fn record_amendment(
    db: &Db,
    contract_id: i64,
    fields: &EntryFields,
) -> Result<Created<Contract>, AppError> {
    Ok(
        match record_on(db, Amended::Contract(contract_id), fields).await? {
            Some(errors) => FormOutcome::Invalid(errors),
            None => FormOutcome::Saved(get_contract(db, contract_id).await?),
        },
    )
}

/// Records the amendment typed in `fields` against framework agreement `agreement_id`.
pub async fn record_agreement_amendment(
    db: &Db,
    agreement_id: i64,
    fields: &EntryFields,
) -> Result<Created<Agreement>, AppError> {
    Ok(
        match record_on(db, Amended::Agreement(agreement_id), fields).await? {
            Some(errors) => FormOutcome::Invalid(errors),
            None => FormOutcome::Saved(get_agreement(db, agreement_id).await?),
        },
    )
}

/// Deletes amendment `id` of `record` (recorded by mistake) and takes its changes back out of
/// the record's figures.
pub async fn delete_amendment_of(
    db: &Db,
    record: Amended,
    id: i64,
) -> Result<AmendmentRemoval, AppError> {
    match amendments::delete(db, record, id).await {
        Ok(true) => {
            tracing::info!(amendment.id = id, record = ?record, "amendment deleted");
            Ok(AmendmentRemoval::Deleted)
        }
        Ok(false) => Ok(AmendmentRemoval::AlreadyGone),
        Err(StorageError::CheckViolation(_)) => Ok(AmendmentRemoval::Refused(
            "Without this amendment a line would hold fewer units than are delivered on it, or options below zero: record another amendment instead.".to_owned(),
        )),
        Err(error) => Err(error.into()),
    }
}

/// Deletes amendment `id` of contract `contract_id`.
pub async fn delete_amendment(
    db: &Db,
    contract_id: i64,
    id: i64,
) -> Result<AmendmentRemoval, AppError> {
    delete_amendment_of(db, Amended::Contract(contract_id), id).await
}
