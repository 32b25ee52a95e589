//! The framework agreement's plain-form routes (JavaScript off or not loaded yet).

use super::service;
use crate::domain::account::Role;
use crate::domain::{Created, FormOutcome, Removal};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::Db;
use crate::web::{EntryKind, FormRoute, entry_routes};

pub fn routes() -> Vec<FormRoute> {
    entry_routes::<Agreements>()
}

pub struct Agreements;

impl EntryKind for Agreements {
    type Record = crate::domain::register::Agreement;
    const COLLECTION: &'static str = "agreements";
    const NEW: &'static str = "/agreements/new";
    const EDIT: &'static str = "/agreements/{id}/edit";
    const DELETE: &'static str = "/agreements/{id}/delete";
    const ROLE: Role = Role::Editor;

    async fn create(
        db: &Db,
        fields: &EntryFields,
    ) -> Result<Created<crate::domain::register::Agreement>, AppError> {
        service::create_agreement(db, fields).await
    }

    async fn update(
        db: &Db,
        id: i64,
        fields: &EntryFields,
    ) -> Result<FormOutcome<crate::domain::register::Agreement>, AppError> {
        service::update_agreement(db, crate::domain::AgreementId(id), fields).await
    }

    async fn name(db: &Db, id: i64) -> Result<String, AppError> {
        Ok(service::get_agreement(db, id).await?.title)
    }

    async fn delete(db: &Db, id: i64, version: i64) -> Result<Removal, AppError> {
        service::delete_agreement(
            db,
            crate::domain::AgreementId(id),
            crate::domain::Version(version),
        )
        .await
    }
}
