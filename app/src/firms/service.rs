//! The firm use cases, shared by the server functions (JavaScript on) and the plain form posts
//! (JavaScript off), so both paths validate and store the same way.

use crate::domain::{
    Created, FieldErrors, Firm, FirmDraft, FirmFields, FirmId, FormOutcome, Removal, Version,
};
use crate::error::AppError;
use crate::forms::constraints::{Guard, on_constraint};
use crate::storage::{Db, Deleted, StorageError, Versioned, constraints, firms};

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
    id: FirmId,
    version: Version,
    fields: &FirmFields,
) -> Result<FormOutcome<Firm>, AppError> {
    let draft = match FirmDraft::parse(fields) {
        Ok(draft) => draft,
        Err(errors) => return Ok(FormOutcome::Invalid(errors)),
    };
    match firms::update(db, id, version, &draft).await {
        Ok(versioned) => {
            let outcome = written(db, id, versioned).await?;
            if let FormOutcome::Saved(firm) = &outcome {
                tracing::info!(
                    firm.id = firm.id,
                    firm.version = firm.version,
                    "firm updated"
                );
            }
            Ok(outcome)
        }
        Err(error) => on_write_error(&draft, error),
    }
}

pub async fn references(db: &Db, id: i64) -> Result<Vec<String>, AppError> {
    Ok(firms::references(db, id).await?)
}

/// What a versioned write to firm `id` comes to for its form: the stored firm, or theirs.
async fn written(db: &Db, id: FirmId, versioned: Versioned) -> Result<FormOutcome<Firm>, AppError> {
    match versioned {
        Versioned::Done => Ok(FormOutcome::Saved(get(db, id.get()).await?)),
        Versioned::Stale => Ok(FormOutcome::Conflict {
            current: get(db, id.get()).await?,
        }),
        Versioned::Missing => Err(AppError::not_found(format!("Firm {id}"))),
        Versioned::Refused(never) => match never {},
    }
}

pub async fn delete(db: &Db, id: FirmId, version: Version) -> Result<Removal<Firm>, AppError> {
    let by = firms::references(db, id.get()).await?;
    if !by.is_empty() {
        return Ok(Removal::Referenced { by });
    }
    let deleted = match firms::delete(db, id, version).await {
        // A reference added since the check above: report it the same way.
        Err(StorageError::ForeignKeyViolation { .. }) => {
            return Ok(Removal::Referenced {
                by: firms::references(db, id.get()).await?,
            });
        }
        other => other?,
    };
    Ok(match deleted {
        Deleted::Done => {
            tracing::info!(firm.id = id.get(), "firm deleted");
            Removal::Deleted
        }
        Deleted::Stale => Removal::Stale(get(db, id.get()).await?),
        Deleted::Missing => Removal::AlreadyGone,
    })
}

/// Puts firm `id` in the group of `parent` ("" for none), if nobody saved the firm since the
/// form was opened at `version`. A firm cannot be its own group, directly or through others.
pub async fn set_group(
    db: &Db,
    id: FirmId,
    version: Version,
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
            if current == id.get() {
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
        Ok(versioned) => {
            let outcome = written(db, id, versioned).await?;
            if let FormOutcome::Saved(_) = &outcome {
                tracing::info!(
                    firm.id = id.get(),
                    parent.id = parent_id,
                    "firm group changed"
                );
            }
            Ok(outcome)
        }
        Err(StorageError::ForeignKeyViolation { .. }) => Ok(FormOutcome::Invalid(
            FieldErrors::single("parent_id", "That firm no longer exists; choose another."),
        )),
        Err(error) => Err(error.into()),
    }
}
