//! The contract's plain-form routes (JavaScript off or not loaded yet).

use super::service;
use crate::domain::account::Role;
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::Db;
use crate::web::{EntryKind, FormRoute, entry_routes};

pub fn routes() -> Vec<FormRoute> {
    entry_routes::<Contracts>()
}

pub struct Contracts;

impl EntryKind for Contracts {
    type Record = crate::domain::register::Contract;
    const COLLECTION: &'static str = "contracts";
    const NEW: &'static str = "/contracts/new";
    const EDIT: &'static str = "/contracts/{id}/edit";
    const DELETE: &'static str = "/contracts/{id}/delete";
    const ROLE: Role = Role::Editor;

    async fn create(
        db: &Db,
        fields: &EntryFields,
    ) -> Result<Created<crate::domain::register::Contract>, AppError> {
        service::create_contract(db, fields).await
    }

    async fn update(
        db: &Db,
        id: i64,
        fields: &EntryFields,
    ) -> Result<FormOutcome<crate::domain::register::Contract>, AppError> {
        service::update_contract(db, crate::domain::ContractId(id), fields).await
    }

    async fn name(db: &Db, id: i64) -> Result<String, AppError> {
        Ok(service::get_contract(db, id).await?.title)
    }

    async fn delete(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
        service::delete_contract(
            db,
            crate::domain::ContractId(id),
            crate::domain::Version(version),
        )
        .await
    }
}
