//! Contract use cases, shared by the server functions and the plain form posts.

use crate::domain::filter::ContractFilter;
use crate::domain::register::{Contract, ContractSummary, Page};
use crate::domain::{ContractId, Created, FieldErrors, FormOutcome, Removal, Version};
use crate::error::AppError;
use crate::forms::references::{reference_refused, with_references};
use crate::storage::{Db, StorageError, contracts};

pub async fn list_contracts(
    db: &Db,
    filter: &ContractFilter,
) -> Result<Page<ContractSummary>, AppError> {
    Ok(contracts::list(db, filter).await?)
}

pub async fn get_contract(db: &Db, id: i64) -> Result<Contract, AppError> {
    contracts::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Contract {id}")))
}

/// Stores a new contract from the entry form. A contract under a framework must have the
/// framework's buyer; the answer is the stored contract.
pub async fn create_contract(
    db: &Db,
    fields: &crate::forms::EntryFields,
) -> Result<Created<Contract>, AppError> {
    let draft = match with_references(db, fields, super::form::contract_draft(fields)).await? {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match contracts::insert(db, &draft).await {
        Ok(contracts::ContractWrite::Done(id)) => {
            tracing::info!(contract.id = id, "contract created");
            Ok(FormOutcome::Saved(get_contract(db, id).await?))
        }
        Ok(contracts::ContractWrite::BuyerMismatch { agreement_buyer }) => {
            let (field, message) = agreement_refusal(Some(agreement_buyer));
            Ok(FormOutcome::Invalid(FieldErrors::single(field, message)))
        }
        Ok(contracts::ContractWrite::MissingAgreement) => {
            let (field, message) = agreement_refusal(None);
            Ok(FormOutcome::Invalid(FieldErrors::single(field, message)))
        }
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Err(error.into()),
    }
}

/// The form row (`line{n}`) that shows stored line `line_id`.
fn line_row_of(fields: &crate::forms::EntryFields, line_id: i64) -> String {
    let id = line_id.to_string();
    (0..fields.rows("line", 0))
        .map(|row| format!("line{row}"))
        .find(|row| fields.get(&format!("{row}_id")) == id)
        .unwrap_or_else(|| "line0".to_owned())
}

fn units(n: i64) -> String {
    if n == 1 {
        "1 unit".to_owned()
    } else {
        format!("{n} units")
    }
}

/// Saves the edit form of contract `id` over the stored contract, if nobody saved it since the
/// form was opened (its `version` field); otherwise answers with their version.
pub async fn update_contract(
    db: &Db,
    id: ContractId,
    fields: &crate::forms::EntryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    use contracts::ContractEdit;
    let mut draft = with_references(db, fields, super::form::contract_draft(fields)).await?;
    let version = crate::forms::version(fields);
    let (draft, version) = match (&mut draft, version) {
        (Ok(draft), Ok(version)) => (draft, version),
        (Err(errors), version) => {
            if let Err(message) = version {
                errors.add("title", message);
            }
            return Ok(FormOutcome::Invalid(errors.clone()));
        }
        (Ok(_), Err(message)) => {
            return Ok(FormOutcome::Invalid(FieldErrors::single("title", message)));
        }
    };
    let invalid = |field: String, message: String| {
        Ok(FormOutcome::Invalid(FieldErrors::single(&field, message)))
    };
    match contracts::update(db, id.get(), version.get(), draft).await {
        Ok(ContractEdit::Done) => {
            tracing::info!(contract.id = id.get(), "contract updated");
            Ok(FormOutcome::Saved(get_contract(db, id.get()).await?))
        }
        Ok(ContractEdit::Stale) => Ok(FormOutcome::Conflict {
            current: get_contract(db, id.get()).await?,
        }),
        Ok(ContractEdit::Missing) => Err(AppError::not_found(format!("Contract {id}"))),
        Ok(ContractEdit::BuyerMismatch { agreement_buyer }) => {
            let (field, message) = agreement_refusal(Some(agreement_buyer));
            invalid(field.into(), message)
        }
        Ok(ContractEdit::MissingAgreement) => {
            let (field, message) = agreement_refusal(None);
            invalid(field.into(), message)
        }
        Ok(ContractEdit::BelowDelivered { line_id, delivered }) => invalid(
            format!("{}_quantity", line_row_of(fields, line_id)),
            format!(
                "{} already delivered on this line: the quantity cannot be less.",
                units(delivered)
            ),
        ),
        Ok(ContractEdit::LineDelivered { line_id, delivered }) => invalid(
            format!("{}_system", line_row_of(fields, line_id)),
            format!(
                "This line has {} delivered: it cannot be removed while its deliveries are recorded.",
                units(delivered)
            ),
        ),
        Ok(ContractEdit::UnknownLine { line_id }) => invalid(
            format!("{}_system", line_row_of(fields, line_id)),
            "This line is no longer part of the contract; open the contract again.".into(),
        ),
        // A delivery recorded between the check and the write: the database refused it.
        Err(StorageError::CheckViolation(_)) => invalid(
            "line0_quantity".into(),
            "A quantity is below what has been delivered on its line.".into(),
        ),
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Deletes contract `id` with its lines, deliveries and sources, if nobody saved it since the
/// confirmation page was opened.
pub async fn delete_contract(
    db: &Db,
    id: ContractId,
    version: Version,
) -> Result<Removal, AppError> {
    let removal = Removal::from(contracts::delete(db, id.get(), version.get()).await?);
    if removal == Removal::Deleted {
        tracing::info!(contract.id = id.get(), "contract deleted");
    }
    Ok(removal)
}

/// The form field and message of a contract refused for its framework agreement: the buyer
/// differs from the agreement's (`Some`), or the agreement is gone (`None`). The forms and the
/// CSV import say the same.
pub fn agreement_refusal(
    agreement_buyer: Option<crate::domain::CountryCode>,
) -> (&'static str, String) {
    match agreement_buyer {
        Some(buyer) => (
            "buyer",
            format!(
                "A contract under this framework agreement has its buyer: {}.",
                buyer.name()
            ),
        ),
        None => (
            "agreement_id",
            "That framework agreement no longer exists; choose another or none.".to_owned(),
        ),
    }
}
