//! System server functions, under `/api/systems/…`.

use crate::domain::register::SystemRecord;
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "systems/list", input = GetUrl)]
pub async fn list_systems() -> Result<Vec<SystemRecord>, AppError> {
    answer(async { super::service::list_systems(&db()?).await }.await)
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
pub async fn create_system(fields: EntryFields) -> Result<Created<SystemRecord>, AppError> {
    answer(async { super::service::create_system(&db()?, &fields).await }.await)
}

#[server(endpoint = "systems/update", input = Json)]
pub async fn update_system(
    id: i64,
    fields: EntryFields,
) -> Result<FormOutcome<SystemRecord>, AppError> {
    answer(
        async { super::service::update_system(&db()?, crate::domain::SystemId(id), &fields).await }
            .await,
    )
}

#[server(endpoint = "systems/delete", input = Json)]
pub async fn delete_system(id: i64, version: i64) -> Result<Removal, AppError> {
    answer(
        async {
            super::service::delete_system(
                &db()?,
                crate::domain::SystemId(id),
                crate::domain::Version(version),
            )
            .await
        }
        .await,
    )
}
