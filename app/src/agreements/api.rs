//! Framework agreement server functions, under `/api/agreements/…`.

use crate::domain::filter::AgreementFilter;
use crate::domain::register::{Agreement, AgreementChoice, AgreementSummary, Page};
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "agreements/list", input = Json)]
pub async fn list_agreements(filter: AgreementFilter) -> Result<Page<AgreementSummary>, AppError> {
    answer(async { super::service::list_agreements(&db()?, &filter).await }.await)
}

#[server(endpoint = "agreements/get", input = GetUrl)]
pub async fn get_agreement(id: i64) -> Result<Agreement, AppError> {
    answer(async { super::service::get_agreement(&db()?, id).await }.await)
}

#[server(endpoint = "agreements/choices", input = GetUrl)]
pub async fn agreement_choices() -> Result<Vec<AgreementChoice>, AppError> {
    answer(async { Ok(crate::storage::agreements::choices(&db()?).await?) }.await)
}

#[server(endpoint = "agreements/create", input = Json)]
pub async fn create_agreement(fields: EntryFields) -> Result<Created<Agreement>, AppError> {
    answer(async { super::service::create_agreement(&db()?, &fields).await }.await)
}

#[server(endpoint = "agreements/update", input = Json)]
pub async fn update_agreement(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<Agreement>, AppError> {
    answer(
        async {
            super::service::update_agreement(&db()?, crate::domain::AgreementId(id), &fields).await
        }
        .await,
    )
}

#[server(endpoint = "agreements/delete", input = Json)]
pub async fn delete_agreement(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(
        async {
            super::service::delete_agreement(
                &db()?,
                crate::domain::AgreementId(id),
                crate::domain::Version(version),
            )
            .await
        }
        .await,
    )
}
