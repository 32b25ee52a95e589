//! Supplier firms: server functions, pages and the islands that edit them.

pub mod api;
mod form;
pub mod islands;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
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

crate::access! {
    server_fns: {
        "firms/count": Viewer,
        "firms/family": Viewer,
        "firms/get": Viewer,
        "firms/list": Viewer,
        "firms/references": Viewer,
        "firms/create": Editor,
        "firms/delete": Editor,
        "firms/group": Editor,
        "firms/update": Editor,
    },
    pages: {
        "/firms/{id}/edit": Editor,
        "/firms/{id}/delete": Editor,
    },
}

crate::page_routes! {
    /// The firm pages, as the app's route table takes them.
    FirmRoutes {
        "/firms" [islands] => pages::FirmsPage,
        "/firms/:id" => pages::FirmPage,
        "/firms/:id/edit" [islands] => pages::FirmEditPage,
        "/firms/:id/delete" => pages::FirmDeletePage,
        "/firms/:id/history" => || view! { <crate::accounts::audit::HistoryPage kind=crate::domain::audit::RecordKind::Firm /> },
    }
}
