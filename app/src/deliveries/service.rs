//! Delivery use cases: recording one against a contract line, and the deliveries list.

use super::form::DeliveryFields;
use crate::contracts::service::get_contract;
use crate::domain::filter::ContractFilter;
use crate::domain::register::{Contract, DeliveryDraft, Page};
use crate::domain::{
    Confidence, Created, FieldErrors, FormOutcome, PartialDate, Quantity, Standing,
};
use crate::error::AppError;
use crate::storage::{Db, deliveries};

/// Records a delivery against a line of contract `contract_id`. The units cannot exceed what
/// is still undelivered on the line; the date is real and not in the future.
pub async fn record_delivery(
    db: &Db,
    contract_id: i64,
    fields: &DeliveryFields,
) -> Result<Created<Contract>, AppError> {
    let contract = get_contract(db, contract_id).await?;
    let mut errors = FieldErrors::new();
    if matches!(
        contract.status.standing(),
        Standing::Pipeline | Standing::Lapsed
    ) {
        errors.add(
            "line_id",
            format!(
                "This contract is not signed (its status is {}): a delivery can be recorded once it is signed.",
                contract.status
            ),
        );
    }
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

pub async fn list_deliveries(
    db: &Db,
    filter: &ContractFilter,
) -> Result<crate::domain::register::DeliveryPage, AppError> {
    use crate::domain::register::{DeliveryEntry, DeliveryPage, Named};
    use crate::domain::{CountryCode, filter::PER_PAGE};
    let deliveries::Listed {
        mut rows,
        counted,
        units,
    } = deliveries::list(db, filter).await?;
    let has_next = rows.len() > PER_PAGE as usize;
    rows.truncate(PER_PAGE as usize);
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
    // The years of this list are delivery years: the plans are read for the contracts of its
    // other filters, the summary's way (kept at the register's version).
    let contracts = crate::domain::filter::ContractFilter {
        buyer: filter.buyer,
        system: filter.system,
        agreement: filter.agreement,
        ..Default::default()
    }
    .summed();
    let schedule = crate::summary::service::portfolio(
        db,
        &contracts,
        crate::domain::summary::Dimension::Buyer,
    )
    .await?
    .schedule;
    Ok(DeliveryPage {
        page: Page::capped(rows, counted, has_next, filter.page, PER_PAGE),
        units,
        schedule,
        contracts,
    })
}
