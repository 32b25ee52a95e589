//! Queries on contracts: storing and saving over them here, their lines in [`lines`], reading
//! one in [`read`], and the filtered list in [`list`].

mod lines;
mod list;
mod read;

pub use lines::line_ids;
pub use list::Read;
pub use list::{COUNT_CAP, KeysetPart, count, keyset_ids_sql, list, page_ids_sql};
pub(super) use list::{counted_lines, order_by, where_clause};
pub use read::get;

use super::args::{Args, bind_all};
use super::audit;
use super::outlook;
use super::provenance::{self, Owner};
use super::rollup::{self, Affected};
use super::{Db, Result, StorageError, Tx, on_db, on_tx};
use super::{Inserted, Versioned};
use crate::domain::audit::RecordKind;
use crate::domain::register::{ContractDraft, Named};
use crate::domain::{ContractId, CountryCode, Version};
use chrono::{SubsecRound, Utc};

/// Why a contract's rules refuse a write. Nothing was stored.
#[derive(Debug, PartialEq, Eq)]
pub enum ContractRefusal {
    /// A contract under a framework has the framework's buyer.
    BuyerMismatch {
        agreement_buyer: CountryCode,
    },
    MissingAgreement,
    /// A line the form removed has deliveries recorded against it.
    LineDelivered {
        line_id: i64,
        delivered: i64,
    },
    /// A line the form removed has amendments recorded against it.
    LineAmended {
        line_id: i64,
        amendments: i64,
    },
    /// A line's new quantity is below what has already been delivered on it.
    BelowDelivered {
        line_id: i64,
        delivered: i64,
    },
    /// The form names a line that is not (or no longer) this contract's.
    UnknownLine {
        line_id: i64,
    },
}

fn country(code: &str) -> Result<CountryCode> {
    CountryCode::parse(code).map_err(StorageError::Corrupt)
}

fn named(id: Option<i64>, name: Option<String>) -> Option<Named> {
    id.zip(name).map(|(id, name)| Named { id, name })
}

/// Stores a contract with its lines, alternatives and sources in one transaction.
#[tracing::instrument(name = "db.contracts.insert", skip_all, fields(title = draft.title.as_str()))]
pub async fn insert(db: &Db, draft: &ContractDraft) -> Result<Inserted<ContractRefusal>> {
    let mut tx = db.begin().await?;
    let written = insert_in(&mut tx, draft).await?;
    if matches!(written, Inserted::Done(_)) {
        tx.commit().await?;
    }
    Ok(written)
}

pub async fn insert_in(tx: &mut Tx, draft: &ContractDraft) -> Result<Inserted<ContractRefusal>> {
    if let Err(refused) = check_agreement_buyer(tx, draft.agreement_id, draft.buyer).await? {
        return Ok(Inserted::Refused(refused));
    }
    let now = Utc::now().trunc_subsecs(6);
    let value = draft.provenance.value.as_ref();
    let outlook = outlook::binds(&draft.outlook);
    let id: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO contracts (title, agreement_id, supplier_id, buyer_code, agency, signed_on, signed_year, status, \
             value_minor, value_currency, value_confidence, value_basis, delivery_period, local_production, notes, \
             version, created_at, updated_at, external_id, \
             likely_signed_on, probability, probability_confidence, probability_basis, lapsed_reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16, $17, \
             $18, $19, $20, $21, $22) RETURNING id",
        )
        .bind(draft.title.as_str())
        .bind(draft.agreement_id)
        .bind(draft.supplier_id)
        .bind(draft.buyer.as_str())
        .bind(draft.agency.as_str())
        .bind(draft.signed_on.map(|d| d.to_string()))
        .bind(draft.counted_year())
        .bind(draft.status.as_str())
        .bind(value.map(|f| f.money.to_minor()))
        .bind(value.map(|f| f.money.currency().as_str()))
        .bind(value.map(|f| f.confidence.as_str()))
        .bind(value.map_or("", |f| f.basis.as_str()))
        .bind(draft.delivery_period.as_str())
        .bind(draft.local_production.as_str())
        .bind(draft.notes.as_str())
        .bind(now)
        .bind(new_external_id())
        .bind(outlook.0.clone())
        .bind(outlook.1)
        .bind(outlook.2)
        .bind(outlook.3)
        .bind(outlook.4)
        .fetch_one(conn)
        .await?
    });
    for (position, line) in draft.lines.iter().enumerate() {
        lines::insert(tx, id, position, line).await?;
    }
    provenance::insert(tx, Owner::Contract(id), &draft.provenance).await?;
    super::rates::refresh_contract(tx, id).await?;
    rollup::apply(tx, Affected::Contract(id), 1).await?;
    audit::record(tx, RecordKind::Contract, id, None).await?;
    Ok(Inserted::Done(id))
}

