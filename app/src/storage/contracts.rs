//! Queries on contracts, their lines and deliveries.

use super::args::{Args, bind_all, contains_pattern, labels_for};
use super::audit;
use super::provenance::{self, Owner, figure, money, partial_date};
use super::rollup::{self, Affected};
use super::{Db, Result, StorageError, Tx, on_db, on_tx};
use crate::domain::audit::RecordKind;
use crate::domain::filter::{ContractFilter, DealSort, PER_PAGE};
use crate::domain::register::{
    Contract, ContractDraft, ContractLine, ContractSummary, Delivery, Named, Page,
};
use crate::domain::summary::Level;
use crate::domain::{Category, Confidence, ContractStatus, CountryCode, Quantity};
use chrono::{DateTime, SubsecRound, Utc};

/// What storing a new contract can come to.
#[derive(Debug, PartialEq, Eq)]
pub enum ContractWrite {
    Done(i64),
    /// A contract under a framework has the framework's buyer.
    BuyerMismatch {
        agreement_buyer: CountryCode,
    },
    MissingAgreement,
}

fn country(code: &str) -> Result<CountryCode> {
    CountryCode::parse(code).map_err(StorageError::Corrupt)
}

fn named(id: Option<i64>, name: Option<String>) -> Option<Named> {
    id.zip(name).map(|(id, name)| Named { id, name })
}

/// Stores a contract with its lines, alternatives and sources in one transaction.
#[tracing::instrument(name = "db.contracts.insert", skip_all, fields(title = draft.title.as_str()))]
pub async fn insert(db: &Db, draft: &ContractDraft) -> Result<ContractWrite> {
    let mut tx = db.begin().await?;
    let written = insert_in(&mut tx, draft).await?;
    if matches!(written, ContractWrite::Done(_)) {
        tx.commit().await?;
    }
    Ok(written)
}

pub async fn insert_in(tx: &mut Tx, draft: &ContractDraft) -> Result<ContractWrite> {
    if let Err(refused) = check_agreement_buyer(tx, draft.agreement_id, draft.buyer).await? {
        return Ok(refused);
    }
    let now = Utc::now().trunc_subsecs(6);
    let value = draft.provenance.value.as_ref();
    let id: i64 = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO contracts (title, agreement_id, supplier_id, buyer_code, agency, signed_on, signed_year, status, \
             value_minor, value_currency, value_confidence, value_basis, delivery_period, local_production, notes, \
             version, created_at, updated_at, external_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16, $17) RETURNING id",
        )
        .bind(&draft.title)
        .bind(draft.agreement_id)
        .bind(draft.supplier_id)
        .bind(draft.buyer.as_str())
        .bind(&draft.agency)
        .bind(draft.signed_on.map(|d| d.to_string()))
        .bind(draft.signed_on.map(|d| d.year()))
        .bind(draft.status.as_str())
        .bind(value.map(|f| f.money.to_minor()))
        .bind(value.map(|f| f.money.currency().as_str()))
        .bind(value.map(|f| f.confidence.as_str()))
        .bind(value.map_or("", |f| f.basis.as_str()))
        .bind(&draft.delivery_period)
        .bind(&draft.local_production)
        .bind(&draft.notes)
        .bind(now)
        .bind(new_external_id())
        .fetch_one(conn)
        .await?
    });
    for (position, line) in draft.lines.iter().enumerate() {
        insert_line(tx, id, position, line).await?;
    }
    provenance::insert(tx, Owner::Contract(id), &draft.provenance).await?;
    super::rates::refresh_contract(tx, id).await?;
    rollup::apply(tx, Affected::Contract(id), 1).await?;
    audit::record(tx, RecordKind::Contract, id, None).await?;
    Ok(ContractWrite::Done(id))
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

