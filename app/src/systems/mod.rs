//! Systems: what is sold (K2, K9A1, FA-50PL…), with their maker and the variants of a base
//! system.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "systems/get": Viewer,
        "systems/list": Viewer,
        "systems/references": Viewer,
        "systems/create": Editor,
        "systems/delete": Editor,
        "systems/update": Editor,
    },
    pages: {
        "/systems/new": Editor,
        "/systems/{id}/edit": Editor,
        "/systems/{id}/delete": Editor,
    },
}

crate::page_routes! {
    /// The system pages, as the app's route table takes them.
    SystemRoutes {
        "/systems" => pages::SystemsPage,
        "/systems/new" => form::NewSystemPage,
        "/systems/:id" => pages::SystemPage,
        "/systems/:id/edit" => form::EditSystemPage,
        "/systems/:id/delete" => form::DeleteSystemPage,
        "/systems/:id/history" => || view! { <crate::accounts::audit::HistoryPage kind=crate::domain::audit::RecordKind::System /> },
    }
}
