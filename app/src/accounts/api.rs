//! Server functions of accounts and the audit trail. The guard has checked the role before
//! any of these runs (see the server's auth policy).

use crate::domain::account::UserRecord;
use crate::domain::audit::{AuditEntry, AuditFilter, RecordKind};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::context::{answer, db};

#[server(endpoint = "users/list", input = Json)]
pub async fn list_users() -> Result<Vec<UserRecord>, AppError> {
    answer(async { Ok(crate::storage::users::list(&db()?).await?) }.await)
}

/// One page of the audit trail and how many entries match.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: i64,
}

#[server(endpoint = "audit/list", input = Json)]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    answer(
        async {
            let (entries, total) = crate::storage::audit::list(&db()?, &filter).await?;
            Ok(AuditPage { entries, total })
        }
        .await,
    )
}

#[server(endpoint = "audit/history", input = Json)]
pub async fn record_history(kind: RecordKind, id: i64) -> Result<Vec<AuditEntry>, AppError> {
    answer(async { Ok(crate::storage::audit::history(&db()?, kind, id).await?) }.await)
}