/// What saving over a stored contract can come to. Everything but `Done` stored nothing.
#[derive(Debug, PartialEq, Eq)]
pub enum ContractEdit {
    Done,
    /// Someone saved the contract after the form was opened at this version.
    Stale,
    Missing,
    BuyerMismatch {
        agreement_buyer: CountryCode,
    },
    MissingAgreement,
    /// A line the form removed has deliveries recorded against it.
    LineDelivered {
        line_id: i64,
        delivered: i64,
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

/// The buyer of framework agreement `agreement_id`, checked against the contract's.
async fn check_agreement_buyer(
    tx: &mut Tx,
    agreement_id: Option<i64>,
    buyer: CountryCode,
) -> Result<std::result::Result<(), ContractWrite>> {
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
        None => Err(ContractWrite::MissingAgreement),
        Some(code) if code != buyer.as_str() => Err(ContractWrite::BuyerMismatch {
            agreement_buyer: country(&code)?,
        }),
        Some(_) => Ok(()),
    })
}

/// Saves `draft` over contract `id` if it is still at `version`: the contract, its lines
/// (stored lines keep their id and deliveries; new rows are added, removed rows deleted) and
/// its sources and alternatives, in one transaction.
#[tracing::instrument(name = "db.contracts.update", skip(db, draft))]
pub async fn update(db: &Db, id: i64, version: i64, draft: &ContractDraft) -> Result<ContractEdit> {
    let mut tx = db.begin().await?;
    let edit = update_in(&mut tx, id, version, draft).await?;
    if edit == ContractEdit::Done {
        tx.commit().await?;
    }
    Ok(edit)
}

