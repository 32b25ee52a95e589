//! What a form submission can come back with. Expected outcomes (invalid input, an edit
//! conflict) are values the page shows next to the fields; `Err` is kept for faults.

use serde::{Deserialize, Serialize};

/// Messages keyed by the form field they belong to, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    /// The first message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }

    /// Records the outcome of parsing one field, keeping the value when it parsed.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }
}

/// The result of a create or update. `C` is what a conflict carries: for an update, the
/// stored record someone else saved after the form was opened. A create has nothing to
/// conflict with, so its `C` is [`NoConflict`] and that outcome cannot be built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FormOutcome<T, C = T> {
    Saved(T),
    /// Nothing was stored; the messages say what to fix.
    Invalid(FieldErrors),
    /// Someone else saved the record after this form was opened. Nothing was stored; `current`
    /// is their version, so the user can compare and save again on purpose.
    Conflict {
        current: C,
    },
}

/// The outcome of a create: saved or invalid, never a conflict.
pub type Created<T> = FormOutcome<T, NoConflict>;

/// What a create's conflict would carry: nothing can have this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoConflict {}

impl<T> FormOutcome<T, NoConflict> {
    /// The outcome with the saved record turned into something else.
    pub fn map<U>(self, saved: impl FnOnce(T) -> U) -> FormOutcome<U, NoConflict> {
        match self {
            FormOutcome::Saved(record) => FormOutcome::Saved(saved(record)),
            FormOutcome::Invalid(errors) => FormOutcome::Invalid(errors),
            FormOutcome::Conflict { current } => match current {},
        }
    }

    /// A create's outcome where an update's is expected (the conflict case cannot happen).
    pub fn widen<C>(self) -> FormOutcome<T, C> {
        match self {
            FormOutcome::Saved(record) => FormOutcome::Saved(record),
            FormOutcome::Invalid(errors) => FormOutcome::Invalid(errors),
            FormOutcome::Conflict { current } => match current {},
        }
    }
}

/// What a delete from a confirmation page can come to, for every kind of record. `C` is what
/// a stale delete carries: the stored record where the page shows it (firms), else nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Removal<C = ()> {
    Deleted,
    /// It was already gone: the user's intent holds.
    AlreadyGone,
    /// Someone saved it after the confirmation page was opened; nothing was deleted.
    Stale(C),
    /// Records still refer to it; nothing was deleted.
    Referenced {
        by: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_keeps_values_and_collects_messages() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.check("a", Ok::<_, String>(1)), Some(1));
        assert_eq!(errors.check::<i32>("b", Err("bad b".into())), None);
        assert_eq!(errors.get("b"), Some("bad b"));
        assert_eq!(errors.get("a"), None);
        assert!(!errors.is_empty());
    }
}
