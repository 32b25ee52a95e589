//! Supplier firms: server functions, pages and the islands that edit them.

pub mod api;
mod form;
pub mod islands;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

use crate::domain::{FieldErrors, Firm, FirmFields};
use serde::{Deserialize, Serialize};

/// What a plain (no-JavaScript) form post that did not save hands back to the page it re-renders:
/// the text the user typed, the messages per field, and the other user's version on a conflict.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FirmFormEcho {
    pub fields: FirmFields,
    pub errors: FieldErrors,
    pub conflict: Option<Firm>,
    /// The version the re-rendered form saves against.
    pub version: Option<i64>,
    /// A fault that stopped the save (its text is safe to show).
    pub failure: Option<crate::error::AppError>,
}

/// What deleting a firm can come to, besides a fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DeleteOutcome {
    Deleted,
    /// It was already gone: the user's intent holds.
    AlreadyGone,
    /// Someone saved it after the confirmation page was opened; nothing was deleted.
    Conflict {
        current: Firm,
    },
    /// Records still refer to it (systems it makes, contracts it supplies…); nothing was deleted.
    Referenced {
        by: Vec<String>,
    },
}
