//! Reads a submitted `<form>`'s fields in the browser.
//!
//! Hand-rolled on `FormData` on purpose: the islands build their server-function arguments from
//! it directly, which keeps a query-string deserializer (serde_qs, ~20 KB) out of the wasm.

use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement, SubmitEvent};

pub struct SubmittedForm(FormData);

impl SubmittedForm {
    /// The form behind a submit event; `None` if the event has no form (it always has one
    /// when the handler sits on a `<form>`).
    pub fn from_event(event: &SubmitEvent) -> Option<Self> {
        let form = event.target()?.dyn_into::<HtmlFormElement>().ok()?;
        FormData::new_with_form(&form).ok().map(Self)
    }

    /// The text of field `name`; empty when it is missing.
    pub fn text(&self, name: &str) -> String {
        self.0.get(name).as_string().unwrap_or_default()
    }

    /// Field `name` as a whole number; `None` when missing or not a number.
    pub fn integer(&self, name: &str) -> Option<i64> {
        self.text(name).trim().parse().ok()
    }
}
