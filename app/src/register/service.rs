//! Use cases of the deal register, shared by server functions and plain form posts.

use super::{DeliveryFields, Removal};
use crate::domain::audit::RecordKind;
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
    let draft = match with_references(db, fields, super::entry::contract_draft(fields)).await? {
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
fn line_row_of(fields: &super::entry::EntryFields, line_id: i64) -> String {
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
    id: i64,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    use contracts::ContractEdit;
    let mut draft = with_references(db, fields, super::entry::contract_draft(fields)).await?;
    let version = super::entry::version(fields);
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
    match contracts::update(db, id, version, draft).await {
        Ok(ContractEdit::Done) => {
            tracing::info!(contract.id = id, "contract updated");
            Ok(FormOutcome::Saved(get_contract(db, id).await?))
        }
        Ok(ContractEdit::Stale) => Ok(FormOutcome::Conflict {
            current: get_contract(db, id).await?,
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

/// Saves the edit form of agreement `id`, as `update_contract` does for contracts.
pub async fn update_agreement(
    db: &Db,
    id: i64,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<Agreement>, AppError> {
    use agreements::AgreementEdit;
    let draft = match (
        with_references(db, fields, super::entry::agreement_draft(fields)).await?,
        super::entry::version(fields),
    ) {
        (Ok(draft), Ok(version)) => (draft, version),
        (Err(mut errors), version) => {
            if let Err(message) = version {
                errors.add("title", message);
            }
            return Ok(FormOutcome::Invalid(errors));
        }
        (Ok(_), Err(message)) => {
            return Ok(FormOutcome::Invalid(FieldErrors::single("title", message)));
        }
    };
    match agreements::update(db, id, draft.1, &draft.0).await {
        Ok(AgreementEdit::Done) => {
            tracing::info!(agreement.id = id, "agreement updated");
            Ok(FormOutcome::Saved(get_agreement(db, id).await?))
        }
        Ok(AgreementEdit::Stale) => Ok(FormOutcome::Conflict {
            current: get_agreement(db, id).await?,
        }),
        Ok(AgreementEdit::Missing) => Err(AppError::not_found(format!("Agreement {id}"))),
        Ok(AgreementEdit::BuyerInUse { contracts }) => {
            Ok(FormOutcome::Invalid(FieldErrors::single(
                "buyer",
                format!(
                    "{} under this agreement {} the current buyer; a contract under a framework has the framework's buyer.",
                    if contracts == 1 {
                        "1 contract".to_owned()
                    } else {
                        format!("{contracts} contracts")
                    },
                    if contracts == 1 { "has" } else { "have" },
                ),
            )))
        }
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Deletes contract `id` with its lines, deliveries and sources, if nobody saved it since the
/// confirmation page was opened.
pub async fn delete_contract(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
    let removal = removal(contracts::delete(db, id, version).await?, Vec::new());
    if removal == Removal::Deleted {
        tracing::info!(contract.id = id, "contract deleted");
    }
    Ok(removal)
}

/// Deletes agreement `id`, unless contracts are still under it (they are listed instead).
pub async fn delete_agreement(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
    let by = agreements::references(db, id).await?;
    if !by.is_empty() {
        return Ok(Removal::Referenced { by });
    }
    match agreements::delete(db, id, version).await {
        // A contract added under it since the check.
        Err(StorageError::ForeignKeyViolation { .. }) => Ok(Removal::Referenced {
            by: agreements::references(db, id).await?,
        }),
        deleted => {
            let removal = removal(deleted?, Vec::new());
            if removal == Removal::Deleted {
                tracing::info!(agreement.id = id, "agreement deleted");
            }
            Ok(removal)
        }
    }
}

fn removal(deleted: crate::storage::Deleted, _by: Vec<String>) -> Removal {
    match deleted {
        crate::storage::Deleted::Done => Removal::Deleted,
        crate::storage::Deleted::Stale => Removal::Stale,
        crate::storage::Deleted::Missing => Removal::AlreadyGone,
    }
}

pub async fn list_rates(db: &Db) -> Result<Vec<crate::domain::rate::ExchangeRate>, AppError> {
    Ok(crate::storage::rates::list(db).await?)
}

pub async fn get_rate(db: &Db, id: i64) -> Result<crate::domain::rate::ExchangeRate, AppError> {
    crate::storage::rates::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Exchange rate {id}")))
}

fn duplicate_rate() -> FieldErrors {
    FieldErrors::single(
        "date",
        "This currency already has a rate on that date; edit that one instead.",
    )
}

/// Stores a new exchange rate; the USD equivalents of its currency follow in the same
/// transaction.
pub async fn create_rate(
    db: &Db,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<crate::domain::rate::ExchangeRate>, AppError> {
    let draft = match super::entry::rate_draft(fields) {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match crate::storage::rates::insert(db, &draft).await {
        Ok(id) => {
            tracing::info!(
                rate.id = id,
                currency = draft.currency.as_str(),
                "exchange rate added"
            );
            Ok(FormOutcome::Saved(get_rate(db, id).await?))
        }
        Err(StorageError::UniqueViolation { .. }) => Ok(FormOutcome::Invalid(duplicate_rate())),
        Err(error) => Err(error.into()),
    }
}

/// Saves the edit form of rate `id` if nobody saved it since the form was opened.
pub async fn update_rate(
    db: &Db,
    id: i64,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<crate::domain::rate::ExchangeRate>, AppError> {
    let (draft, version) = match (
        super::entry::rate_draft(fields),
        super::entry::version(fields),
    ) {
        (Ok(draft), Ok(version)) => (draft, version),
        (Err(mut errors), version) => {
            if let Err(message) = version {
                errors.add("usd_per_unit", message);
            }
            return Ok(FormOutcome::Invalid(errors));
        }
        (Ok(_), Err(message)) => {
            return Ok(FormOutcome::Invalid(FieldErrors::single(
                "usd_per_unit",
                message,
            )));
        }
    };
    match crate::storage::rates::update(db, id, version, &draft).await {
        Ok(true) => {
            tracing::info!(rate.id = id, "exchange rate updated");
            Ok(FormOutcome::Saved(get_rate(db, id).await?))
        }
        Ok(false) => Ok(FormOutcome::Conflict {
            current: get_rate(db, id).await?,
        }),
        Err(StorageError::UniqueViolation { .. }) => Ok(FormOutcome::Invalid(duplicate_rate())),
        Err(error) => Err(error.into()),
    }
}

/// Deletes rate `id`; the contracts that used it take the nearest other rate.
pub async fn delete_rate(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
    Ok(removal(
        crate::storage::rates::delete(db, id, version).await?,
        Vec::new(),
    ))
}

/// Stores a new framework agreement with its ceiling lines from the entry form.
pub async fn create_agreement(
    db: &Db,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<Agreement>, AppError> {
    let draft = match with_references(db, fields, super::entry::agreement_draft(fields)).await? {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match agreements::insert(db, &draft).await {
        Ok(id) => {
            tracing::info!(agreement.id = id, "agreement created");
            Ok(FormOutcome::Saved(get_agreement(db, id).await?))
        }
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
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

pub async fn get_system(db: &Db, id: i64) -> Result<SystemRecord, AppError> {
    systems::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("System {id}")))
}

/// The rules a system's base must follow: not itself, and one level only (a variant's base is
/// not a variant; a system with variants does not become one).
async fn check_base(
    db: &Db,
    id: Option<i64>,
    draft: &crate::domain::register::SystemDraft,
) -> Result<Option<FieldErrors>, AppError> {
    let Some(base_id) = draft.variant_of_id else {
        return Ok(None);
    };
    let message = if Some(base_id) == id {
        Some("A system cannot be a variant of itself.".to_owned())
    } else {
        match systems::get(db, base_id).await? {
            None => Some("That system no longer exists; choose another.".to_owned()),
            Some(base) => match base.variant_of {
                Some(its_base) => Some(format!(
                    "{} is itself a variant of {}; choose {} instead.",
                    base.designation, its_base.name, its_base.name
                )),
                None => match id {
                    Some(id)
                        if systems::list(db)
                            .await?
                            .iter()
                            .any(|s| s.variant_of.as_ref().is_some_and(|v| v.id == id)) =>
                    {
                        Some(
                            "This system has variants of its own, so it cannot become a variant."
                                .to_owned(),
                        )
                    }
                    _ => None,
                },
            },
        }
    };
    Ok(message.map(|m| FieldErrors::single("variant_of_id", m)))
}

fn system_write_error(error: StorageError) -> Result<FieldErrors, AppError> {
    match error {
        StorageError::UniqueViolation { .. } => Ok(FieldErrors::single(
            "designation",
            "A system with this designation already exists (designations ignore case).",
        )),
        error => Err(error.into()),
    }
}

pub async fn create_system(
    db: &Db,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<SystemRecord>, AppError> {
    let draft = match with_references(db, fields, super::entry::system_draft(fields)).await? {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    if let Some(errors) = check_base(db, None, &draft).await? {
        return Ok(FormOutcome::Invalid(errors));
    }
    match systems::insert(db, &draft).await {
        Ok(id) => {
            tracing::info!(system.id = id, "system created");
            Ok(FormOutcome::Saved(get_system(db, id).await?))
        }
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Ok(FormOutcome::Invalid(system_write_error(error)?)),
    }
}

pub async fn update_system(
    db: &Db,
    id: i64,
    fields: &super::entry::EntryFields,
) -> Result<FormOutcome<SystemRecord>, AppError> {
    let (draft, version) = match (
        with_references(db, fields, super::entry::system_draft(fields)).await?,
        super::entry::version(fields),
    ) {
        (Ok(draft), Ok(version)) => (draft, version),
        (Err(mut errors), version) => {
            if let Err(message) = version {
                errors.add("designation", message);
            }
            return Ok(FormOutcome::Invalid(errors));
        }
        (Ok(_), Err(message)) => {
            return Ok(FormOutcome::Invalid(FieldErrors::single(
                "designation",
                message,
            )));
        }
    };
    if let Some(errors) = check_base(db, Some(id), &draft).await? {
        return Ok(FormOutcome::Invalid(errors));
    }
    match systems::update(db, id, version, &draft).await {
        Ok(Some(_)) => {
            tracing::info!(system.id = id, "system updated");
            Ok(FormOutcome::Saved(get_system(db, id).await?))
        }
        // Stale, or gone (get answers 404 then).
        Ok(None) => Ok(FormOutcome::Conflict {
            current: get_system(db, id).await?,
        }),
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Ok(FormOutcome::Invalid(system_write_error(error)?)),
    }
}

/// Deletes system `id`, unless contracts, agreements or variants still refer to it.
pub async fn delete_system(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
    let by = systems::references(db, id).await?;
    if !by.is_empty() {
        return Ok(Removal::Referenced { by });
    }
    match systems::delete(db, id, version).await {
        Err(StorageError::ForeignKeyViolation { .. }) => Ok(Removal::Referenced {
            by: systems::references(db, id).await?,
        }),
        deleted => Ok(removal(deleted?, Vec::new())),
    }
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

/// The portfolio for `filter`: the grand total and every dimension's groups, counting what the
/// filter's confidence level counts ([`crate::domain::summary::Level`]). Each group carries the
/// contract filter behind it, which lists exactly what the group adds up.
pub async fn portfolio(
    db: &Db,
    filter: &ContractFilter,
    stack: crate::domain::summary::Dimension,
) -> Result<crate::domain::summary::Portfolio, AppError> {
    use crate::domain::summary::{Dimension, Portfolio};
    let level = filter.confidence;
    let base = ContractFilter {
        page: 1,
        ..filter.summed()
    };
    let total = group_totals(db, &base, None)
        .await?
        .into_iter()
        .next()
        .unwrap_or_else(|| empty_total(&base));
    let mut groups = Vec::new();
    for dimension in Dimension::ALL {
        groups.push((dimension, group_totals(db, &base, Some(dimension)).await?));
    }
    let by_year = year_stacks(db, &base, stack).await?;
    Ok(Portfolio {
        filter: base,
        level,
        total,
        groups,
        by_year,
    })
}

/// The most series a stacked chart shows; the rest are added up as "Others".
const MAX_SERIES: usize = 6;

async fn year_stacks(
    db: &Db,
    filter: &ContractFilter,
    stack: crate::domain::summary::Dimension,
) -> Result<crate::domain::summary::YearStacks, AppError> {
    use crate::domain::summary::{Dimension, YearStacks};
    let rows = crate::storage::summary::usd_by_year(db, filter, stack, filter.confidence).await?;
    let mut years: Vec<i32> = rows.iter().map(|(y, _, _)| *y).collect();
    years.sort_unstable();
    years.dedup();
    let name = |label: &Option<String>| {
        label.clone().unwrap_or_else(|| match stack {
            Dimension::Buyer => "Buyer not recorded".into(),
            _ => "Supplier not recorded".into(),
        })
    };
    // Series by their whole value, largest first.
    let mut totals: Vec<(String, i64)> = Vec::new();
    for (_, label, cents) in &rows {
        let label = name(label);
        match totals.iter_mut().find(|(l, _)| *l == label) {
            Some((_, sum)) => *sum += cents,
            None => totals.push((label, *cents)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let shown: Vec<String> = totals
        .iter()
        .take(MAX_SERIES)
        .map(|(l, _)| l.clone())
        .collect();
    let mut series: Vec<(String, Vec<i64>)> = shown
        .iter()
        .map(|l| (l.clone(), vec![0; years.len()]))
        .collect();
    let mut others = vec![0; years.len()];
    for (year, label, cents) in &rows {
        let at = years.iter().position(|y| y == year).unwrap_or_default();
        match series.iter_mut().find(|(l, _)| *l == name(label)) {
            Some((_, values)) => values[at] += cents,
            None => others[at] += cents,
        }
    }
    if others.iter().any(|v| *v > 0) {
        series.push(("Others".into(), others));
    }
    Ok(YearStacks {
        stacked_by: match stack {
            Dimension::Buyer => "buyer".into(),
            _ => "supplier".into(),
        },
        years,
        series,
    })
}

fn empty_total(filter: &ContractFilter) -> crate::domain::summary::GroupTotal {
    crate::domain::summary::GroupTotal {
        label: "All contracts".into(),
        drill: filter.clone(),
        contracts: 0,
        valued: 0,
        values: Vec::new(),
        usd: None,
        without_usd: 0,
        units_ordered: 0,
        units_delivered: 0,
    }
}

/// The groups of one dimension, with their values per currency and drill-down filters.
async fn group_totals(
    db: &Db,
    filter: &ContractFilter,
    dimension: Option<crate::domain::summary::Dimension>,
) -> Result<Vec<crate::domain::summary::GroupTotal>, AppError> {
    use crate::domain::summary::{Dimension, GroupTotal};
    use crate::domain::{Category, CountryCode, CurrencyCode, Money};
    let (counts, values, usd) =
        crate::storage::summary::groups(db, filter, dimension, filter.confidence).await?;
    let dollars = CurrencyCode::parse("USD").map_err(AppError::internal)?;
    let corrupt = |e: String| AppError::internal(format!("stored total is invalid: {e}"));
    counts
        .into_iter()
        .map(|row| {
            let key = row.key.clone().unwrap_or_default();
            let mut drill = filter.clone();
            match dimension {
                Some(Dimension::Buyer) => drill.buyer = CountryCode::parse(&key).ok(),
                Some(Dimension::Supplier) => {
                    drill.supplier = key.parse().ok();
                    drill.no_supplier = row.key.is_none();
                }
                Some(Dimension::System) => drill.system = key.parse().ok(),
                Some(Dimension::Category) => drill.category = Category::parse(&key).ok(),
                Some(Dimension::Year) => {
                    drill.year_from = key.parse().ok();
                    drill.year_to = key.parse().ok();
                    drill.undated = row.key.is_none();
                }
                None => {}
            }
            let mine: Vec<_> = values.iter().filter(|v| v.key == row.key).collect();
            let money = mine
                .iter()
                .map(|v| {
                    let currency = CurrencyCode::parse(&v.currency).map_err(corrupt)?;
                    Ok(Money::from_minor(v.value_minor, currency))
                })
                .collect::<Result<Vec<_>, AppError>>()?;
            let label = match (dimension, row.label) {
                (Some(Dimension::Supplier), None) => "Supplier not recorded".to_owned(),
                (Some(Dimension::Year), None) => "Date not recorded".to_owned(),
                (_, label) => label.unwrap_or_default(),
            };
            let in_usd = usd.iter().find(|u| u.key == row.key);
            Ok(GroupTotal {
                usd: Some(Money::from_minor(
                    in_usd.map_or(0, |u| u.usd_minor),
                    dollars,
                )),
                without_usd: in_usd.map_or(0, |u| u.without_usd),
                label,
                drill,
                contracts: row.contracts,
                valued: mine.iter().map(|v| v.valued).sum(),
                values: money,
                units_ordered: row.ordered,
                units_delivered: row.delivered,
            })
        })
        .collect()
}

/// A page of agreements, each with its ceiling lines' headroom.
pub async fn headroom(db: &Db, filter: &AgreementFilter) -> Result<Page<Agreement>, AppError> {
    let page = agreements::list(db, filter).await?;
    let mut rows = Vec::with_capacity(page.rows.len());
    for summary in &page.rows {
        rows.push(get_agreement(db, summary.id).await?);
    }
    Ok(Page {
        rows,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// The kind of record a form field names by id, for the fields that name one: the entry
/// forms' `supplier_id`, `agreement_id`, `maker_id`, `variant_of_id`, an agreement's
/// `supplier{n}_id` and every `line{n}_system`.
fn referenced_kind(field: &str) -> Option<RecordKind> {
    match field {
        "supplier_id" | "maker_id" => return Some(RecordKind::Firm),
        "agreement_id" => return Some(RecordKind::Agreement),
        "variant_of_id" => return Some(RecordKind::System),
        _ => {}
    }
    let numbered = |prefix: &str, suffix: &str| {
        field
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    if numbered("supplier", "_id") {
        Some(RecordKind::Firm)
    } else if numbered("line", "_system") {
        Some(RecordKind::System)
    } else {
        None
    }
}

/// Every record the form names that is not stored (deleted since the form was opened, or a
/// hand-made id), each at the field that named it.
async fn missing_references(
    db: &Db,
    fields: &super::entry::EntryFields,
) -> Result<FieldErrors, AppError> {
    let mut errors = FieldErrors::new();
    for (field, value) in &fields.0 {
        let Some(kind) = referenced_kind(field) else {
            continue;
        };
        // A value that is not an id is the draft parser's to report.
        let Ok(id) = value.trim().parse::<i64>() else {
            continue;
        };
        if !crate::storage::audit::exists(db, kind, id).await? {
            let what = match kind {
                RecordKind::Firm => "That firm",
                RecordKind::Agreement => "That framework agreement",
                _ => "That system",
            };
            errors.add(
                field,
                format!("{what} no longer exists (it may have been deleted); choose another from the list."),
            );
        }
    }
    Ok(errors)
}

/// `parsed` with every missing reference of the form added to its problems.
async fn with_references<T>(
    db: &Db,
    fields: &super::entry::EntryFields,
    parsed: Result<T, FieldErrors>,
) -> Result<Result<T, FieldErrors>, AppError> {
    let missing = missing_references(db, fields).await?;
    Ok(match parsed {
        Ok(_) if !missing.is_empty() => Err(missing),
        Ok(draft) => Ok(draft),
        Err(mut errors) => {
            for (field, message) in missing.iter() {
                if errors.get(field).is_none() {
                    errors.add(field, message);
                }
            }
            Err(errors)
        }
    })
}

/// A write the database refused for a foreign key: a record deleted between the check and the
/// write. It is reported at the field that names it; when no field does, it is a fault.
async fn reference_refused<T>(
    db: &Db,
    fields: &super::entry::EntryFields,
    error: StorageError,
) -> Result<FormOutcome<T>, AppError> {
    let missing = missing_references(db, fields).await?;
    if missing.is_empty() {
        Err(error.into())
    } else {
        Ok(FormOutcome::Invalid(missing))
    }
}
