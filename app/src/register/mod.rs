//! The deal register: agreements, contracts, systems and deliveries. Pages are rendered on the
//! server (filters and sorting are links and GET forms), so they add nothing to the wasm.

pub mod agreements;
pub mod api;
pub mod contracts;
pub mod deliveries;
pub mod editor;
pub mod entry;
pub mod rates;
#[cfg(feature = "ssr")]
pub mod service;
pub mod summary;
pub mod systems;
pub(crate) mod view;

pub use view::Pager;

use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};

/// The raw text of the record-a-delivery form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryFields {
    pub line_id: String,
    pub delivered_on: String,
    pub units: String,
    pub confidence: String,
    pub notes: String,
}

/// A delivery form that did not save, handed back to the contract page it re-renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryEcho {
    pub fields: DeliveryFields,
    pub errors: FieldErrors,
}

/// What a delete from a confirmation page can come to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Removal {
    Deleted,
    /// It was already gone: the user's intent holds.
    AlreadyGone,
    /// Someone saved it after the confirmation page was opened; nothing was deleted.
    Stale,
    /// Records still refer to it; nothing was deleted.
    Referenced {
        by: Vec<String>,
    },
}