/// [`update`] inside the caller's transaction (an import's). On anything but `Done` the
/// caller must roll back: the contract's totals were already taken out.
pub async fn update_in(
    tx: &mut Tx,
    id: i64,
    version: i64,
    draft: &ContractDraft,
) -> Result<ContractEdit> {
    match check_agreement_buyer(tx, draft.agreement_id, draft.buyer).await? {
        Ok(()) => {}
        Err(ContractWrite::BuyerMismatch { agreement_buyer }) => {
            return Ok(ContractEdit::BuyerMismatch { agreement_buyer });
        }
        Err(_) => return Ok(ContractEdit::MissingAgreement),
    }
    let before = audit::snapshot(tx, RecordKind::Contract, id).await?;
    // Its old figures leave the summary's totals; the saved ones go in at the end.
    rollup::apply(tx, Affected::Contract(id), -1).await?;
    let now = Utc::now().trunc_subsecs(6);
    let value = draft.provenance.value.as_ref();
    let updated: Option<i64> = on_tx!(tx, conn => {
        sqlx::query_scalar(
            "UPDATE contracts SET title = $1, agreement_id = $2, supplier_id = $3, buyer_code = $4, agency = $5, \
             signed_on = $6, signed_year = $7, status = $8, value_minor = $9, value_currency = $10, \
             value_confidence = $11, value_basis = $12, delivery_period = $13, local_production = $14, notes = $15, \
             version = version + 1, updated_at = $16 WHERE id = $17 AND version = $18 RETURNING id",
        )
        .bind(&draft.title)
        .bind(draft.agreement_id)
        .bind(draft.supplier_id)
        .bind(draft.buyer.as_str())
        .bind(&draft.agency)
        .bind(draft.signed_on.map(|d| d.to_string()))
        .bind(draft.signed_on.map(|d| d.year()))
        .bind(draft.status.as_str())
        .bind(value.map(|f| f.money.to_minor()))
        .bind(value.map(|f| f.money.currency().as_str()))
        .bind(value.map(|f| f.confidence.as_str()))
        .bind(value.map_or("", |f| f.basis.as_str()))
        .bind(&draft.delivery_period)
        .bind(&draft.local_production)
        .bind(&draft.notes)
        .bind(now)
        .bind(id)
        .bind(version)
        .fetch_optional(conn)
        .await?
    });
    if updated.is_none() {
        return Ok(if super::exists_in(tx, "contracts", id).await? {
            ContractEdit::Stale
        } else {
            ContractEdit::Missing
        });
    }

    // The stored lines and what has been delivered on each (read inside the transaction that
    // now holds the contract's row, so a concurrent edit waits or fails).
    let stored: Vec<(i64, i64)> = on_tx!(tx, conn => {
        sqlx::query_as("SELECT id, delivered_units FROM contract_lines WHERE contract_id = $1")
            .bind(id)
            .fetch_all(conn)
            .await?
    });
    for line in &draft.lines {
        let Some(line_id) = line.id else { continue };
        let Some((_, delivered)) = stored.iter().find(|(stored_id, _)| *stored_id == line_id)
        else {
            return Ok(ContractEdit::UnknownLine { line_id });
        };
        if let Some(quantity) = line.quantity
            && quantity.get() < *delivered
        {
            return Ok(ContractEdit::BelowDelivered {
                line_id,
                delivered: *delivered,
            });
        }
    }
    for (line_id, delivered) in &stored {
        let kept = draft.lines.iter().any(|l| l.id == Some(*line_id));
        if kept {
            continue;
        }
        if *delivered > 0 {
            return Ok(ContractEdit::LineDelivered {
                line_id: *line_id,
                delivered: *delivered,
            });
        }
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM contract_lines WHERE id = $1").bind(line_id).execute(conn).await?;
        });
    }
    // Positions are unique per contract: move the kept lines out of the way first.
    on_tx!(tx, conn => {
        sqlx::query("UPDATE contract_lines SET position = -1 - position WHERE contract_id = $1")
            .bind(id)
            .execute(conn)
            .await?;
    });
    for (position, line) in draft.lines.iter().enumerate() {
        match line.id {
            Some(line_id) => on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE contract_lines SET position = $1, system_id = $2, quantity = $3, quantity_confidence = $4, \
                     value_minor = $5, value_currency = $6, notes = $7 WHERE id = $8",
                )
                .bind(position as i64)
                .bind(line.system_id)
                .bind(line.quantity.map(|q| q.get()))
                .bind(line.quantity_confidence.as_str())
                .bind(line.value.map(|m| m.to_minor()))
                .bind(line.value.map(|m| m.currency().as_str()))
                .bind(&line.notes)
                .bind(line_id)
                .execute(conn)
                .await?;
            }),
            None => insert_line(tx, id, position, line).await?,
        }
    }
    provenance::replace(tx, Owner::Contract(id), &draft.provenance).await?;
    super::rates::refresh_contract(tx, id).await?;
    rollup::apply(tx, Affected::Contract(id), 1).await?;
    audit::record(tx, RecordKind::Contract, id, before).await?;
    Ok(ContractEdit::Done)
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

