//! Queries on `firms`. One small instrumented function per query, each written once for both
//! backends.

use super::{Db, Deleted, Result, StorageError, Tx, Versioned, on_db, on_tx};
use super::{audit, keys};
use crate::domain::audit::RecordKind;
use crate::domain::{CountryCode, Firm, FirmDraft, FirmId, Version};
use chrono::{DateTime, SubsecRound, Utc};

/// A row as stored; converted into the wire type [`Firm`] by parsing its country code.
#[derive(Debug, sqlx::FromRow)]
struct FirmRow {
    id: i64,
    name: String,
    country_code: String,
    website: Option<String>,
    notes: String,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl TryFrom<FirmRow> for Firm {
    type Error = StorageError;
    fn try_from(row: FirmRow) -> Result<Self> {
        let country = CountryCode::parse(&row.country_code)
            .map_err(|e| StorageError::Corrupt(format!("firm {}: {e}", row.id)))?;
        Ok(Firm {
            id: row.id,
            name: row.name,
            country,
            website: row.website,
            notes: row.notes,
            version: row.version,
            updated_at: row.updated_at,
        })
    }
}

const COLUMNS: &str = "id, name, country_code, website, notes, version, updated_at";

/// Microseconds are what PostgreSQL keeps; rounding here makes both backends return the same.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn into_firms(rows: Vec<FirmRow>) -> Result<Vec<Firm>> {
    rows.into_iter().map(Firm::try_from).collect()
}

/// All firms, by name (case-insensitive).
#[tracing::instrument(name = "db.firms.list", skip(db))]
pub async fn list(db: &Db) -> Result<Vec<Firm>> {
    let sql = format!("SELECT {COLUMNS} FROM firms ORDER BY lower(name), id");
    let rows = on_db!(db, pool => sqlx::query_as::<_, FirmRow>(&sql).fetch_all(pool).await?);
    into_firms(rows)
}

#[tracing::instrument(name = "db.firms.get", skip(db))]
pub async fn get(db: &Db, id: i64) -> Result<Option<Firm>> {
    let sql = format!("SELECT {COLUMNS} FROM firms WHERE id = $1");
    let row = on_db!(db, pool => {
        sqlx::query_as::<_, FirmRow>(&sql).bind(id).fetch_optional(pool).await?
    });
    row.map(Firm::try_from).transpose()
}

#[tracing::instrument(name = "db.firms.count", skip(db))]
pub async fn count(db: &Db) -> Result<i64> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM firms").fetch_one(pool).await?
    }))
}

/// Stores a new firm. A name already taken (ignoring case and normalisation, see
/// [`keys`]) is a `UniqueViolation` of `firms_name_key`.
#[tracing::instrument(name = "db.firms.insert", skip_all, fields(name = draft.name.as_str()))]
pub async fn insert(db: &Db, draft: &FirmDraft) -> Result<Firm> {
    let sql = format!(
        "INSERT INTO firms (name, name_key, country_code, website, notes, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING {COLUMNS}"
    );
    let now = now();
    let mut tx = db.begin().await?;
    let row = on_tx!(&mut tx, pool => {
        sqlx::query_as::<_, FirmRow>(&sql)
            .bind(keys::nfc(draft.name.as_str()))
            .bind(keys::key(draft.name.as_str()))
            .bind(draft.country.as_str())
            .bind(draft.website.as_ref().map(|w| w.as_str()))
            .bind(draft.notes.as_str())
            .bind(now)
            .fetch_one(pool)
            .await?
    });
    let firm: Firm = row.try_into()?;
    audit::record(&mut tx, RecordKind::Firm, firm.id, None).await?;
    tx.commit().await?;
    Ok(firm)
}

/// Saves `draft` over firm `id` only if it is still at `version`.
#[tracing::instrument(name = "db.firms.update", skip(db, draft))]
pub async fn update(db: &Db, id: FirmId, version: Version, draft: &FirmDraft) -> Result<Versioned> {
    let (id, version) = (id.get(), version.get());
    let sql = "UPDATE firms SET name = $1, name_key = $2, country_code = $3, website = $4, notes = $5, \
         version = version + 1, updated_at = $6 \
         WHERE id = $7 AND version = $8 RETURNING id";
    let now = now();
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, RecordKind::Firm, id).await?;
    let row: Option<i64> = on_tx!(&mut tx, pool => {
        sqlx::query_scalar(sql)
            .bind(keys::nfc(draft.name.as_str()))
            .bind(keys::key(draft.name.as_str()))
            .bind(draft.country.as_str())
            .bind(draft.website.as_ref().map(|w| w.as_str()))
            .bind(draft.notes.as_str())
            .bind(now)
            .bind(id)
            .bind(version)
            .fetch_optional(pool)
            .await?
    });
    match row {
        Some(_) => {
            audit::record(&mut tx, RecordKind::Firm, id, before).await?;
            tx.commit().await?;
            Ok(Versioned::Done)
        }
        None => stale_or_missing(&mut tx, id).await,
    }
}

