//! The system's plain-form routes (JavaScript off or not loaded yet).

use super::service;
use crate::domain::account::Role;
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::Db;
use crate::web::{EntryKind, FormRoute, entry_routes};

pub fn routes() -> Vec<FormRoute> {
    entry_routes::<Systems>()
}

pub struct Systems;

impl EntryKind for Systems {
    type Record = crate::domain::register::SystemRecord;
    const COLLECTION: &'static str = "systems";
    const NEW: &'static str = "/systems/new";
    const EDIT: &'static str = "/systems/{id}/edit";
    const DELETE: &'static str = "/systems/{id}/delete";
    const ROLE: Role = Role::Editor;

    async fn create(
        db: &Db,
        fields: &EntryFields,
    ) -> Result<Created<crate::domain::register::SystemRecord>, AppError> {
        service::create_system(db, fields).await
    }

    async fn update(
        db: &Db,
        id: i64,
        fields: &EntryFields,
    ) -> Result<FormOutcome<crate::domain::register::SystemRecord>, AppError> {
        service::update_system(db, crate::domain::SystemId(id), fields).await
    }

    async fn name(db: &Db, id: i64) -> Result<String, AppError> {
        Ok(service::get_system(db, id).await?.designation)
    }

    async fn delete(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
        service::delete_system(
            db,
            crate::domain::SystemId(id),
            crate::domain::Version(version),
        )
        .await
    }
}
