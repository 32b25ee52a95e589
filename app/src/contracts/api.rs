//! Contract server functions, under `/api/contracts/…`.

use crate::domain::filter::ContractFilter;
use crate::domain::register::{Contract, ContractSummary, Page};
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "contracts/list", input = Json)]
pub async fn list_contracts(filter: ContractFilter) -> Result<Page<ContractSummary>, AppError> {
    answer(async { super::service::list_contracts(&db()?, &filter).await }.await)
}

/// How many contracts the register holds (the list itself counts only up to a cap).
#[server(endpoint = "contracts/count", input = GetUrl)]
pub async fn count_contracts() -> Result<i64, AppError> {
    answer(async { Ok(crate::storage::contracts::count(&db()?).await?) }.await)
}

#[server(endpoint = "contracts/get", input = GetUrl)]
pub async fn get_contract(id: i64) -> Result<Contract, AppError> {
    answer(async { super::service::get_contract(&db()?, id).await }.await)
}

#[server(endpoint = "contracts/create", input = Json)]
pub async fn create_contract(fields: EntryFields) -> Result<Created<Contract>, AppError> {
    answer(async { super::service::create_contract(&db()?, &fields).await }.await)
}

/// Saves an edit form (`fields` holds its `version`); a conflict answers with the stored one.
#[server(endpoint = "contracts/update", input = Json)]
pub async fn update_contract(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    answer(
        async {
            super::service::update_contract(&db()?, crate::domain::ContractId(id), &fields).await
        }
        .await,
    )
}

#[server(endpoint = "contracts/delete", input = Json)]
pub async fn delete_contract(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(
        async {
            super::service::delete_contract(
                &db()?,
                crate::domain::ContractId(id),
                crate::domain::Version(version),
            )
            .await
        }
        .await,
    )
}
