//! Delivery plan server functions.

use crate::domain::FormOutcome;
use crate::domain::register::Contract;
use crate::error::AppError;
use crate::forms::EntryFields;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

/// Saves contract `contract_id`'s delivery plan (`fields` holds the version it was opened at);
/// a conflict answers with the contract as stored.
#[server(endpoint = "contracts/plan/save", input = Json)]
pub async fn save_plan(
    contract_id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<Contract>, AppError> {
    answer(async { super::service::save_plan(&db()?, contract_id, &fields).await }.await)
}
