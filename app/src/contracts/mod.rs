//! Contracts: the executed deals, each with its lines (system and units), value, sources and
//! deliveries, under a framework agreement or on their own.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "contracts/count": Viewer,
        "contracts/get": Viewer,
        "contracts/list": Viewer,
        "contracts/create": Editor,
        "contracts/delete": Editor,
        "contracts/update": Editor,
    },
    pages: {
        "/contracts/new": Editor,
        "/contracts/{id}/edit": Editor,
        "/contracts/{id}/delete": Editor,
    },
}

crate::page_routes! {
    /// The contract pages, as the app's route table takes them.
    ContractRoutes {
        "/contracts" => pages::ContractsPage,
        "/contracts/new" => form::NewContractPage,
        "/contracts/:id" => pages::ContractPage,
        "/contracts/:id/edit" => form::EditContractPage,
        "/contracts/:id/delete" => form::DeleteContractPage,
        "/contracts/:id/history" => || view! { <crate::accounts::audit::HistoryPage kind=crate::domain::audit::RecordKind::Contract /> },
    }
}
