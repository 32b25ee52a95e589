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

/// This feature's rows of the access policy (`server::auth::policy`): its server functions
/// by endpoint, and its pages that need more than a viewer.
#[cfg(feature = "ssr")]
pub const ACCESS: crate::features::Access = crate::features::Access {
    server_fns: &[
        ("firms/count", crate::domain::account::Role::Viewer),
        ("firms/family", crate::domain::account::Role::Viewer),
        ("firms/get", crate::domain::account::Role::Viewer),
        ("firms/list", crate::domain::account::Role::Viewer),
        ("firms/references", crate::domain::account::Role::Viewer),
        ("firms/create", crate::domain::account::Role::Editor),
        ("firms/delete", crate::domain::account::Role::Editor),
        ("firms/group", crate::domain::account::Role::Editor),
        ("firms/update", crate::domain::account::Role::Editor),
    ],
    pages: &[
        ("/firms/{id}/edit", crate::domain::account::Role::Editor),
        ("/firms/{id}/delete", crate::domain::account::Role::Editor),
    ],
};

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, components::Route, path};

/// The firm pages, as the app's route table takes them.
#[component(transparent)]
pub fn FirmRoutes() -> impl MatchNestedRoutes + Clone {
    use crate::accounts::audit::HistoryPage;
    use crate::domain::audit::RecordKind;
    use pages::{FirmDeletePage, FirmEditPage, FirmPage, FirmsPage};
    view! {
        <Route path=path!("/firms") view=FirmsPage ssr=SsrMode::Async />
        <Route path=path!("/firms/:id") view=FirmPage ssr=SsrMode::Async />
        <Route path=path!("/firms/:id/edit") view=FirmEditPage ssr=SsrMode::Async />
        <Route path=path!("/firms/:id/delete") view=FirmDeletePage ssr=SsrMode::Async />
        <Route path=path!("/firms/:id/history") view=|| view! { <HistoryPage kind=RecordKind::Firm /> } ssr=SsrMode::Async />
    }
    .into_inner()
}
