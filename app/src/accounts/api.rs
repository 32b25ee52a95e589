//! Server functions of accounts and the audit trail. The guard has checked the role before
//! any of these runs (see the server's auth policy); a history also checks the role of the
//! kind of record it shows.

use crate::domain::account::UserRecord;
use crate::domain::audit::{AuditFilter, RecordKind, ShownEntry};
use crate::error::AppError;
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::context::{answer, db};
#[cfg(feature = "ssr")]
use crate::domain::audit::AuditAction;

#[server(endpoint = "users/list", input = Json)]
pub async fn list_users() -> Result<Vec<UserRecord>, AppError> {
    answer(async { Ok(crate::storage::users::list(&db()?).await?) }.await)
}

/// One page of the audit trail and how many entries match.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AuditPage {
    pub entries: Vec<ShownEntry>,
    pub total: i64,
}

#[server(endpoint = "audit/list", input = Json)]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    answer(
        async {
            let db = db()?;
            let (entries, total) = crate::storage::audit::list(&db, &filter).await?;
            let entries = crate::storage::audit::shown(&db, &entries).await?;
            Ok(AuditPage { entries, total })
        }
        .await,
    )
}

/// The history of record `kind id`, oldest first. The policy lets any viewer call this; the
/// records of some kinds are for higher roles only (users: admins), so the role is checked
/// again against the kind asked for. A record that never existed is not found; a deleted one
/// still has its history.
#[server(endpoint = "audit/history", input = Json)]
pub async fn record_history(kind: RecordKind, id: i64) -> Result<Vec<ShownEntry>, AppError> {
    answer(
        async {
            use crate::storage::audit;
            let db = db()?;
            let user = crate::accounts::current_user().ok_or(AppError::SignInRequired)?;
            let needed = kind.history_role();
            if !user.may(needed) {
                let detail = format!("history of {} {id} needs {needed}", kind.as_str());
                audit::event(&db, &audit::current_actor(), AuditAction::Refused, &detail).await?;
                return Err(AppError::Forbidden {
                    role: user.role,
                    needed,
                });
            }
            let entries = audit::history(&db, kind, id).await?;
            if entries.is_empty() && !audit::exists(&db, kind, id).await? {
                return Err(AppError::not_found(kind.title(id)));
            }
            Ok(audit::shown(&db, &entries).await?)
        }
        .await,
    )
}