async fn insert_line(
    tx: &mut Tx,
    contract_id: i64,
    position: usize,
    line: &crate::domain::register::LineDraft,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO contract_lines (contract_id, position, system_id, quantity, quantity_confidence, value_minor, value_currency, notes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(contract_id)
        .bind(position as i64)
        .bind(line.system_id)
        .bind(line.quantity.map(|q| q.get()))
        .bind(line.quantity_confidence.as_str())
        .bind(line.value.map(|m| m.to_minor()))
        .bind(line.value.map(|m| m.currency().as_str()))
        .bind(&line.notes)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Deletes contract `id` (with its lines, deliveries and sources) if it is still at `version`.
#[tracing::instrument(name = "db.contracts.delete", skip(db))]
pub async fn delete(db: &Db, id: i64, version: i64) -> Result<super::Deleted> {
    let mut tx = db.begin().await?;
    // Its figures leave the summary's totals with it.
    rollup::apply(&mut tx, Affected::Contract(id), -1).await?;
    let deleted = super::delete_versioned_in(&mut tx, RecordKind::Contract, id, version).await?;
    if deleted == super::Deleted::Done {
        tx.commit().await?;
    }
    Ok(deleted)
}

/// The ids of a contract's lines, in order (for recording deliveries against them).
pub async fn line_ids(db: &Db, contract_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT id FROM contract_lines WHERE contract_id = $1 ORDER BY position")
            .bind(contract_id)
            .fetch_all(pool)
            .await?
    }))
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    id: i64,
    title: String,
    agreement_id: Option<i64>,
    agreement_title: Option<String>,
    supplier_id: Option<i64>,
    supplier_name: Option<String>,
    buyer_code: String,
    agency: String,
    signed_on: Option<String>,
    status: String,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    value_confidence: Option<String>,
    value_basis: String,
    delivery_period: String,
    local_production: String,
    notes: String,
    version: i64,
    updated_at: DateTime<Utc>,
    usd_minor: Option<i64>,
    rate_id: Option<i64>,
    rate_date: Option<String>,
    rate_nanos: Option<i64>,
    rate_source: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    system_id: i64,
    designation: String,
    category: String,
    quantity: Option<i64>,
    quantity_confidence: String,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    notes: String,
    delivered_units: i64,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    line_id: i64,
    delivered_on: String,
    units: i64,
    confidence: String,
    notes: String,
}

fn confidence(text: &str) -> Result<Confidence> {
    Confidence::parse(text).map_err(StorageError::Corrupt)
}

fn quantity(value: i64) -> Result<Quantity> {
    Quantity::new(value).map_err(StorageError::Corrupt)
}

