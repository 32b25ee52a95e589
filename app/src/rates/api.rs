//! Exchange-rate server functions, under `/api/rates/…`.

use crate::domain::rate::ExchangeRate;
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "rates/list", input = GetUrl)]
pub async fn list_rates() -> Result<Vec<ExchangeRate>, AppError> {
    answer(async { super::service::list_rates(&db()?).await }.await)
}

#[server(endpoint = "rates/get", input = GetUrl)]
pub async fn get_rate(id: i64) -> Result<ExchangeRate, AppError> {
    answer(async { super::service::get_rate(&db()?, id).await }.await)
}

#[server(endpoint = "rates/create", input = Json)]
pub async fn create_rate(fields: EntryFields) -> Result<Created<ExchangeRate>, AppError> {
    answer(async { super::service::create_rate(&db()?, &fields).await }.await)
}

#[server(endpoint = "rates/update", input = Json)]
pub async fn update_rate(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<ExchangeRate>, AppError> {
    answer(
        async { super::service::update_rate(&db()?, crate::domain::RateId(id), &fields).await }
            .await,
    )
}

#[server(endpoint = "rates/delete", input = Json)]
pub async fn delete_rate(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(
        async {
            super::service::delete_rate(
                &db()?,
                crate::domain::RateId(id),
                crate::domain::Version(version),
            )
            .await
        }
        .await,
    )
}
