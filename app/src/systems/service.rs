//! System use cases: a system's base follows the variant rules, designations are unique.

use crate::domain::register::SystemRecord;
use crate::domain::{Created, FieldErrors, FormOutcome, Removal, SystemId, Version};
use crate::error::AppError;
use crate::forms::constraints::{Guard, on_constraint};
use crate::forms::references::{reference_refused, with_references};
use crate::storage::{Db, StorageError, Versioned, constraints, systems};

pub async fn list_systems(db: &Db) -> Result<Vec<SystemRecord>, AppError> {
    Ok(systems::list(db).await?)
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

/// Designations are unique, ignoring case.
fn system_write_error(error: StorageError) -> Result<FieldErrors, AppError> {
    on_constraint(
        error,
        &[Guard {
            constraint: constraints::SYSTEM_DESIGNATION,
            field: "designation",
            message: "A system with this designation already exists (designations ignore case)."
                .to_owned(),
        }],
    )
}

pub async fn create_system(
    db: &Db,
    fields: &crate::forms::EntryFields,
) -> Result<Created<SystemRecord>, AppError> {
    let draft = match with_references(db, fields, super::form::system_draft(fields)).await? {
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
    id: SystemId,
    fields: &crate::forms::EntryFields,
) -> Result<FormOutcome<SystemRecord>, AppError> {
    let (draft, version) = match (
        with_references(db, fields, super::form::system_draft(fields)).await?,
        crate::forms::version(fields),
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
    if let Some(errors) = check_base(db, Some(id.get()), &draft).await? {
        return Ok(FormOutcome::Invalid(errors));
    }
    match systems::update(db, id, version, &draft).await {
        Ok(Versioned::Done) => {
            tracing::info!(system.id = id.get(), "system updated");
            Ok(FormOutcome::Saved(get_system(db, id.get()).await?))
        }
        Ok(Versioned::Stale) => Ok(FormOutcome::Conflict {
            current: get_system(db, id.get()).await?,
        }),
        Ok(Versioned::Missing) => Err(AppError::not_found(format!("System {id}"))),
        Ok(Versioned::Refused(never)) => match never {},
        Err(error @ StorageError::ForeignKeyViolation { .. }) => {
            reference_refused(db, fields, error).await
        }
        Err(error) => Ok(FormOutcome::Invalid(system_write_error(error)?)),
    }
}

/// Deletes system `id`, unless contracts, agreements or variants still refer to it.
pub async fn delete_system(db: &Db, id: SystemId, version: Version) -> Result<Removal, AppError> {
    let by = systems::references(db, id.get()).await?;
    if !by.is_empty() {
        return Ok(Removal::Referenced { by });
    }
    match systems::delete(db, id, version).await {
        Err(StorageError::ForeignKeyViolation { .. }) => Ok(Removal::Referenced {
            by: systems::references(db, id.get()).await?,
        }),
        deleted => Ok(Removal::from(deleted?)),
    }
}
