//! Systems: what is sold (K2, K9A1, FA-50PL…), with their maker and the variants of a base
//! system.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

/// This feature's rows of the access policy (`server::auth::policy`): its server functions
/// by endpoint, and its pages that need more than a viewer.
#[cfg(feature = "ssr")]
pub const ACCESS: crate::features::Access = crate::features::Access {
    server_fns: &[
        ("systems/get", crate::domain::account::Role::Viewer),
        ("systems/list", crate::domain::account::Role::Viewer),
        ("systems/references", crate::domain::account::Role::Viewer),
        ("systems/create", crate::domain::account::Role::Editor),
        ("systems/delete", crate::domain::account::Role::Editor),
        ("systems/update", crate::domain::account::Role::Editor),
    ],
    pages: &[
        ("/systems/new", crate::domain::account::Role::Editor),
        ("/systems/{id}/edit", crate::domain::account::Role::Editor),
        ("/systems/{id}/delete", crate::domain::account::Role::Editor),
    ],
};

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, components::Route, path};

/// The system pages, as the app's route table takes them.
#[component(transparent)]
pub fn SystemRoutes() -> impl MatchNestedRoutes + Clone {
    use crate::accounts::audit::HistoryPage;
    use crate::domain::audit::RecordKind;
    use form::{DeleteSystemPage, EditSystemPage, NewSystemPage};
    use pages::{SystemPage, SystemsPage};
    view! {
        <Route path=path!("/systems") view=SystemsPage ssr=SsrMode::Async />
        <Route path=path!("/systems/new") view=NewSystemPage ssr=SsrMode::Async />
        <Route path=path!("/systems/:id") view=SystemPage ssr=SsrMode::Async />
        <Route path=path!("/systems/:id/edit") view=EditSystemPage ssr=SsrMode::Async />
        <Route path=path!("/systems/:id/delete") view=DeleteSystemPage ssr=SsrMode::Async />
        <Route path=path!("/systems/:id/history") view=|| view! { <HistoryPage kind=RecordKind::System /> } ssr=SsrMode::Async />
    }
    .into_inner()
}
