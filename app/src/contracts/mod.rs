//! Contracts: the executed deals, each with its lines (system and units), value, sources and
//! deliveries, under a framework agreement or on their own.

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
        ("contracts/get", crate::domain::account::Role::Viewer),
        ("contracts/list", crate::domain::account::Role::Viewer),
        ("contracts/create", crate::domain::account::Role::Editor),
        ("contracts/delete", crate::domain::account::Role::Editor),
        ("contracts/update", crate::domain::account::Role::Editor),
    ],
    pages: &[
        ("/contracts/new", crate::domain::account::Role::Editor),
        ("/contracts/{id}/edit", crate::domain::account::Role::Editor),
        (
            "/contracts/{id}/delete",
            crate::domain::account::Role::Editor,
        ),
    ],
};

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, components::Route, path};

/// The contract pages, as the app's route table takes them.
#[component(transparent)]
pub fn ContractRoutes() -> impl MatchNestedRoutes + Clone {
    use crate::accounts::audit::HistoryPage;
    use crate::domain::audit::RecordKind;
    use form::{DeleteContractPage, EditContractPage, NewContractPage};
    use pages::{ContractPage, ContractsPage};
    view! {
        <Route path=path!("/contracts") view=ContractsPage ssr=SsrMode::Async />
        <Route path=path!("/contracts/new") view=NewContractPage ssr=SsrMode::Async />
        <Route path=path!("/contracts/:id") view=ContractPage ssr=SsrMode::Async />
        <Route path=path!("/contracts/:id/edit") view=EditContractPage ssr=SsrMode::Async />
        <Route path=path!("/contracts/:id/delete") view=DeleteContractPage ssr=SsrMode::Async />
        <Route path=path!("/contracts/:id/history") view=|| view! { <HistoryPage kind=RecordKind::Contract /> } ssr=SsrMode::Async />
    }
    .into_inner()
}
