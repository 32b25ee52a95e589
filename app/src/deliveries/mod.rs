//! Deliveries: units of a contract line that arrived, never more than the line still lacks.

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
        ("deliveries/list", crate::domain::account::Role::Viewer),
        (
            "contracts/deliveries/record",
            crate::domain::account::Role::Editor,
        ),
    ],
    pages: &[],
};

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, components::Route, path};

/// The deliveries page, as the app's route table takes it.
#[component(transparent)]
pub fn DeliveryRoutes() -> impl MatchNestedRoutes + Clone {
    use pages::DeliveriesPage;
    view! {
        <Route path=path!("/deliveries") view=DeliveriesPage ssr=SsrMode::Async />
    }
    .into_inner()
}
