//! Server functions for firms: public HTTP endpoints under `/api/firms/…`. Each is a thin
//! wrapper over [`super::service`]; the database handle comes from the request context.

use crate::domain::{Created, Firm, FormOutcome};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::{GetUrl, Json};

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "firms/list", input = GetUrl)]
pub async fn list_firms() -> Result<Vec<Firm>, AppError> {
    answer(async { super::service::list(&db()?).await }.await)
}

#[server(endpoint = "firms/count", input = GetUrl)]
pub async fn count_firms() -> Result<i64, AppError> {
    answer(async { Ok(crate::storage::firms::count(&db()?).await?) }.await)
}

#[server(endpoint = "firms/get", input = GetUrl)]
pub async fn get_firm(id: i64) -> Result<Firm, AppError> {
    answer(async { super::service::get(&db()?, id).await }.await)
}

/// Argument names match the firm form's inputs. Writes take JSON: the browser sends it with
/// serde_json, which the wasm has anyway (a query-string encoder would add to it).
#[server(endpoint = "firms/create", input = Json)]
pub async fn create_firm(
    name: String,
    country: String,
    website: String,
    notes: String,
) -> Result<Created<Firm>, AppError> {
    let fields = crate::domain::FirmFields {
        name,
        country,
        website,
        notes,
    };
    answer(async { super::service::create(&db()?, &fields).await }.await)
}

#[server(endpoint = "firms/update", input = Json)]
pub async fn update_firm(
    id: i64,
    version: i64,
    name: String,
    country: String,
    website: String,
    notes: String,
) -> Result<FormOutcome<Firm>, AppError> {
    let fields = crate::domain::FirmFields {
        name,
        country,
        website,
        notes,
    };
    answer(
        async {
            super::service::update(
                &db()?,
                crate::domain::FirmId(id),
                crate::domain::Version(version),
                &fields,
            )
            .await
        }
        .await,
    )
}

/// The parent group of a firm and the firms that belong to it.
#[server(endpoint = "firms/family", input = GetUrl)]
pub async fn firm_family(id: i64) -> Result<crate::domain::register::Family, AppError> {
    answer(async { Ok(crate::storage::firms::family(&db()?, id).await?) }.await)
}

/// What still refers to a firm (a firm with references cannot be deleted).
#[server(endpoint = "firms/references", input = GetUrl)]
pub async fn firm_references(id: i64) -> Result<Vec<String>, AppError> {
    answer(async { super::service::references(&db()?, id).await }.await)
}

#[server(endpoint = "firms/delete", input = Json)]
pub async fn delete_firm(id: i64, version: i64) -> Result<crate::domain::Removal<Firm>, AppError> {
    answer(
        async {
            super::service::delete(
                &db()?,
                crate::domain::FirmId(id),
                crate::domain::Version(version),
            )
            .await
        }
        .await,
    )
}

/// Puts a firm in a group (`parent_id` empty for none).
#[server(endpoint = "firms/group", input = Json)]
pub async fn set_firm_group(
    id: i64,
    version: i64,
    parent_id: String,
) -> Result<FormOutcome<Firm>, AppError> {
    answer(
        async {
            super::service::set_group(
                &db()?,
                crate::domain::FirmId(id),
                crate::domain::Version(version),
                &parent_id,
            )
            .await
        }
        .await,
    )
}
