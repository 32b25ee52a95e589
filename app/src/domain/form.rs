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

/// The result of a create or update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FormOutcome<T> {
    Saved(T),
    /// Nothing was stored; the messages say what to fix.
    Invalid(FieldErrors),
    /// Someone else saved the record after this form was opened. Nothing was stored; `current`
    /// is their version, so the user can compare and save again on purpose.
    Conflict {
        current: T,
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
