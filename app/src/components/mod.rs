//! Page furniture shared by every page: layout, 404, error panel, number formatting.

pub mod chart;
pub mod format;
mod layout;
pub mod record;
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
        let sorted = query.sorted_by(column).to_query();
        Self::new(
            label,
            format!("{path}?{sorted}"),
            query.sort == column,
            query.descending,
        )
    }

    /// A sortable header linking to `href`; `active` when the list is sorted by it.
    pub fn new(label: &str, href: String, active: bool, descending: bool) -> Self {
        let (arrow, aria) = match (active, descending) {
            (false, _) => ("", "none"),
            (true, true) => (" ▼", "descending"),
            (true, false) => (" ▲", "ascending"),
        };
        Self {
            label: format!("{label}{arrow}"),
            href: Some(href),
            aria: aria.into(),
        }
    }
}

/// A table header cell for `link`: a sorting link, or plain text for a column that does not sort.
#[component]
pub fn SortHeader(link: SortLink, #[prop(optional)] numeric: bool) -> impl IntoView {
    match link.href {
        Some(href) => view! { <th scope="col" class:num=numeric aria-sort=link.aria><a href=href>{link.label}</a></th> }.into_any(),
        None => view! { <th scope="col" class:num=numeric>{link.label}</th> }.into_any(),
    }
}
