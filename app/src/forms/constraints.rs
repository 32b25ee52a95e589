//! Writes the database refused for a unique constraint, as the message at the field the
//! constraint guards (as realworld-axum-sqlx's `on_constraint` does).

use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::storage::StorageError;

/// A constraint a form's field stands for, with what the user is told when a write breaks it.
pub struct Guard<'a> {
    pub constraint: &'static str,
    pub field: &'a str,
    pub message: String,
}

/// The field message of a unique violation of one of `guards`' constraints; any other error
/// (another constraint, a fault) stays an error.
pub fn on_constraint(error: StorageError, guards: &[Guard<'_>]) -> Result<FieldErrors, AppError> {
    if let StorageError::UniqueViolation {
        constraint: Some(name),
    } = &error
        && let Some(guard) = guards.iter().find(|g| g.constraint == name)
    {
        return Ok(FieldErrors::single(guard.field, guard.message.clone()));
    }
    Err(error.into())
}
