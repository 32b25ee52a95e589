//! Server functions of the deal register, under `/api/…`.

use super::entry::EntryFields;
use super::{DeliveryFields, Removal};
use crate::domain::FormOutcome;
use crate::domain::filter::{AgreementFilter, ContractFilter};
use crate::domain::register::{
    Agreement, AgreementChoice, AgreementSummary, Contract, ContractSummary, Page, SystemRecord,
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

#[server(endpoint = "contracts/create", input = Json)]
pub async fn create_contract(fields: EntryFields) -> Result<FormOutcome<Contract>, AppError> {
    answer(async { super::service::create_contract(&db()?, &fields).await }.await)
}

/// Saves an edit form (`fields` holds its `version`); a conflict answers with the stored one.
#[server(endpoint = "contracts/update", input = Json)]
pub async fn update_contract(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    answer(async { super::service::update_contract(&db()?, id, &fields).await }.await)
}

#[server(endpoint = "contracts/delete", input = Json)]
pub async fn delete_contract(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(async { super::service::delete_contract(&db()?, id, version).await }.await)
}

#[server(endpoint = "agreements/create", input = Json)]
pub async fn create_agreement(fields: EntryFields) -> Result<FormOutcome<Agreement>, AppError> {
    answer(async { super::service::create_agreement(&db()?, &fields).await }.await)
}

#[server(endpoint = "agreements/update", input = Json)]
pub async fn update_agreement(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<Agreement>, AppError> {
    answer(async { super::service::update_agreement(&db()?, id, &fields).await }.await)
}

#[server(endpoint = "agreements/delete", input = Json)]
pub async fn delete_agreement(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(async { super::service::delete_agreement(&db()?, id, version).await }.await)
}

#[server(endpoint = "agreements/choices", input = GetUrl)]
pub async fn agreement_choices() -> Result<Vec<AgreementChoice>, AppError> {
    answer(async { Ok(crate::storage::agreements::choices(&db()?).await?) }.await)
}

#[server(endpoint = "rates/list", input = GetUrl)]
pub async fn list_rates() -> Result<Vec<crate::domain::rate::ExchangeRate>, AppError> {
    answer(async { super::service::list_rates(&db()?).await }.await)
}

#[server(endpoint = "rates/get", input = GetUrl)]
pub async fn get_rate(id: i64) -> Result<crate::domain::rate::ExchangeRate, AppError> {
    answer(async { super::service::get_rate(&db()?, id).await }.await)
}

#[server(endpoint = "rates/create", input = Json)]
pub async fn create_rate(
    fields: EntryFields,
) -> Result<FormOutcome<crate::domain::rate::ExchangeRate>, AppError> {
    answer(async { super::service::create_rate(&db()?, &fields).await }.await)
}

#[server(endpoint = "rates/update", input = Json)]
pub async fn update_rate(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<crate::domain::rate::ExchangeRate>, AppError> {
    answer(async { super::service::update_rate(&db()?, id, &fields).await }.await)
}

#[server(endpoint = "rates/delete", input = Json)]
pub async fn delete_rate(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(async { super::service::delete_rate(&db()?, id, version).await }.await)
}

#[server(endpoint = "systems/get", input = GetUrl)]
pub async fn get_system(id: i64) -> Result<SystemRecord, AppError> {
    answer(async { super::service::get_system(&db()?, id).await }.await)
}

#[server(endpoint = "systems/references", input = GetUrl)]
pub async fn system_references(id: i64) -> Result<Vec<String>, AppError> {
    answer(async { Ok(crate::storage::systems::references(&db()?, id).await?) }.await)
}

#[server(endpoint = "systems/create", input = Json)]
pub async fn create_system(fields: EntryFields) -> Result<FormOutcome<SystemRecord>, AppError> {
    answer(async { super::service::create_system(&db()?, &fields).await }.await)
}

#[server(endpoint = "systems/update", input = Json)]
pub async fn update_system(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<SystemRecord>, AppError> {
    answer(async { super::service::update_system(&db()?, id, &fields).await }.await)
}

#[server(endpoint = "systems/delete", input = Json)]
pub async fn delete_system(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(async { super::service::delete_system(&db()?, id, version).await }.await)
}

/// The portfolio totals for the contract filter (its `confidence` is the level counted).
#[server(endpoint = "summary/portfolio", input = Json)]
pub async fn portfolio(
    filter: ContractFilter,
    stack: crate::domain::summary::Dimension,
) -> Result<crate::domain::summary::Portfolio, AppError> {
    answer(async { super::service::portfolio(&db()?, &filter, stack).await }.await)
}

/// A page of framework agreements with their ceiling lines' headroom.
#[server(endpoint = "summary/headroom", input = Json)]
pub async fn headroom(filter: AgreementFilter) -> Result<Page<Agreement>, AppError> {
    answer(async { super::service::headroom(&db()?, &filter).await }.await)
}
