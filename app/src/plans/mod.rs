//! Delivery plans: each contract line's units planned per period (a year, quarter, month or
//! span of years), with sources and confidence, read against its deliveries to say what is
//! late; the contract list's "behind schedule" filter and the summary's units planned and
//! delivered by year come from them.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "contracts/plan/save": Editor,
    },
    pages: {
        "/contracts/{id}/plan": Editor,
    },
}

crate::page_routes! {
    /// The delivery plan page, as the app's route table takes it.
    PlanRoutes {
        "/contracts/:id/plan" => pages::PlanPage,
    }
}
