//! Records a form names by id that are not stored (deleted since the form was opened, or a
//! hand-made id), reported at the field that named them.

use crate::domain::audit::RecordKind;
use crate::domain::{FieldErrors, FormOutcome};
use crate::error::AppError;
use crate::storage::{Db, StorageError};

/// The kind of record a form field names by id, for the fields that name one: the entry
/// forms' `supplier_id`, `agreement_id`, `maker_id`, `variant_of_id`, an agreement's
/// `supplier{n}_id` and every `line{n}_system`.
pub fn referenced_kind(field: &str) -> Option<RecordKind> {
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
pub async fn missing_references(
    db: &Db,
    fields: &crate::forms::EntryFields,
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
pub async fn with_references<T>(
    db: &Db,
    fields: &crate::forms::EntryFields,
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
pub async fn reference_refused<T, C>(
    db: &Db,
    fields: &crate::forms::EntryFields,
    error: StorageError,
) -> Result<FormOutcome<T, C>, AppError> {
    let missing = missing_references(db, fields).await?;
    if missing.is_empty() {
        Err(error.into())
    } else {
        Ok(FormOutcome::Invalid(missing))
    }
}
