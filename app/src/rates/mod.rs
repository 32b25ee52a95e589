//! Exchange rates: US dollars per unit of a currency on a day, from which every contract's USD
//! equivalent follows.

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
        ("rates/get", crate::domain::account::Role::Viewer),
        ("rates/list", crate::domain::account::Role::Viewer),
        ("rates/create", crate::domain::account::Role::Admin),
        ("rates/delete", crate::domain::account::Role::Admin),
        ("rates/update", crate::domain::account::Role::Admin),
    ],
    pages: &[("/rates/{id}/delete", crate::domain::account::Role::Admin)],
};

use leptos::prelude::*;
use leptos_router::{MatchNestedRoutes, SsrMode, components::Route, path};

/// The exchange-rate pages, as the app's route table takes them.
#[component(transparent)]
pub fn RateRoutes() -> impl MatchNestedRoutes + Clone {
    use crate::accounts::audit::HistoryPage;
    use crate::domain::audit::RecordKind;
    use pages::{DeleteRatePage, RatePage, RatesPage};
    view! {
        <Route path=path!("/rates") view=RatesPage ssr=SsrMode::Async />
        <Route path=path!("/rates/:id") view=RatePage ssr=SsrMode::Async />
        <Route path=path!("/rates/:id/delete") view=DeleteRatePage ssr=SsrMode::Async />
        <Route path=path!("/rates/:id/history") view=|| view! { <HistoryPage kind=RecordKind::Rate /> } ssr=SsrMode::Async />
    }
    .into_inner()
}
