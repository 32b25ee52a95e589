//! The programme waterfall of a framework agreement: headline figure → ceilings → signed →
//! options exercised → delivered, as a chart drawn on the server, a table and a CSV file.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "agreements/waterfall": Viewer,
    },
    pages: {},
}

crate::page_routes! {
    /// The waterfall page, as the app's route table takes it.
    WaterfallRoutes {
        "/agreements/:id/waterfall" => pages::WaterfallPage,
    }
}
