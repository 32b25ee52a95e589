//! Page furniture shared by every page: layout, 404, error panel, number formatting.

pub mod format;
mod layout;
mod submitted;

pub use layout::{ErrorPanel, Layout, NotFound};
pub use submitted::SubmittedForm;

use leptos::prelude::*;

/// `false` in the server's HTML, `true` once the island has hydrated in the browser. Forms
/// carry it as `data-hydrated`, so tests (and styles) can tell the two apart.
pub fn hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// A column header of a sortable list: its label (with ▲/▼ when it is the sort), the link that
/// sorts by it (none for a column that does not sort) and its `aria-sort`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SortLink {
    pub label: String,
    pub href: Option<String>,
    pub aria: String,
}

impl SortLink {
    /// The header of `column` in a list at `path` viewed with `query`.
    pub fn of(
        label: &str,
        column: Option<&str>,
        path: &str,
        query: &crate::domain::filter::ListQuery,
    ) -> Self {
        let Some(column) = column else {
            return Self {
                label: label.to_owned(),
                href: None,
                aria: "none".into(),
            };
        };
        let active = query.sort == column;
        let (arrow, aria) = match (active, query.descending) {
            (false, _) => ("", "none"),
            (true, true) => (" ▼", "descending"),
            (true, false) => (" ▲", "ascending"),
        };
        let sorted = query.sorted_by(column).to_query();
        Self {
            label: format!("{label}{arrow}"),
            href: Some(format!("{path}?{sorted}")),
            aria: aria.into(),
        }
    }
}
