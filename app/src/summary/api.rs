//! Summary server functions: the portfolio and the framework headroom.

use crate::domain::filter::{AgreementFilter, ContractFilter};
use crate::domain::register::{Agreement, Page};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

/// The portfolio totals for the contract filter (its `confidence` is the level counted).
#[server(endpoint = "summary/portfolio", input = Json)]
pub async fn portfolio(
    filter: ContractFilter,
    stack: crate::domain::summary::Dimension,
) -> Result<crate::domain::summary::Portfolio, AppError> {
    answer(async { super::service::portfolio(&db()?, &filter, stack).await }.await)
}

/// A page of framework agreements with their ceiling lines' headroom.
#[server(endpoint = "summary/headroom", input = Json)]
pub async fn headroom(filter: AgreementFilter) -> Result<Page<Agreement>, AppError> {
    answer(async { super::service::headroom(&db()?, &filter).await }.await)
}
