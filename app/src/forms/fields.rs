//! A form's fields as posted, by name: rows of lines, sources and other figures are numbered
//! (`line2_quantity`, `source0_title`), and what a rejected form hands back to its page.

use super::merge::EditConflict;
use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Rows of lines a form offers (blank rows are ignored).
pub const LINE_ROWS: usize = 4;

/// A form's fields by name, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryFields(pub BTreeMap<String, String>);

impl EntryFields {
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(|v| v.as_str()).unwrap_or_default()
    }

    pub fn trimmed(&self, name: &str) -> &str {
        self.get(name).trim()
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.0.insert(name.into(), value);
        }
    }

    /// How many rows of `prefix{n}_…` fields a form shows: every filled row, one blank row for
    /// more, and at least `min`.
    pub fn rows(&self, prefix: &str, min: usize) -> usize {
        let filled = self
            .0
            .iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .filter_map(|(key, _)| {
                let rest = key.strip_prefix(prefix)?;
                let (index, _) = rest.split_once('_')?;
                index.parse::<usize>().ok()
            })
            .max()
            .map_or(0, |last| last + 1);
        (filled + 1).max(min)
    }
}

/// Rows of sources and alternatives a form offers at least.
pub const SOURCE_ROWS: usize = 2;

pub const ALTERNATIVE_ROWS: usize = 1;

/// What a source row supports: `value`, `record` or `alt{n}` (the n-th alternative).
pub const BACKS_VALUE: &str = "value";

pub const BACKS_RECORD: &str = "record";

/// What a rejected entry form hands back to the page it re-renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryEcho {
    pub fields: EntryFields,
    pub errors: FieldErrors,
    pub conflict: Option<EditConflict>,
}

/// The version an edit form was opened at.
pub fn version(fields: &EntryFields) -> Result<crate::domain::Version, String> {
    fields
        .trimmed("version")
        .parse()
        .map(crate::domain::Version)
        .map_err(|_| "The form lost track of the record's version; open it again.".to_owned())
}
