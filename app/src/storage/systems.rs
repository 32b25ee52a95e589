//! Queries on `systems` (what is sold: K2, K9A1, FA-50PL…).

use super::rollup::{self, Affected};
use super::{Db, Deleted, Result, StorageError, Versioned, on_db, on_tx};
use super::{audit, keys};
use crate::domain::audit::RecordKind;
use crate::domain::register::{Named, SystemDraft, SystemRecord};
use crate::domain::{Category, SystemId, Version};
use chrono::{DateTime, SubsecRound, Utc};

#[derive(sqlx::FromRow)]
struct SystemRow {
    id: i64,
    designation: String,
    description: String,
    category: String,
    maker_id: i64,
    maker_name: String,
    variant_of_id: Option<i64>,
    variant_of_designation: Option<String>,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl TryFrom<SystemRow> for SystemRecord {
    type Error = StorageError;
    fn try_from(row: SystemRow) -> Result<Self> {
        Ok(SystemRecord {
            id: row.id,
            designation: row.designation,
            description: row.description,
            category: Category::parse(&row.category).map_err(StorageError::Corrupt)?,
            maker: Named {
                id: row.maker_id,
                name: row.maker_name,
            },
            variant_of: row
                .variant_of_id
                .zip(row.variant_of_designation)
                .map(|(id, name)| Named { id, name }),
            version: row.version,
            updated_at: row.updated_at,
        })
    }
}

const SELECT: &str = "SELECT s.id, s.designation, s.description, s.category, s.maker_id, f.name AS maker_name, \
     s.variant_of_id, v.designation AS variant_of_designation, s.version, s.updated_at \
     FROM systems s JOIN firms f ON f.id = s.maker_id LEFT JOIN systems v ON v.id = s.variant_of_id";

#[tracing::instrument(name = "db.systems.list", skip(db))]
pub async fn list(db: &Db) -> Result<Vec<SystemRecord>> {
    let sql = format!("{SELECT} ORDER BY lower(s.designation), s.id");
    let rows = on_db!(db, pool => sqlx::query_as::<_, SystemRow>(&sql).fetch_all(pool).await?);
    rows.into_iter().map(SystemRecord::try_from).collect()
}

#[tracing::instrument(name = "db.systems.get", skip(db))]
pub async fn get(db: &Db, id: i64) -> Result<Option<SystemRecord>> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    let row = on_db!(db, pool => sqlx::query_as::<_, SystemRow>(&sql).bind(id).fetch_optional(pool).await?);
    row.map(SystemRecord::try_from).transpose()
}

/// Every system's id by its designation's [`keys::key`], for matching designations typed
/// elsewhere (an import).
#[tracing::instrument(name = "db.systems.ids_by_key", skip(db))]
pub async fn ids_by_key(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT designation_key, id FROM systems WHERE designation_key IS NOT NULL")
            .fetch_all(pool)
            .await?
    }))
}

/// Stores a new system. A designation already taken (ignoring case and normalisation, see
/// [`keys`]) is a `UniqueViolation` of `systems_designation_key`.
#[tracing::instrument(name = "db.systems.insert", skip_all, fields(designation = draft.designation.as_str()))]
pub async fn insert(db: &Db, draft: &SystemDraft) -> Result<i64> {
    let now = Utc::now().trunc_subsecs(6);
    let mut tx = db.begin().await?;
    let id = on_tx!(&mut tx, conn => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO systems (designation, designation_key, description, category, maker_id, variant_of_id, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(keys::nfc(&draft.designation))
        .bind(keys::key(&draft.designation))
        .bind(&draft.description)
        .bind(draft.category.as_str())
        .bind(draft.maker_id)
        .bind(draft.variant_of_id)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    audit::record(&mut tx, RecordKind::System, id, None).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves `draft` over system `id` if it is still at `version`.
#[tracing::instrument(name = "db.systems.update", skip(db, draft))]
pub async fn update(
    db: &Db,
    id: SystemId,
    version: Version,
    draft: &SystemDraft,
) -> Result<Versioned> {
    let (id, version) = (id.get(), version.get());
    let mut tx = db.begin().await?;
    let before: Option<(String, Option<i64>)> = on_tx!(&mut tx, conn => {
        sqlx::query_as("SELECT category, variant_of_id FROM systems WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .fetch_optional(conn)
            .await?
    });
    let Some((category, variant_of_id)) = before else {
        return Ok(if super::exists_in(&mut tx, "systems", id).await? {
            Versioned::Stale
        } else {
            Versioned::Missing
        });
    };
    let before = audit::snapshot(&mut tx, RecordKind::System, id).await?;
    // A new category or base system moves its lines between the summary's groups.
    let regroups = category != draft.category.as_str() || variant_of_id != draft.variant_of_id;
    if regroups {
        rollup::apply(&mut tx, Affected::System(id), -1).await?;
    }
    let now = Utc::now().trunc_subsecs(6);
    on_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE systems SET designation = $1, designation_key = $2, description = $3, category = $4, maker_id = $5, \
             variant_of_id = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9",
        )
        .bind(keys::nfc(&draft.designation))
        .bind(keys::key(&draft.designation))
        .bind(&draft.description)
        .bind(draft.category.as_str())
        .bind(draft.maker_id)
        .bind(draft.variant_of_id)
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(conn)
        .await?;
    });
    if regroups {
        rollup::apply(&mut tx, Affected::System(id), 1).await?;
    }
    audit::record(&mut tx, RecordKind::System, id, before).await?;
    tx.commit().await?;
    Ok(Versioned::Done)
}

/// What still refers to system `id`, as readable lines: a system with references cannot be
/// deleted.
#[tracing::instrument(name = "db.systems.references", skip(db))]
pub async fn references(db: &Db, id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> = on_db!(db, pool => {
        sqlx::query_as(
            "SELECT DISTINCT 'Contract “' || c.title || '” (a line)', lower(c.title) FROM contract_lines l \
                 JOIN contracts c ON c.id = l.contract_id WHERE l.system_id = $1 \
             UNION SELECT DISTINCT 'Framework agreement “' || a.title || '” (a ceiling line)', lower(a.title) FROM ceiling_lines l \
                 JOIN agreements a ON a.id = l.agreement_id WHERE l.system_id = $1 \
             UNION SELECT 'System “' || designation || '” (a variant of it)', lower(designation) FROM systems WHERE variant_of_id = $1 \
             ORDER BY 1",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(|(line, _)| line).collect())
}

#[tracing::instrument(name = "db.systems.delete", skip(db))]
pub async fn delete(db: &Db, id: SystemId, version: Version) -> Result<Deleted> {
    let (id, version) = (id.get(), version.get());
    super::delete_versioned(db, RecordKind::System, id, version).await
}