/// A new contract's external id (`c-` and 32 hex digits): what its CSV rows carry, so that a
/// file imported again updates it instead of adding a copy. The prefix keeps a spreadsheet
/// from reading an id of digits (or digits and one `e`) as a number and rounding it.
pub fn new_external_id() -> String {
    format!("c-{}", uuid::Uuid::new_v4().simple())
}

/// Gives contract `id` the external id of the CSV row it was imported from.
pub async fn set_external_id(tx: &mut Tx, id: i64, external_id: &str) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query("UPDATE contracts SET external_id = $1 WHERE id = $2")
            .bind(external_id)
            .bind(id)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// The buyer of framework agreement `agreement_id`, checked against the contract's.
async fn check_agreement_buyer(
    tx: &mut Tx,
    agreement_id: Option<i64>,
    buyer: CountryCode,
) -> Result<std::result::Result<(), ContractRefusal>> {
    let Some(agreement_id) = agreement_id else {
        return Ok(Ok(()));
    };
    let agreement_buyer: Option<String> = on_tx!(tx, conn => {
        sqlx::query_scalar("SELECT buyer_code FROM agreements WHERE id = $1")
            .bind(agreement_id)
            .fetch_optional(conn)
            .await?
    });
    Ok(match agreement_buyer {
        None => Err(ContractRefusal::MissingAgreement),
        Some(code) if code != buyer.as_str() => Err(ContractRefusal::BuyerMismatch {
            agreement_buyer: country(&code)?,
        }),
        Some(_) => Ok(()),
    })
}

/// Saves `draft` over contract `id` if it is still at `version`: the contract, its lines
/// (stored lines keep their id and deliveries; new rows are added, removed rows deleted) and
/// its sources and alternatives, in one transaction.
#[tracing::instrument(name = "db.contracts.update", skip(db, draft))]
pub async fn update(
    db: &Db,
    id: ContractId,
    version: Version,
    draft: &ContractDraft,
) -> Result<Versioned<ContractRefusal>> {
    let mut tx = db.begin().await?;
    let edit = update_in(&mut tx, id, version, draft).await?;
    if edit == Versioned::Done {
        tx.commit().await?;
    }
    Ok(edit)
}

/// [`update`] inside the caller's transaction (an import's). On anything but `Done` the
/// caller must roll back: the contract's totals were already taken out.
pub async fn update_in(
    tx: &mut Tx,
    id: ContractId,
    version: Version,
    draft: &ContractDraft,
) -> Result<Versioned<ContractRefusal>> {
    let (id, version) = (id.get(), version.get());
    if let Err(refused) = check_agreement_buyer(tx, draft.agreement_id, draft.buyer).await? {
        return Ok(Versioned::Refused(refused));
    }
    let before = audit::snapshot(tx, RecordKind::Contract, id).await?;
    // Its old figures leave the summary's totals; the saved ones go in at the end.
    rollup::apply(tx, Affected::Contract(id), -1).await?;
    if !update_row(tx, id, version, draft).await? {
        return Ok(if super::exists_in(tx, "contracts", id).await? {
            Versioned::Stale
        } else {
            Versioned::Missing
        });
    }
    if let Some(refused) = lines::replace(tx, id, &draft.lines).await? {
        return Ok(Versioned::Refused(refused));
    }
    provenance::replace(tx, Owner::Contract(id), &draft.provenance).await?;
    super::rates::refresh_contract(tx, id).await?;
    rollup::apply(tx, Affected::Contract(id), 1).await?;
    audit::record(tx, RecordKind::Contract, id, before).await?;
    Ok(Versioned::Done)
}

