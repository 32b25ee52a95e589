//! The summary (portfolio totals by buyer, supplier, system, category and year, each a link to
//! the contracts behind it) and the framework headroom. Read-only: no form, no routes.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

/// This feature's rows of the access policy (`server::auth::policy`): its server functions
/// by endpoint, and its pages that need more than a viewer.
#[cfg(feature = "ssr")]
pub const ACCESS: crate::features::Access = crate::features::Access {
    server_fns: &[
        ("summary/headroom", crate::domain::account::Role::Viewer),
        ("summary/portfolio", crate::domain::account::Role::Viewer),
    ],
    pages: &[],
};

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, components::Route, path};

/// The summary and headroom pages, as the app's route table takes them.
#[component(transparent)]
pub fn SummaryRoutes() -> impl MatchNestedRoutes + Clone {
    use pages::{HeadroomPage, SummaryPage};
    view! {
        <Route path=path!("/summary") view=SummaryPage ssr=SsrMode::Async />
        <Route path=path!("/headroom") view=HeadroomPage ssr=SsrMode::Async />
    }
    .into_inner()
}
