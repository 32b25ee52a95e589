//! The exchange rate's plain-form routes (JavaScript off or not loaded yet).

use super::service;
use crate::domain::account::Role;
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::Db;
use crate::web::{EntryKind, FormRoute, entry_routes};

pub fn routes() -> Vec<FormRoute> {
    entry_routes::<Rates>()
}

pub struct Rates;

impl EntryKind for Rates {
    type Record = crate::domain::rate::ExchangeRate;
    const COLLECTION: &'static str = "rates";
    const NEW: &'static str = "/rates/new";
    const EDIT: &'static str = "/rates/{id}/edit";
    const DELETE: &'static str = "/rates/{id}/delete";
    const ROLE: Role = Role::Admin;
    const NEW_FORM_ON_LIST: bool = true;
    const EDIT_FORM_ON_RECORD: bool = true;

    async fn create(
        db: &Db,
        fields: &EntryFields,
    ) -> Result<Created<crate::domain::rate::ExchangeRate>, AppError> {
        service::create_rate(db, fields).await
    }

    async fn update(
        db: &Db,
        id: i64,
        fields: &EntryFields,
    ) -> Result<FormOutcome<crate::domain::rate::ExchangeRate>, AppError> {
        service::update_rate(db, crate::domain::RateId(id), fields).await
    }

    async fn name(db: &Db, id: i64) -> Result<String, AppError> {
        let rate = service::get_rate(db, id).await?;
        Ok(format!("rate {} {}", rate.currency, rate.date))
    }

    async fn delete(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
        service::delete_rate(
            db,
            crate::domain::RateId(id),
            crate::domain::Version(version),
        )
        .await
    }
}
