//! Deliveries: units of a contract line that arrived, never more than the line still lacks.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "deliveries/list": Viewer,
        "contracts/deliveries/record": Editor,
    },
    pages: {},
}

crate::page_routes! {
    /// The deliveries page, as the app's route table takes it.
    DeliveryRoutes {
        "/deliveries" => pages::DeliveriesPage,
    }
}
