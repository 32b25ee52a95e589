//! Contract use cases, shared by the server functions and the plain form posts.

use super::form::ContractForm;
use crate::domain::filter::ContractFilter;
use crate::domain::pipeline::signing_date_needed;
use crate::domain::register::{Contract, ContractSummary, Page};
use crate::domain::{ContractId, Created, FieldErrors, FormOutcome, Removal, Standing, Version};
use crate::error::AppError;
use crate::forms::references::{reference_refused, with_references};
use crate::storage::contracts::ContractRefusal;
use crate::storage::{Db, Inserted, StorageError, Versioned, contracts};

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
        Ok(Inserted::Done(id)) => {
            tracing::info!(contract.id = id, "contract created");
            Ok(FormOutcome::Saved(get_contract(db, id).await?))
        }
        Ok(Inserted::Refused(refusal)) => Ok(FormOutcome::Invalid(refused(fields, refusal))),
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Err(error.into()),
    }
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
    let invalid =
        |field: &str, message: &str| Ok(FormOutcome::Invalid(FieldErrors::single(field, message)));
    if let Some((field, message)) = life_refusal(&get_contract(db, id.get()).await?, draft) {
        return invalid(field, &message);
    }
    match contracts::update(db, id, version, draft).await {
        Ok(Versioned::Done) => {
            tracing::info!(contract.id = id.get(), "contract updated");
            Ok(FormOutcome::Saved(get_contract(db, id.get()).await?))
        }
        Ok(Versioned::Stale) => Ok(FormOutcome::Conflict {
            current: get_contract(db, id.get()).await?,
        }),
        Ok(Versioned::Missing) => Err(AppError::not_found(format!("Contract {id}"))),
        Ok(Versioned::Refused(refusal)) => Ok(FormOutcome::Invalid(refused(fields, refusal))),
        // A delivery recorded between the check and the write: the database refused it.
        Err(StorageError::CheckViolation(_)) => invalid(
            "line0_quantity",
            "A quantity is below what has been delivered on its line.",
        ),
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Err(error.into()),
    }
}

/// What the deal's life forbids of saving `draft` over the stored `contract`, at its field: a
/// contract with deliveries was signed and cannot go back to the pipeline or lapse, one signed
/// out of the pipeline needs its signing date, and one whose amendments change its value keeps
/// the value in their currency (they would not add up otherwise). The form and the CSV import
/// ask the same.
pub fn life_refusal(
    contract: &Contract,
    draft: &crate::domain::register::ContractDraft,
) -> Option<(&'static str, String)> {
    let now = draft.status.standing();
    if matches!(now, Standing::Pipeline | Standing::Lapsed) && !contract.deliveries.is_empty() {
        return Some((
            ContractForm::STATUS,
            "Deliveries are recorded on this contract, so it was signed: choose a status from signed on.".to_owned(),
        ));
    }
    if matches!(now, Standing::Pipeline | Standing::Lapsed) && !contract.amendments.is_empty() {
        return Some((
            ContractForm::STATUS,
            "Amendments are recorded on this contract, so it was signed: choose a status from signed on.".to_owned(),
        ));
    }
    let amended_in = contract
        .amendments
        .iter()
        .find_map(|a| a.value_change.map(|v| v.currency()));
    let value_in = draft.provenance.value.as_ref().map(|v| v.money.currency());
    if let Some(currency) = amended_in
        && value_in != Some(currency)
    {
        return Some((
            crate::forms::rows::ValueForm::AMOUNT,
            format!(
                "Amendments change this contract's value in {currency}: keep a value in {currency} (a correction of the amount is fine)."
            ),
        ));
    }
    signing_date_needed(contract.status.standing(), now, draft.signed_on)
        .map(|message| (ContractForm::SIGNED_ON, message.to_owned()))
}

/// Deletes contract `id` with its lines, deliveries and sources, if nobody saved it since the
/// confirmation page was opened.
pub async fn delete_contract(
    db: &Db,
    id: ContractId,
    version: Version,
) -> Result<Removal, AppError> {
    let removal = Removal::from(contracts::delete(db, id, version).await?);
    if removal == Removal::Deleted {
        tracing::info!(contract.id = id.get(), "contract deleted");
    }
    Ok(removal)
}

/// The message of a write the contract's rules refused, at the form field it is about.
fn refused(fields: &crate::forms::EntryFields, refusal: ContractRefusal) -> FieldErrors {
    let (field, message) = match refusal {
        ContractRefusal::BuyerMismatch { agreement_buyer } => {
            let (field, message) = agreement_refusal(Some(agreement_buyer));
            (field.to_owned(), message)
        }
        ContractRefusal::MissingAgreement => {
            let (field, message) = agreement_refusal(None);
            (field.to_owned(), message)
        }
        ContractRefusal::BelowDelivered { line_id, delivered } => (
            format!(
                "{}_quantity",
                crate::forms::rows::row_of_line(fields, line_id)
            ),
            format!(
                "{} already delivered on this line: the quantity cannot be less.",
                units(delivered)
            ),
        ),
        ContractRefusal::LineDelivered { line_id, delivered } => (
            format!(
                "{}_system",
                crate::forms::rows::row_of_line(fields, line_id)
            ),
            format!(
                "This line has {} delivered: it cannot be removed while its deliveries are recorded.",
                units(delivered)
            ),
        ),
        ContractRefusal::LineAmended {
            line_id,
            amendments,
        } => (
            format!(
                "{}_system",
                crate::forms::rows::row_of_line(fields, line_id)
            ),
            format!(
                "This line has {} recorded: it cannot be removed while they are (they are its history).",
                if amendments == 1 {
                    "1 amendment".to_owned()
                } else {
                    format!("{amendments} amendments")
                }
            ),
        ),
        ContractRefusal::UnknownLine { line_id } => (
            format!(
                "{}_system",
                crate::forms::rows::row_of_line(fields, line_id)
            ),
            "This line is no longer part of the contract; open the contract again.".to_owned(),
        ),
    };
    FieldErrors::single(&field, message)
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