#[tracing::instrument(name = "db.contracts.get", skip(db))]
pub async fn get(db: &Db, id: i64) -> Result<Option<Contract>> {
    let row = on_db!(db, pool => {
        sqlx::query_as::<_, ContractRow>(
            "SELECT c.id, c.title, c.agreement_id, a.title AS agreement_title, c.supplier_id, f.name AS supplier_name, \
             c.buyer_code, c.agency, c.signed_on, c.status, c.value_minor, c.value_currency, c.value_confidence, \
             c.value_basis, c.delivery_period, c.local_production, c.notes, c.version, c.updated_at, \
             c.usd_minor, r.id AS rate_id, r.rate_date, r.usd_nanos AS rate_nanos, r.source AS rate_source \
             FROM contracts c LEFT JOIN agreements a ON a.id = c.agreement_id LEFT JOIN firms f ON f.id = c.supplier_id \
             LEFT JOIN exchange_rates r ON r.id = c.usd_rate_id WHERE c.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    });
    let Some(row) = row else { return Ok(None) };
    let (lines, deliveries) = on_db!(db, pool => {
        let lines = sqlx::query_as::<_, LineRow>(
            "SELECT l.id, l.system_id, s.designation, s.category, l.quantity, l.quantity_confidence, \
             l.value_minor, l.value_currency, l.notes, l.delivered_units \
             FROM contract_lines l JOIN systems s ON s.id = l.system_id WHERE l.contract_id = $1 ORDER BY l.position",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        let deliveries = sqlx::query_as::<_, DeliveryRow>(
            "SELECT d.id, d.line_id, d.delivered_on, d.units, d.confidence, d.notes FROM deliveries d \
             JOIN contract_lines l ON l.id = d.line_id WHERE l.contract_id = $1 ORDER BY d.delivered_on, d.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        (lines, deliveries)
    });
    let value = figure(
        row.value_minor,
        row.value_currency.as_deref(),
        row.value_confidence.as_deref(),
        row.value_basis,
    )?;
    let provenance = provenance::load(db, Owner::Contract(id), value).await?;
    let usd = match row.usd_minor {
        None => None,
        Some(minor) => Some(crate::domain::rate::UsdValue {
            money: crate::domain::Money::from_minor(
                minor,
                crate::domain::CurrencyCode::parse("USD").map_err(StorageError::Corrupt)?,
            ),
            rate: match (row.rate_id, row.rate_date, row.rate_nanos) {
                (Some(id), Some(date), Some(nanos)) => Some(crate::domain::rate::RateRef {
                    id,
                    date: crate::domain::PartialDate::parse(&date)
                        .map_err(StorageError::Corrupt)?,
                    usd_per_unit: crate::domain::rate::from_nanos(nanos),
                    source: row.rate_source.unwrap_or_default(),
                }),
                _ => None,
            },
        }),
    };
    Ok(Some(Contract {
        id: row.id,
        title: row.title,
        agreement: named(row.agreement_id, row.agreement_title),
        supplier: named(row.supplier_id, row.supplier_name),
        buyer: country(&row.buyer_code)?,
        agency: row.agency,
        signed_on: partial_date(row.signed_on)?,
        status: ContractStatus::parse(&row.status).map_err(StorageError::Corrupt)?,
        provenance,
        delivery_period: row.delivery_period,
        local_production: row.local_production,
        lines: lines
            .into_iter()
            .map(|l| {
                Ok(ContractLine {
                    id: l.id,
                    system: Named {
                        id: l.system_id,
                        name: l.designation,
                    },
                    category: Category::parse(&l.category).map_err(StorageError::Corrupt)?,
                    quantity: l.quantity.map(quantity).transpose()?,
                    quantity_confidence: confidence(&l.quantity_confidence)?,
                    value: money(l.value_minor, l.value_currency.as_deref())?,
                    notes: l.notes,
                    delivered: l.delivered_units,
                })
            })
            .collect::<Result<_>>()?,
        deliveries: deliveries
            .into_iter()
            .map(|d| {
                Ok(Delivery {
                    id: d.id,
                    line_id: d.line_id,
                    delivered_on: partial_date(Some(d.delivered_on))?
                        .ok_or_else(|| StorageError::Corrupt("delivery without a date".into()))?,
                    units: quantity(d.units)?,
                    confidence: confidence(&d.confidence)?,
                    notes: d.notes,
                })
            })
            .collect::<Result<_>>()?,
        usd,
        notes: row.notes,
        version: row.version,
        updated_at: row.updated_at,
    }))
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    title: String,
    buyer_code: String,
    supplier_id: Option<i64>,
    supplier_name: Option<String>,
    agreement_id: Option<i64>,
    agreement_title: Option<String>,
    signed_on: Option<String>,
    status: String,
    value_minor: Option<i64>,
    value_currency: Option<String>,
    value_confidence: Option<String>,
    usd_minor: Option<i64>,
    units_ordered: i64,
    units_delivered: i64,
}

/// The WHERE clause of a filtered contract list, with its arguments.
pub(super) fn where_clause(filter: &ContractFilter, args: &mut Args) -> String {
    let mut clauses = vec!["1 = 1".to_owned()];
    if let Some(q) = &filter.q {
        let p = args.text(contains_pattern(q));
        clauses.push(format!(
            "(lower(c.title) LIKE {p} ESCAPE '\\' OR lower(COALESCE(f.name, '')) LIKE {p} ESCAPE '\\' \
             OR lower(c.agency) LIKE {p} ESCAPE '\\' OR lower(c.notes) LIKE {p} ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM contract_lines ql JOIN systems qs ON qs.id = ql.system_id \
                        WHERE ql.contract_id = c.id AND lower(qs.designation) LIKE {p} ESCAPE '\\'))"
        ));
    }
    if let Some(buyer) = filter.buyer {
        clauses.push(format!("c.buyer_code = {}", args.text(buyer.as_str())));
    }
    if let Some(supplier) = filter.supplier {
        clauses.push(format!("c.supplier_id = {}", args.int(supplier)));
    }
    if filter.no_supplier {
        clauses.push("c.supplier_id IS NULL".into());
    }
    if let Some(agreement) = filter.agreement {
        clauses.push(format!("c.agreement_id = {}", args.int(agreement)));
    }
    if let Some(system) = filter.system {
        let p = args.int(system);
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM contract_lines sl JOIN systems ss ON ss.id = sl.system_id \
             WHERE sl.contract_id = c.id AND (ss.id = {p} OR ss.variant_of_id = {p}))"
        ));
    }
    if let Some(category) = filter.category {
        let p = args.text(category.as_str());
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM contract_lines cl JOIN systems cs ON cs.id = cl.system_id \
             WHERE cl.contract_id = c.id AND cs.category = {p})"
        ));
    }
    if let Some(status) = filter.status {
        clauses.push(format!("c.status = {}", args.text(status.as_str())));
    }
    if filter.not_cancelled {
        clauses.push("c.status <> 'cancelled'".into());
    }
    if let Some(from) = filter.year_from {
        clauses.push(format!("c.signed_year >= {}", args.int(from.into())));
    }
    if let Some(to) = filter.year_to {
        clauses.push(format!("c.signed_year <= {}", args.int(to.into())));
    }
    if filter.undated {
        clauses.push("c.signed_year IS NULL".into());
    }
    if let Some(counted) = Level(filter.confidence).contract_confidences() {
        clauses.push(format!(
            "c.value_confidence IN ({})",
            confidences(counted, args)
        ));
    }
    clauses.join(" AND ")
}