/// Saves the contract's own row over version `version`; false when it is not (or no longer)
/// at that version.
async fn update_row(tx: &mut Tx, id: i64, version: i64, draft: &ContractDraft) -> Result<bool> {
    let now = Utc::now().trunc_subsecs(6);
    let value = draft.provenance.value.as_ref();
    let outlook = outlook::binds(&draft.outlook);
    let updated: Option<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "UPDATE contracts SET title = $1, agreement_id = $2, supplier_id = $3, buyer_code = $4, agency = $5, \
             signed_on = $6, signed_year = $7, status = $8, value_minor = $9, value_currency = $10, \
             value_confidence = $11, value_basis = $12, delivery_period = $13, local_production = $14, notes = $15, \
             version = version + 1, updated_at = $16, likely_signed_on = $19, probability = $20, \
             probability_confidence = $21, probability_basis = $22, lapsed_reason = $23 \
             WHERE id = $17 AND version = $18 RETURNING id",
        )
        .bind(draft.title.as_str())
        .bind(draft.agreement_id)
        .bind(draft.supplier_id)
        .bind(draft.buyer.as_str())
        .bind(draft.agency.as_str())
        .bind(draft.signed_on.map(|d| d.to_string()))
        .bind(draft.counted_year())
        .bind(draft.status.as_str())
        .bind(value.map(|f| f.money.to_minor()))
        .bind(value.map(|f| f.money.currency().as_str()))
        .bind(value.map(|f| f.confidence.as_str()))
        .bind(value.map_or("", |f| f.basis.as_str()))
        .bind(draft.delivery_period.as_str())
        .bind(draft.local_production.as_str())
        .bind(draft.notes.as_str())
        .bind(now)
        .bind(id)
        .bind(version)
        .bind(outlook.0.clone())
        .bind(outlook.1)
        .bind(outlook.2)
        .bind(outlook.3)
        .bind(outlook.4)
        .fetch_optional(conn)
        .await?
    });
    Ok(updated.is_some())
}

/// `(external id, id, version)` of the stored contracts among `external_ids`.
pub async fn by_external_ids(db: &Db, external_ids: &[String]) -> Result<Vec<(String, i64, i64)>> {
    let mut found = Vec::new();
    for chunk in external_ids.chunks(500) {
        let mut args = Args::default();
        let placeholders: Vec<String> = chunk.iter().map(|e| args.text(e.clone())).collect();
        let sql = format!(
            "SELECT external_id, id, version FROM contracts WHERE external_id IN ({})",
            placeholders.join(", ")
        );
        let rows: Vec<(String, i64, i64)> = on_db!(db, pool => {
            bind_all!(sqlx::query_as(&sql), args.0).fetch_all(pool).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

/// Deletes contract `id` (with its lines, deliveries and sources) if it is still at `version`.
#[tracing::instrument(name = "db.contracts.delete", skip(db))]
pub async fn delete(db: &Db, id: ContractId, version: Version) -> Result<super::Deleted> {
    let (id, version) = (id.get(), version.get());
    let mut tx = db.begin().await?;
    // Its figures leave the summary's totals with it.
    rollup::apply(&mut tx, Affected::Contract(id), -1).await?;
    let deleted = super::delete_versioned_in(&mut tx, RecordKind::Contract, id, version).await?;
    if deleted == super::Deleted::Done {
        tx.commit().await?;
    }
    Ok(deleted)
}
