//! The `countries` table mirrors the ISO list compiled into the app, so foreign keys and joins
//! can use it. It is brought in step at every start.

use super::{Db, Result, on_db};
use crate::domain::CountryCode;

#[tracing::instrument(name = "db.countries.sync", skip(db))]
pub async fn sync(db: &Db) -> Result<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for (code, name) in CountryCode::all() {
            sqlx::query(
                "INSERT INTO countries (code, name) VALUES ($1, $2) \
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            )
            .bind(code.as_str())
            .bind(name)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}