/// `$n, $m` for the confidences `counted`.
fn confidences(counted: &[Confidence], args: &mut Args) -> String {
    let params: Vec<String> = counted.iter().map(|c| args.text(c.as_str())).collect();
    params.join(", ")
}

/// The condition on a contract's line (aliased `l`) for its units to count in a list row (and its
/// export's order) for `filter`: its quantity at the filter's level, and of the filter's system
/// (with its variants) or category. The summary adds up the same lines ([`Level`]).
pub(super) fn counted_lines(filter: &ContractFilter, args: &mut Args, l: &str) -> String {
    let mut clauses = Vec::new();
    let quantities = Level(filter.confidence).quantity_confidences();
    if quantities.len() < Confidence::ALL.len() {
        clauses.push(format!(
            "{l}.quantity_confidence IN ({})",
            confidences(quantities, args)
        ));
    }
    if let Some(system) = filter.system {
        let p = args.int(system);
        clauses.push(format!(
            "{l}.system_id IN (SELECT us.id FROM systems us WHERE us.id = {p} OR us.variant_of_id = {p})"
        ));
    }
    if let Some(category) = filter.category {
        let p = args.text(category.as_str());
        clauses.push(format!(
            "{l}.system_id IN (SELECT us.id FROM systems us WHERE us.category = {p})"
        ));
    }
    match clauses.is_empty() {
        true => "1 = 1".into(),
        false => clauses.join(" AND "),
    }
}

fn order_by(filter: &ContractFilter) -> String {
    order_by_with(filter, "units_ordered")
}

/// The list's order for a query without the `units_ordered` column (the CSV export).
pub(super) fn order_by_plain(filter: &ContractFilter, args: &mut Args) -> String {
    // Only a sort by units binds the lines' parameters (PostgreSQL refuses unused ones).
    let units = match filter.sort {
        DealSort::Units => format!(
            "(SELECT COALESCE(SUM(ul.quantity), 0) FROM contract_lines ul WHERE ul.contract_id = c.id AND {})",
            counted_lines(filter, args, "ul")
        ),
        _ => String::new(),
    };
    order_by_with(filter, &units)
}

