//! Queries on `users`. Every write records itself in the audit trail, in its transaction.

use super::{Db, Result, StorageError, on_db, on_tx};
use super::{audit, keys};
use crate::domain::account::{Role, UserRecord, Username};
use crate::domain::audit::{AuditAction, RecordKind};
use chrono::{DateTime, SubsecRound, Utc};

/// A user with the password hash: for signing in, never for a page.
#[derive(Clone, sqlx::FromRow)]
pub struct StoredUser {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub disabled: bool,
    pub version: i64,
}

impl std::fmt::Debug for StoredUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredUser")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl StoredUser {
    pub fn role(&self) -> Result<Role> {
        Role::parse(&self.role)
            .map_err(|_| StorageError::Corrupt(format!("user {}: role {}", self.id, self.role)))
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    role: String,
    disabled: bool,
    version: i64,
    created_at: DateTime<Utc>,
}

const STORED: &str = "id, username, password_hash, role, disabled, version";

#[tracing::instrument(name = "db.users.count", skip(db))]
pub async fn count(db: &Db) -> Result<i64> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(pool).await?
    }))
}

/// The user named `username`, ignoring case and normalisation (see [`keys`]).
#[tracing::instrument(name = "db.users.by_name", skip(db))]
pub async fn by_name(db: &Db, username: &str) -> Result<Option<StoredUser>> {
    let sql = format!("SELECT {STORED} FROM users WHERE username_key = $1");
    Ok(on_db!(db, pool => {
        sqlx::query_as::<_, StoredUser>(&sql).bind(keys::key(username)).fetch_optional(pool).await?
    }))
}

#[tracing::instrument(name = "db.users.by_id", skip(db))]
pub async fn by_id(db: &Db, id: i64) -> Result<Option<StoredUser>> {
    let sql = format!("SELECT {STORED} FROM users WHERE id = $1");
    Ok(on_db!(db, pool => {
        sqlx::query_as::<_, StoredUser>(&sql).bind(id).fetch_optional(pool).await?
    }))
}

/// Everyone, by username.
#[tracing::instrument(name = "db.users.list", skip(db))]
pub async fn list(db: &Db) -> Result<Vec<UserRecord>> {
    let rows = on_db!(db, pool => {
        sqlx::query_as::<_, UserRow>(
            "SELECT id, username, role, disabled, version, created_at FROM users ORDER BY lower(username)",
        )
        .fetch_all(pool)
        .await?
    });
    rows.into_iter()
        .map(|row| {
            Ok(UserRecord {
                role: Role::parse(&row.role)
                    .map_err(|_| StorageError::Corrupt(format!("user {}: role", row.id)))?,
                id: row.id,
                username: row.username,
                disabled: row.disabled,
                version: row.version,
                created_at: row.created_at.date_naive().to_string(),
            })
        })
        .collect()
}

/// Adds a user; a username taken ignoring case and normalisation (see [`keys`]) is a
/// `UniqueViolation` of `users_username_key`. `only_if_first` makes the insert a no-op
/// (answering `None`) when any user exists: the first-start set-up page cannot be used twice,
/// even by two requests at once.
#[tracing::instrument(name = "db.users.insert", skip(db, password_hash))]
pub async fn insert(
    db: &Db,
    username: &Username,
    password_hash: &str,
    role: Role,
    only_if_first: bool,
) -> Result<Option<i64>> {
    let mut tx = db.begin().await?;
    if only_if_first {
        let existing: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(conn).await?
        });
        if existing > 0 {
            return Ok(None);
        }
    }
    let now = Utc::now().trunc_subsecs(6);
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO users (username, username_key, password_hash, role, disabled, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, FALSE, 1, $5, $5) RETURNING id",
        )
        .bind(keys::nfc(username.as_str()))
        .bind(keys::key(username.as_str()))
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    audit::record(&mut tx, RecordKind::User, id, None).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// What changing a user's role or access can come to.
#[derive(Debug, PartialEq, Eq)]
pub enum UserEdit {
    Done,
    /// Saved by someone else since the page was opened.
    Stale,
    Missing,
    /// It would leave no active admin.
    LastAdmin,
}

/// Sets user `id`'s role and whether they are disabled, if still at `version` and if an active
/// admin remains afterwards (checked inside the transaction, so two admins demoting each other
/// at once cannot both succeed).
#[tracing::instrument(name = "db.users.update", skip(db))]
pub async fn update(
    db: &Db,
    id: i64,
    version: i64,
    role: Role,
    disabled: bool,
) -> Result<UserEdit> {
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, RecordKind::User, id).await?;
    let updated = on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE users SET role = $1, disabled = $2, version = version + 1, updated_at = $3 \
             WHERE id = $4 AND version = $5",
        )
        .bind(role.as_str())
        .bind(disabled)
        .bind(Utc::now().trunc_subsecs(6))
        .bind(id)
        .bind(version)
        .execute(conn)
        .await?
        .rows_affected()
    });
    if updated == 0 {
        return Ok(if before.is_some() {
            UserEdit::Stale
        } else {
            UserEdit::Missing
        });
    }
    let admins: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled")
            .fetch_one(conn)
            .await?
    });
    if admins == 0 {
        return Ok(UserEdit::LastAdmin);
    }
    audit::record(&mut tx, RecordKind::User, id, before).await?;
    tx.commit().await?;
    Ok(UserEdit::Done)
}

/// Replaces user `id`'s password hash; `false` when there is no such user.
#[tracing::instrument(name = "db.users.set_password", skip(db, password_hash))]
pub async fn set_password(db: &Db, id: i64, password_hash: &str) -> Result<bool> {
    let mut tx = db.begin().await?;
    let updated = on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE users SET password_hash = $1, version = version + 1, updated_at = $2 WHERE id = $3",
        )
        .bind(password_hash)
        .bind(Utc::now().trunc_subsecs(6))
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected()
    });
    if updated == 0 {
        return Ok(false);
    }
    audit::note_in(
        &mut tx,
        AuditAction::Update,
        (RecordKind::User, id),
        "password set",
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
