//! Framework agreements: a buyer's deal with its suppliers, with ceiling lines (the most of
//! each system that may be ordered) and the contracts signed under it.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "agreements/choices": Viewer,
        "agreements/get": Viewer,
        "agreements/list": Viewer,
        "agreements/create": Editor,
        "agreements/delete": Editor,
        "agreements/update": Editor,
    },
    pages: {
        "/agreements/new": Editor,
        "/agreements/{id}/edit": Editor,
        "/agreements/{id}/delete": Editor,
    },
}

crate::page_routes! {
    /// The framework agreement pages, as the app's route table takes them.
    AgreementRoutes {
        "/agreements" => pages::AgreementsPage,
        "/agreements/new" => form::NewAgreementPage,
        "/agreements/:id" => pages::AgreementPage,
        "/agreements/:id/edit" => form::EditAgreementPage,
        "/agreements/:id/delete" => form::DeleteAgreementPage,
        "/agreements/:id/history" => || view! { <crate::accounts::audit::HistoryPage kind=crate::domain::audit::RecordKind::Agreement /> },
    }
}