fn order_by_with(filter: &ContractFilter, units_ordered: &str) -> String {
    let dir = if filter.descending { "DESC" } else { "ASC" };
    // NULLs last in both directions, on both backends: `(x IS NULL)` sorts false first.
    let key = match filter.sort {
        DealSort::Signed => format!("(c.signed_on IS NULL), c.signed_on {dir}"),
        DealSort::Title => format!("lower(c.title) {dir}"),
        DealSort::Buyer => format!("bc.name {dir}"),
        DealSort::Supplier => format!("(f.name IS NULL), lower(f.name) {dir}"),
        DealSort::Status => format!("c.status {dir}"),
        // By the USD equivalent: amounts in different currencies compare at their rates.
        DealSort::Value => format!("(c.usd_minor IS NULL), c.usd_minor {dir}"),
        DealSort::Units => format!("{units_ordered} {dir}"),
    };
    format!("{key}, c.id {dir}")
}

/// A page of contracts matching `filter`, sorted as it says.
#[tracing::instrument(name = "db.contracts.list", skip(db))]
pub async fn list(db: &Db, filter: &ContractFilter) -> Result<Page<ContractSummary>> {
    let from = "FROM contracts c JOIN countries bc ON bc.code = c.buyer_code \
                LEFT JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id";
    let mut args = Args::default();
    let where_sql = where_clause(filter, &mut args);
    let count_sql = format!("SELECT COUNT(*) {from} WHERE {where_sql}");
    let count_args = args.0.clone();

    let lines = counted_lines(filter, &mut args, "l");
    let limit = args.int(PER_PAGE.into());
    let offset = args.int((i64::from(filter.page.max(1)) - 1) * i64::from(PER_PAGE));
    let rows_sql = format!(
        "SELECT c.id, c.title, c.buyer_code, c.supplier_id, f.name AS supplier_name, c.agreement_id, \
         a.title AS agreement_title, c.signed_on, c.status, c.value_minor, c.value_currency, c.value_confidence, c.usd_minor, \
         CAST(COALESCE((SELECT SUM(l.quantity) FROM contract_lines l WHERE l.contract_id = c.id AND {lines}), 0) AS BIGINT) AS units_ordered, \
         CAST(COALESCE((SELECT SUM(l.delivered_units) FROM contract_lines l WHERE l.contract_id = c.id AND {lines}), 0) AS BIGINT) AS units_delivered \
         {from} WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        order = order_by(filter)
    );
    let (total, rows) = on_db!(db, pool => {
        let total: i64 = bind_all!(sqlx::query_scalar(&count_sql), count_args).fetch_one(pool).await?;
        let rows = bind_all!(sqlx::query_as::<_, SummaryRow>(&rows_sql), args.0).fetch_all(pool).await?;
        (total, rows)
    });
    let systems = system_names(db, rows.iter().map(|r| r.id).collect()).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            Ok(ContractSummary {
                systems: systems
                    .iter()
                    .filter(|(id, _)| *id == r.id)
                    .map(|(_, s)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                id: r.id,
                title: r.title,
                buyer: country(&r.buyer_code)?,
                supplier: named(r.supplier_id, r.supplier_name),
                agreement: named(r.agreement_id, r.agreement_title),
                signed_on: partial_date(r.signed_on)?,
                status: ContractStatus::parse(&r.status).map_err(StorageError::Corrupt)?,
                value: money(r.value_minor, r.value_currency.as_deref())?,
                value_confidence: r.value_confidence.as_deref().map(confidence).transpose()?,
                usd: money(r.usd_minor, r.usd_minor.map(|_| "USD"))?,
                units_ordered: r.units_ordered,
                units_delivered: r.units_delivered,
            })
        })
        .collect::<Result<_>>()?;
    Ok(Page {
        rows,
        total,
        page: filter.page.max(1),
        per_page: PER_PAGE,
    })
}

/// `(contract id, designation)` of every line of the given contracts, in line order.
async fn system_names(db: &Db, contract_ids: Vec<i64>) -> Result<Vec<(i64, String)>> {
    labels_for(
        db,
        "SELECT l.contract_id, s.designation FROM contract_lines l JOIN systems s ON s.id = l.system_id \
         WHERE l.contract_id IN ({ids}) ORDER BY l.contract_id, l.position",
        &contract_ids,
    )
    .await
}
