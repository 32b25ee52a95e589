//! The summary (portfolio totals by buyer, supplier, system, category and year, each a link to
//! the contracts behind it) and the framework headroom. Read-only: no form, no routes.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "summary/headroom": Viewer,
        "summary/portfolio": Viewer,
    },
    pages: {},
}

crate::page_routes! {
    /// The summary and headroom pages, as the app's route table takes them.
    SummaryRoutes {
        "/summary" => pages::SummaryPage,
        "/headroom" => pages::HeadroomPage,
    }
}
