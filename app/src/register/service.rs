//! Use cases of the deal register, shared by server functions and plain form posts.

use super::DeliveryFields;
use crate::domain::filter::{AgreementFilter, ContractFilter};
use crate::domain::register::{
    Agreement, AgreementSummary, Contract, ContractSummary, DeliveryDraft, Page, SystemRecord,
};
use crate::domain::{Confidence, FieldErrors, FormOutcome, PartialDate, Quantity};
use crate::error::AppError;
use crate::storage::{Db, StorageError, agreements, contracts, deliveries, systems};

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

pub async fn list_agreements(
    db: &Db,
    filter: &AgreementFilter,
) -> Result<Page<AgreementSummary>, AppError> {
    Ok(agreements::list(db, filter).await?)
}

pub async fn get_agreement(db: &Db, id: i64) -> Result<Agreement, AppError> {
    agreements::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Agreement {id}")))
}

pub async fn list_systems(db: &Db) -> Result<Vec<SystemRecord>, AppError> {
    Ok(systems::list(db).await?)
}

/// Records a delivery against a line of contract `contract_id`. The units cannot exceed what
/// is still undelivered on the line; the date is real and not in the future.
pub async fn record_delivery(
    db: &Db,
    contract_id: i64,
    fields: &DeliveryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    let contract = get_contract(db, contract_id).await?;
    let mut errors = FieldErrors::new();
    let line = errors.check(
        "line_id",
        fields
            .line_id
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| contract.lines.iter().find(|l| l.id == id))
            .ok_or_else(|| "Choose one of this contract's lines.".to_owned()),
    );
    let delivered_on = errors.check(
        "delivered_on",
        PartialDate::parse_past(&fields.delivered_on),
    );
    let units = errors.check("units", Quantity::parse(&fields.units));
    let confidence = errors.check("confidence", Confidence::parse(&fields.confidence));
    let notes = errors.check(
        "notes",
        crate::domain::Notes::parse(&fields.notes).map(|n| n.as_str().to_owned()),
    );
    if let (Some(line), Some(units)) = (line, units)
        && let Some(remaining) = line.undelivered()
        && units.get() > remaining
    {
        errors.add("units", too_many(remaining, line.system.name.as_str()));
    }
    let (Some(line), Some(delivered_on), Some(units), Some(confidence), Some(notes), true) = (
        line,
        delivered_on,
        units,
        confidence,
        notes,
        errors.is_empty(),
    ) else {
        return Ok(FormOutcome::Invalid(errors));
    };
    let draft = DeliveryDraft {
        line_id: line.id,
        delivered_on,
        units,
        confidence,
        notes,
    };
    match deliveries::record(db, &draft).await? {
        deliveries::Recorded::Done { id } => {
            tracing::info!(
                delivery.id = id,
                contract.id = contract_id,
                "delivery recorded"
            );
            Ok(FormOutcome::Saved(get_contract(db, contract_id).await?))
        }
        // Someone recorded units in between: the check above saw an older total.
        deliveries::Recorded::TooMany { remaining } => Ok(FormOutcome::Invalid(
            FieldErrors::single("units", too_many(remaining, &line.system.name)),
        )),
        deliveries::Recorded::MissingLine => Err(AppError::not_found(format!(
            "Line {} of contract {contract_id}",
            line.id
        ))),
    }
}

fn too_many(remaining: i64, system: &str) -> String {
    match remaining {
        0 => format!("Every {system} on this line is already delivered."),
        1 => format!("Only 1 {system} is still undelivered on this line."),
        n => format!("Only {n} {system} are still undelivered on this line."),
    }
}

/// Stores a new contract from the entry form. A contract under a framework must have the
/// framework's buyer; the answer is the stored contract.
pub async fn create_contract(
    db: &Db,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    let draft = match super::entry::contract_draft(fields) {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match contracts::insert(db, &draft).await {
        Ok(contracts::ContractWrite::Done(id)) => {
            tracing::info!(contract.id = id, "contract created");
            Ok(FormOutcome::Saved(get_contract(db, id).await?))
        }
        Ok(contracts::ContractWrite::BuyerMismatch { agreement_buyer }) => {
            Ok(FormOutcome::Invalid(FieldErrors::single(
                "buyer",
                format!(
                    "A contract under this framework agreement has its buyer: {}.",
                    agreement_buyer.name()
                ),
            )))
        }
        Ok(contracts::ContractWrite::MissingAgreement) => {
            Ok(FormOutcome::Invalid(FieldErrors::single(
                "agreement_id",
                "That framework agreement no longer exists; choose another or none.",
            )))
        }
        Err(StorageError::ForeignKeyViolation { .. }) => {
            Ok(FormOutcome::Invalid(FieldErrors::single(
                "supplier_id",
                "A firm or system chosen here no longer exists; reload the page and choose again.",
            )))
        }
        Err(error) => Err(error.into()),
    }
}

/// Stores a new framework agreement with its ceiling lines from the entry form.
pub async fn create_agreement(
    db: &Db,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<Agreement>, AppError> {
    let draft = match super::entry::agreement_draft(fields) {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match agreements::insert(db, &draft).await {
        Ok(id) => {
            tracing::info!(agreement.id = id, "agreement created");
            Ok(FormOutcome::Saved(get_agreement(db, id).await?))
        }
        Err(StorageError::ForeignKeyViolation { .. }) => {
            Ok(FormOutcome::Invalid(FieldErrors::single(
                "supplier0_id",
                "A firm or system chosen here no longer exists; reload the page and choose again.",
            )))
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn list_deliveries(
    db: &Db,
    filter: &ContractFilter,
) -> Result<crate::domain::register::DeliveryPage, AppError> {
    use crate::domain::register::{DeliveryEntry, DeliveryPage, Named};
    use crate::domain::{CountryCode, filter::PER_PAGE};
    let (rows, total, units) = deliveries::list(db, filter).await?;
    let corrupt = |e: String| AppError::internal(format!("stored delivery is invalid: {e}"));
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(DeliveryEntry {
                id: r.id,
                delivered_on: PartialDate::parse(&r.delivered_on).map_err(corrupt)?,
                units: Quantity::new(r.units).map_err(corrupt)?,
                confidence: Confidence::parse(&r.confidence).map_err(corrupt)?,
                notes: r.notes,
                contract: Named {
                    id: r.contract_id,
                    name: r.contract_title,
                },
                buyer: CountryCode::parse(&r.buyer_code).map_err(corrupt)?,
                system: r.designation,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(DeliveryPage {
        page: Page {
            rows,
            total,
            page: filter.page.max(1),
            per_page: PER_PAGE,
        },
        units,
    })
}
