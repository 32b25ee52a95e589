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
