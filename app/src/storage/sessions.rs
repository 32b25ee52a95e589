//! Sign-in sessions: the rows behind the server's tower-sessions store. The record is opaque
//! JSON here; the server crate (which owns tower-sessions) encodes and decodes it.

use super::{Db, Result, on_db};
use chrono::{DateTime, Utc};

/// Stores a new session; `false` when the id is taken (the caller draws another).
#[tracing::instrument(name = "db.sessions.create", skip_all)]
pub async fn create(db: &Db, id: &str, data: &str, expires_at: DateTime<Utc>) -> Result<bool> {
    let inserted = on_db!(db, pool => {
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(data)
        .bind(expires_at)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(inserted == 1)
}

#[tracing::instrument(name = "db.sessions.save", skip_all)]
pub async fn save(db: &Db, id: &str, data: &str, expires_at: DateTime<Utc>) -> Result<()> {
    on_db!(db, pool => {
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(id)
        .bind(data)
        .bind(expires_at)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// The session's data, unless it is missing or expired.
#[tracing::instrument(name = "db.sessions.load", skip_all)]
pub async fn load(db: &Db, id: &str, now: DateTime<Utc>) -> Result<Option<String>> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar::<_, String>("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(pool)
            .await?
    }))
}

#[tracing::instrument(name = "db.sessions.delete", skip_all)]
pub async fn delete(db: &Db, id: &str) -> Result<()> {
    on_db!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(pool).await?;
    });
    Ok(())
}

/// Drops expired sessions (the server runs this every few minutes).
#[tracing::instrument(name = "db.sessions.delete_expired", skip_all)]
pub async fn delete_expired(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    Ok(on_db!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}