/// Deletes firm `id` only if it is still at `version`.
#[tracing::instrument(name = "db.firms.delete", skip(db))]
pub async fn delete(db: &Db, id: FirmId, version: Version) -> Result<Deleted> {
    let (id, version) = (id.get(), version.get());
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, RecordKind::Firm, id).await?;
    let deleted = on_tx!(&mut tx, pool => {
        sqlx::query("DELETE FROM firms WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .execute(pool)
            .await?
            .rows_affected()
    });
    if deleted == 1 {
        audit::record(&mut tx, RecordKind::Firm, id, before).await?;
        tx.commit().await?;
        Ok(Deleted::Done)
    } else {
        Ok(match stale_or_missing(&mut tx, id).await? {
            Versioned::Stale => Deleted::Stale,
            _ => Deleted::Missing,
        })
    }
}

/// A versioned write to firm `id` that matched no row: someone saved it since, or it is gone.
async fn stale_or_missing(tx: &mut Tx, id: i64) -> Result<Versioned> {
    Ok(if super::exists_in(tx, "firms", id).await? {
        Versioned::Stale
    } else {
        Versioned::Missing
    })
}

/// Sets the parent group of a firm (Hanwha Aerospace → Hanwha).
#[tracing::instrument(name = "db.firms.set_parent", skip(db))]
pub async fn set_parent(db: &Db, id: i64, parent_id: Option<i64>) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, RecordKind::Firm, id).await?;
    on_tx!(&mut tx, pool => {
        sqlx::query("UPDATE firms SET parent_id = $1 WHERE id = $2")
            .bind(parent_id)
            .bind(id)
            .execute(pool)
            .await?;
    });
    audit::record(&mut tx, RecordKind::Firm, id, before).await?;
    tx.commit().await
}

/// Sets the parent group of firm `id` only if it is still at `version`.
#[tracing::instrument(name = "db.firms.change_parent", skip(db))]
pub async fn change_parent(
    db: &Db,
    id: FirmId,
    version: Version,
    parent_id: Option<i64>,
) -> Result<Versioned> {
    let (id, version) = (id.get(), version.get());
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, RecordKind::Firm, id).await?;
    let changed = on_tx!(&mut tx, pool => {
        sqlx::query("UPDATE firms SET parent_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
            .bind(parent_id)
            .bind(now())
            .bind(id)
            .bind(version)
            .execute(pool)
            .await?
            .rows_affected()
    });
    if changed == 1 {
        audit::record(&mut tx, RecordKind::Firm, id, before).await?;
        tx.commit().await?;
        Ok(Versioned::Done)
    } else {
        stale_or_missing(&mut tx, id).await
    }
}

/// Every firm's id by its name's [`keys::key`], for matching names typed elsewhere (an import).
#[tracing::instrument(name = "db.firms.ids_by_key", skip(db))]
pub async fn ids_by_key(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT name_key, id FROM firms WHERE name_key IS NOT NULL")
            .fetch_all(pool)
            .await?
    }))
}

/// The parent of each firm that has one, as `(firm, parent)`.
pub async fn parents(db: &Db) -> Result<Vec<(i64, i64)>> {
    Ok(on_db!(db, pool => {
        sqlx::query_as("SELECT id, parent_id FROM firms WHERE parent_id IS NOT NULL")
            .fetch_all(pool)
            .await?
    }))
}

/// What still refers to firm `id`, as readable lines ("Contract “K2 executive contract #1”
/// (supplier)"): a firm with references cannot be deleted.
#[tracing::instrument(name = "db.firms.references", skip(db))]
pub async fn references(db: &Db, id: i64) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> = on_db!(db, pool => {
        sqlx::query_as(
            "SELECT 'System “' || designation || '” (maker)', lower(designation) FROM systems WHERE maker_id = $1 \
             UNION ALL SELECT 'Contract “' || title || '” (supplier)', lower(title) FROM contracts WHERE supplier_id = $1 \
             UNION ALL SELECT 'Framework agreement “' || a.title || '” (supplier)', lower(a.title) FROM agreement_suppliers s \
                 JOIN agreements a ON a.id = s.agreement_id WHERE s.firm_id = $1 \
             UNION ALL SELECT 'Firm “' || name || '” (parent group)', lower(name) FROM firms WHERE parent_id = $1 \
             ORDER BY 1",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(|(line, _)| line).collect())
}

/// The parent group of firm `id` and the firms that belong to it.
#[tracing::instrument(name = "db.firms.family", skip(db))]
pub async fn family(db: &Db, id: i64) -> Result<crate::domain::register::Family> {
    use crate::domain::register::{Family, Named};
    type IdName = (i64, String);
    let (parent, members): (Option<IdName>, Vec<IdName>) = on_db!(db, pool => {
        let parent = sqlx::query_as(
            "SELECT p.id, p.name FROM firms f JOIN firms p ON p.id = f.parent_id WHERE f.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?;
        let members = sqlx::query_as("SELECT id, name FROM firms WHERE parent_id = $1 ORDER BY lower(name)")
            .bind(id)
            .fetch_all(pool)
            .await?;
        (parent, members)
    });
    let named = |(id, name): (i64, String)| Named { id, name };
    Ok(Family {
        parent: parent.map(named),
        members: members.into_iter().map(named).collect(),
    })
}
