//! Framework agreement use cases.

use crate::domain::filter::AgreementFilter;
use crate::domain::pipeline::signing_date_needed;
use crate::domain::register::{Agreement, AgreementSummary, Page};
use crate::domain::{AgreementId, Created, FieldErrors, FormOutcome, Removal, Version};
use crate::error::AppError;
use crate::forms::references::{reference_refused, with_references};
use crate::storage::{Db, StorageError, Versioned, agreements};

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

/// Stores a new framework agreement with its ceiling lines from the entry form.
pub async fn create_agreement(
    db: &Db,
    fields: &crate::forms::EntryFields,
) -> Result<Created<Agreement>, AppError> {
    let draft = match with_references(db, fields, super::form::agreement_draft(fields)).await? {
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

/// Saves the edit form of agreement `id`, as `update_contract` does for contracts (a deal signed
/// out of the pipeline gets its signing date).
pub async fn update_agreement(
    db: &Db,
    id: AgreementId,
    fields: &crate::forms::EntryFields,
) -> Result<FormOutcome<Agreement>, AppError> {
    use agreements::AgreementRefusal;
    let draft = match (
        with_references(db, fields, super::form::agreement_draft(fields)).await?,
        crate::forms::version(fields),
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
    let stored = get_agreement(db, id.get()).await?;
    if let Some(message) = signing_date_needed(
        stored.status.standing(),
        draft.0.status.standing(),
        draft.0.signed_on,
    ) {
        return Ok(FormOutcome::Invalid(FieldErrors::single(
            super::form::AgreementForm::SIGNED_ON,
            message,
        )));
    }
    match agreements::update(db, id, draft.1, &draft.0).await {
        Ok(Versioned::Done) => {
            tracing::info!(agreement.id = id.get(), "agreement updated");
            Ok(FormOutcome::Saved(get_agreement(db, id.get()).await?))
        }
        Ok(Versioned::Stale) => Ok(FormOutcome::Conflict {
            current: get_agreement(db, id.get()).await?,
        }),
        Ok(Versioned::Missing) => Err(AppError::not_found(format!("Agreement {id}"))),
        Ok(Versioned::Refused(AgreementRefusal::BuyerInUse { contracts })) => {
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
        Ok(Versioned::Refused(AgreementRefusal::CeilingAmended {
            line_id,
            amendments,
        })) => Ok(FormOutcome::Invalid(FieldErrors::single(
            &format!(
                "{}_system",
                crate::forms::rows::row_of_line(fields, line_id)
            ),
            format!(
                "This ceiling line has {} recorded: it cannot be removed while they are (they are its history).",
                if amendments == 1 {
                    "1 amendment".to_owned()
                } else {
                    format!("{amendments} amendments")
                }
            ),
        ))),
        Ok(Versioned::Refused(AgreementRefusal::UnknownCeiling { line_id })) => {
            Ok(FormOutcome::Invalid(FieldErrors::single(
                &format!(
                    "{}_system",
                    crate::forms::rows::row_of_line(fields, line_id)
                ),
                "This ceiling line is no longer part of the agreement; open the agreement again.",
            )))
        }
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Err(error.into()),
    }
}

/// Deletes agreement `id`, unless contracts are still under it (they are listed instead).
pub async fn delete_agreement(
    db: &Db,
    id: AgreementId,
    version: Version,
) -> Result<Removal, AppError> {
    let by = agreements::references(db, id.get()).await?;
    if !by.is_empty() {
        return Ok(Removal::Referenced { by });
    }
    match agreements::delete(db, id, version).await {
        // A contract added under it since the check.
        Err(StorageError::ForeignKeyViolation { .. }) => Ok(Removal::Referenced {
            by: agreements::references(db, id.get()).await?,
        }),
        deleted => {
            let removal = Removal::from(deleted?);
            if removal == Removal::Deleted {
                tracing::info!(agreement.id = id.get(), "agreement deleted");
            }
            Ok(removal)
        }
    }
}
