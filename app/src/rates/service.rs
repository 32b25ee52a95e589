//! Exchange-rate use cases: every change updates the USD equivalents of the contracts that
//! depend on the rate, in the same transaction.

use crate::domain::rate::ExchangeRate;
use crate::domain::{Created, FieldErrors, FormOutcome, RateId, Removal, Version};
use crate::error::AppError;
use crate::forms::constraints::{Guard, on_constraint};
use crate::storage::{Db, StorageError, Versioned, constraints};

pub async fn list_rates(db: &Db) -> Result<Vec<ExchangeRate>, AppError> {
    Ok(crate::storage::rates::list(db).await?)
}

pub async fn get_rate(db: &Db, id: i64) -> Result<ExchangeRate, AppError> {
    crate::storage::rates::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Exchange rate {id}")))
}

/// A rate's day is unique per currency.
fn rate_write_error(error: StorageError) -> Result<FieldErrors, AppError> {
    on_constraint(
        error,
        &[Guard {
            constraint: constraints::RATE_DAY,
            field: "date",
            message: "This currency already has a rate on that date; edit that one instead."
                .to_owned(),
        }],
    )
}

/// Stores a new exchange rate; the USD equivalents of its currency follow in the same
/// transaction.
pub async fn create_rate(
    db: &Db,
    fields: &crate::forms::EntryFields,
) -> Result<Created<ExchangeRate>, AppError> {
    let draft = match super::form::rate_draft(fields) {
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
        Err(error) => Ok(FormOutcome::Invalid(rate_write_error(error)?)),
    }
}

/// Saves the edit form of rate `id` if nobody saved it since the form was opened.
pub async fn update_rate(
    db: &Db,
    id: RateId,
    fields: &crate::forms::EntryFields,
) -> Result<FormOutcome<ExchangeRate>, AppError> {
    let (draft, version) = match (
        super::form::rate_draft(fields),
        crate::forms::version(fields),
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
        Ok(Versioned::Done) => {
            tracing::info!(rate.id = id.get(), "exchange rate updated");
            Ok(FormOutcome::Saved(get_rate(db, id.get()).await?))
        }
        Ok(Versioned::Stale) => Ok(FormOutcome::Conflict {
            current: get_rate(db, id.get()).await?,
        }),
        Ok(Versioned::Missing) => Err(AppError::not_found(format!("Exchange rate {id}"))),
        Ok(Versioned::Refused(never)) => match never {},
        Err(error) => Ok(FormOutcome::Invalid(rate_write_error(error)?)),
    }
}

/// Deletes rate `id`; the contracts that used it take the nearest other rate.
pub async fn delete_rate(db: &Db, id: RateId, version: Version) -> Result<Removal, AppError> {
    Ok(Removal::from(
        crate::storage::rates::delete(db, id, version).await?,
    ))
}
