//! Exchange rates: US dollars per unit of a currency on a day, from which every contract's USD
//! equivalent follows.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "rates/get": Viewer,
        "rates/list": Viewer,
        "rates/create": Admin,
        "rates/delete": Admin,
        "rates/update": Admin,
    },
    pages: {
        "/rates/{id}/delete": Admin,
    },
}

crate::page_routes! {
    /// The exchange-rate pages, as the app's route table takes them.
    RateRoutes {
        "/rates" => pages::RatesPage,
        "/rates/:id" => pages::RatePage,
        "/rates/:id/delete" => pages::DeleteRatePage,
        "/rates/:id/history" => || view! { <crate::accounts::audit::HistoryPage kind=crate::domain::audit::RecordKind::Rate /> },
    }
}
