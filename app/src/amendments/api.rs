//! Amendment server functions.

use crate::domain::Created;
use crate::domain::register::{Agreement, Contract};
use crate::error::AppError;
use crate::forms::EntryFields;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

/// What came of deleting an amendment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmendmentRemoval {
    Deleted,
    AlreadyGone,
    /// The contract without it would break a rule (its units are delivered since).
    Refused(String),
}

#[server(endpoint = "contracts/amendments/record", input = Json)]
pub async fn record_amendment(
    contract_id: i64,
    fields: EntryFields,
) -> Result<Created<Contract>, AppError> {
    answer(async { super::service::record_amendment(&db()?, contract_id, &fields).await }.await)
}

#[server(endpoint = "contracts/amendments/delete", input = Json)]
pub async fn delete_amendment(
    contract_id: i64,
    amendment_id: i64,
) -> Result<AmendmentRemoval, AppError> {
    answer(
        async { super::service::delete_amendment(&db()?, contract_id, amendment_id).await }.await,
    )
}

#[server(endpoint = "agreements/amendments/record", input = Json)]
pub async fn record_agreement_amendment(
    agreement_id: i64,
    fields: EntryFields,
) -> Result<Created<Agreement>, AppError> {
    answer(
        async { super::service::record_agreement_amendment(&db()?, agreement_id, &fields).await }
            .await,
    )
}

#[server(endpoint = "agreements/amendments/delete", input = Json)]
pub async fn delete_agreement_amendment(
    agreement_id: i64,
    amendment_id: i64,
) -> Result<AmendmentRemoval, AppError> {
    answer(
        async {
            super::service::delete_amendment_of(
                &db()?,
                crate::storage::amendments::Amended::Agreement(agreement_id),
                amendment_id,
            )
            .await
        }
        .await,
    )
}
