//! Server functions of the deal register, under `/api/…`.

use super::DeliveryFields;
use crate::domain::FormOutcome;
use crate::domain::filter::{AgreementFilter, ContractFilter};
use crate::domain::register::{
    Agreement, AgreementSummary, Contract, ContractSummary, Page, SystemRecord,
};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "contracts/list", input = Json)]
pub async fn list_contracts(filter: ContractFilter) -> Result<Page<ContractSummary>, AppError> {
    answer(async { super::service::list_contracts(&db()?, &filter).await }.await)
}

#[server(endpoint = "contracts/get", input = GetUrl)]
pub async fn get_contract(id: i64) -> Result<Contract, AppError> {
    answer(async { super::service::get_contract(&db()?, id).await }.await)
}

#[server(endpoint = "contracts/deliveries/record", input = Json)]
pub async fn record_delivery(
    contract_id: i64,
    fields: DeliveryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    answer(async { super::service::record_delivery(&db()?, contract_id, &fields).await }.await)
}

#[server(endpoint = "agreements/list", input = Json)]
pub async fn list_agreements(filter: AgreementFilter) -> Result<Page<AgreementSummary>, AppError> {
    answer(async { super::service::list_agreements(&db()?, &filter).await }.await)
}

#[server(endpoint = "agreements/get", input = GetUrl)]
pub async fn get_agreement(id: i64) -> Result<Agreement, AppError> {
    answer(async { super::service::get_agreement(&db()?, id).await }.await)
}

#[server(endpoint = "systems/list", input = GetUrl)]
pub async fn list_systems() -> Result<Vec<SystemRecord>, AppError> {
    answer(async { super::service::list_systems(&db()?).await }.await)
}

#[server(endpoint = "deliveries/list", input = Json)]
pub async fn list_deliveries(
    filter: ContractFilter,
) -> Result<crate::domain::register::DeliveryPage, AppError> {
    answer(async { super::service::list_deliveries(&db()?, &filter).await }.await)
}
