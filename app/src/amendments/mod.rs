//! Amendments: a signed contract's or framework agreement's dated changes (units, options
//! granted or exercised, ceilings, value), each with its kind, reason and sources; the record
//! "as of" a day is read back from them.

pub mod api;
pub mod form;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;

crate::access! {
    server_fns: {
        "contracts/amendments/record": Editor,
        "contracts/amendments/delete": Editor,
        "agreements/amendments/record": Editor,
        "agreements/amendments/delete": Editor,
    },
    pages: {
        "/contracts/{id}/amend": Editor,
        "/contracts/{id}/amendments/{amendment}/delete": Editor,
        "/agreements/{id}/amend": Editor,
        "/agreements/{id}/amendments/{amendment}/delete": Editor,
    },
}

crate::page_routes! {
    /// The amendment pages, as the app's route table takes them.
    AmendmentRoutes {
        "/contracts/:id/amend" => pages::AmendPage,
        "/contracts/:id/amendments/:amendment/delete" => pages::DeleteAmendmentPage,
        "/agreements/:id/amend" => pages::AmendAgreementPage,
        "/agreements/:id/amendments/:amendment/delete" => pages::DeleteAgreementAmendmentPage,
    }
}
