//! Waterfall server functions.

use crate::domain::waterfall::Waterfall;
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

/// The waterfall of framework agreement `id`.
#[server(endpoint = "agreements/waterfall", input = Json)]
pub async fn get_waterfall(id: i64) -> Result<Waterfall, AppError> {
    answer(async { super::service::waterfall(&db()?, id).await }.await)
}
