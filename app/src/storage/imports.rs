//! Uploaded CSV files waiting for their preview to be confirmed. Kept in the database (not in
//! the server's memory) so a preview survives a restart and works behind several servers.

use super::{Db, Result, on_db};
use chrono::{DateTime, Duration, Utc};

/// An uploaded file.
#[derive(Debug, sqlx::FromRow)]
pub struct Pending {
    pub kind: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// Stores an upload under a new random token, and drops uploads older than a day.
#[tracing::instrument(name = "db.imports.save", skip(db, content), fields(bytes = content.len()))]
pub async fn save(db: &Db, kind: &str, file_name: &str, content: &[u8]) -> Result<String> {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let now: DateTime<Utc> = Utc::now();
    on_db!(db, pool => {
        sqlx::query("DELETE FROM pending_imports WHERE created_at < $1")
            .bind(now - Duration::days(1))
            .execute(pool)
            .await?;
        sqlx::query("INSERT INTO pending_imports (token, kind, file_name, content, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&token)
            .bind(kind)
            .bind(file_name)
            .bind(content)
            .bind(now)
            .execute(pool)
            .await?;
    });
    Ok(token)
}

#[tracing::instrument(name = "db.imports.get", skip(db))]
pub async fn get(db: &Db, token: &str) -> Result<Option<Pending>> {
    Ok(on_db!(db, pool => {
        sqlx::query_as::<_, Pending>("SELECT kind, file_name, content FROM pending_imports WHERE token = $1")
            .bind(token)
            .fetch_optional(pool)
            .await?
    }))
}

#[tracing::instrument(name = "db.imports.delete", skip(db))]
pub async fn delete(db: &Db, token: &str) -> Result<()> {
    on_db!(db, pool => {
        sqlx::query("DELETE FROM pending_imports WHERE token = $1")
            .bind(token)
            .execute(pool)
            .await?;
    });
    Ok(())
}
