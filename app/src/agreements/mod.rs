//! Framework agreements: a buyer's deal with its suppliers, with ceiling lines (the most of
//! each system that may be ordered) and the contracts signed under it.

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
        ("agreements/choices", crate::domain::account::Role::Viewer),
        ("agreements/get", crate::domain::account::Role::Viewer),
        ("agreements/list", crate::domain::account::Role::Viewer),
        ("agreements/create", crate::domain::account::Role::Editor),
        ("agreements/delete", crate::domain::account::Role::Editor),
        ("agreements/update", crate::domain::account::Role::Editor),
    ],
    pages: &[
        ("/agreements/new", crate::domain::account::Role::Editor),
        (
            "/agreements/{id}/edit",
            crate::domain::account::Role::Editor,
        ),
        (
            "/agreements/{id}/delete",
            crate::domain::account::Role::Editor,
        ),
    ],
};

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, components::Route, path};

/// The framework agreement pages, as the app's route table takes them.
#[component(transparent)]
pub fn AgreementRoutes() -> impl MatchNestedRoutes + Clone {
    use crate::accounts::audit::HistoryPage;
    use crate::domain::audit::RecordKind;
    use form::{DeleteAgreementPage, EditAgreementPage, NewAgreementPage};
    use pages::{AgreementPage, AgreementsPage};
    view! {
        <Route path=path!("/agreements") view=AgreementsPage ssr=SsrMode::Async />
        <Route path=path!("/agreements/new") view=NewAgreementPage ssr=SsrMode::Async />
        <Route path=path!("/agreements/:id") view=AgreementPage ssr=SsrMode::Async />
        <Route path=path!("/agreements/:id/edit") view=EditAgreementPage ssr=SsrMode::Async />
        <Route path=path!("/agreements/:id/delete") view=DeleteAgreementPage ssr=SsrMode::Async />
        <Route path=path!("/agreements/:id/history") view=|| view! { <HistoryPage kind=RecordKind::Agreement /> } ssr=SsrMode::Async />
    }
    .into_inner()
}
