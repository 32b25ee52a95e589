//! Delivery server functions.

use super::form::DeliveryFields;
use crate::domain::Created;
use crate::domain::filter::ContractFilter;
use crate::domain::register::Contract;
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "contracts/deliveries/record", input = Json)]
pub async fn record_delivery(
    contract_id: i64,
    fields: DeliveryFields,
) -> Result<Created<Contract>, AppError> {
    answer(async { super::service::record_delivery(&db()?, contract_id, &fields).await }.await)
}

#[server(endpoint = "deliveries/list", input = Json)]
pub async fn list_deliveries(
    filter: ContractFilter,
) -> Result<crate::domain::register::DeliveryPage, AppError> {
    answer(async { super::service::list_deliveries(&db()?, &filter).await }.await)
}
