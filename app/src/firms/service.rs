//! The firm use cases, shared by the server functions (JavaScript on) and the plain form posts
//! (JavaScript off), so both paths validate and store the same way.

use crate::domain::{Created, FieldErrors, Firm, FirmDraft, FirmFields, FormOutcome};
use crate::error::AppError;
use crate::forms::constraints::{Guard, on_constraint};
use crate::storage::{Db, StorageError, constraints, firms, firms::Versioned};

/// Turns a refused write into what the form shows: a taken name at the name field, a country
/// that is not in the list at the country field; anything else is a fault.
fn on_write_error<T, C>(
    draft: &FirmDraft,
    error: StorageError,
) -> Result<FormOutcome<T, C>, AppError> {
    // The only reference a firm's own row makes is its country (the parent is set apart).
    if let StorageError::ForeignKeyViolation { .. } = error {
        return Ok(FormOutcome::Invalid(FieldErrors::single(
            "country",
            "Choose a country from the list.",
        )));
    }
    let name = draft.name.as_str();
    Ok(FormOutcome::Invalid(on_constraint(
        error,
        &[Guard {
            constraint: constraints::FIRM_NAME,
            field: "name",
            message: format!(
                "A firm named “{name}” already exists (names are compared ignoring case)."
            ),
        }],
    )?))
}

pub async fn list(db: &Db) -> Result<Vec<Firm>, AppError> {
    Ok(firms::list(db).await?)
}

pub async fn get(db: &Db, id: i64) -> Result<Firm, AppError> {
    firms::get(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("Firm {id}")))
}

pub async fn create(db: &Db, fields: &FirmFields) -> Result<Created<Firm>, AppError> {
    let draft = match FirmDraft::parse(fields) {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match firms::insert(db, &draft).await {
        Ok(firm) => {
            tracing::info!(firm.id = firm.id, "firm created");
            Ok(FormOutcome::Saved(firm))
        }
        Err(error) => on_write_error(&draft, error),
    }
}

pub async fn update(
    db: &Db,
    id: i64,
    version: i64,
    fields: &FirmFields,
) -> Result<FormOutcome<Firm>, AppError> {
    let draft = match FirmDraft::parse(fields) {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match firms::update(db, id, version, &draft).await {
        Ok(Versioned::Done(firm)) => {
            tracing::info!(firm.id = id, firm.version = firm.version, "firm updated");
            Ok(FormOutcome::Saved(firm))
        }
        Ok(Versioned::Stale(current)) => Ok(FormOutcome::Conflict { current }),
        Ok(Versioned::Missing) => Err(AppError::not_found(format!("Firm {id}"))),
        Err(error) => on_write_error(&draft, error),
    }
}

pub async fn references(db: &Db, id: i64) -> Result<Vec<String>, AppError> {
    Ok(firms::references(db, id).await?)
}

pub async fn delete(
    db: &Db,
    id: i64,
    version: i64,
) -> Result<crate::domain::Removal<Firm>, AppError> {
    let by = firms::references(db, id).await?;
    if !by.is_empty() {
        return Ok(crate::domain::Removal::Referenced { by });
    }
    let deleted = match firms::delete(db, id, version).await {
        // A reference added since the check above: report it the same way.
        Err(StorageError::ForeignKeyViolation { .. }) => {
            return Ok(crate::domain::Removal::Referenced {
                by: firms::references(db, id).await?,
            });
        }
        other => other?,
    };
    Ok(match deleted {
        Versioned::Done(()) => {
            tracing::info!(firm.id = id, "firm deleted");
            crate::domain::Removal::Deleted
        }
        Versioned::Stale(current) => crate::domain::Removal::Stale(current),
        Versioned::Missing => crate::domain::Removal::AlreadyGone,
    })
}

/// Puts firm `id` in the group of `parent` ("" for none), if nobody saved the firm since the
/// form was opened at `version`. A firm cannot be its own group, directly or through others.
pub async fn set_group(
    db: &Db,
    id: i64,
    version: i64,
    parent: &str,
) -> Result<FormOutcome<Firm>, AppError> {
    let parent_id = match parent.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(parent_id) => Some(parent_id),
            Err(_) => {
                return Ok(FormOutcome::Invalid(FieldErrors::single(
                    "parent_id",
                    "Choose a firm from the list.",
                )));
            }
        },
    };
    if let Some(parent_id) = parent_id {
        // Walk up from the chosen parent: meeting this firm would close a loop.
        let parents = firms::parents(db).await?;
        let mut at = Some(parent_id);
        let mut steps = 0;
        while let Some(current) = at {
            if current == id {
                return Ok(FormOutcome::Invalid(FieldErrors::single(
                    "parent_id",
                    "A firm cannot belong to itself or to one of its own members.",
                )));
            }
            steps += 1;
            if steps > parents.len() + 1 {
                break;
            }
            at = parents.iter().find(|(f, _)| *f == current).map(|(_, p)| *p);
        }
    }
    match firms::change_parent(db, id, version, parent_id).await {
        Ok(Versioned::Done(firm)) => {
            tracing::info!(firm.id = id, parent.id = parent_id, "firm group changed");
            Ok(FormOutcome::Saved(firm))
        }
        Ok(Versioned::Stale(current)) => Ok(FormOutcome::Conflict { current }),
        Ok(Versioned::Missing) => Err(AppError::not_found(format!("Firm {id}"))),
        Err(StorageError::ForeignKeyViolation { .. }) => Ok(FormOutcome::Invalid(
            FieldErrors::single("parent_id", "That firm no longer exists; choose another."),
        )),
        Err(error) => Err(error.into()),
    }
}
