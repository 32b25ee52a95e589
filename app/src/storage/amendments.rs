//! The `amendments` tables: a signed contract's dated changes, each stored with the change it
//! made to the contract's own figures, in one transaction.

use super::audit;
use super::provenance::partial_date;
use super::rollup::{self, Affected};
use super::{Db, Result, StorageError, Tx, on_db, on_tx};
use crate::domain::amendment::{Amendment, AmendmentDraft, LineChange, MoneyChange};
use crate::domain::audit::RecordKind;
use crate::domain::register::SourceRef;
use crate::domain::{AmendmentKind, Confidence, CurrencyCode, PartialDate};
use chrono::{DateTime, SubsecRound, Utc};
use std::collections::HashMap;

/// The record an amendment is of: a contract (its lines, options and value) or a framework
/// agreement (its ceiling lines and value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amended {
    Contract(i64),
    Agreement(i64),
}

impl Amended {
    fn id(self) -> i64 {
        match self {
            Amended::Contract(id) | Amended::Agreement(id) => id,
        }
    }

    fn kind(self) -> RecordKind {
        match self {
            Amended::Contract(_) => RecordKind::Contract,
            Amended::Agreement(_) => RecordKind::Agreement,
        }
    }

    /// The record's table, the column that names it, its lines' table and the column of a
    /// change that names a line.
    fn tables(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Amended::Contract(_) => ("contracts", "contract_id", "contract_lines", "line_id"),
            Amended::Agreement(_) => ("agreements", "agreement_id", "ceiling_lines", "ceiling_id"),
        }
    }
}

/// What came of recording an amendment. Nothing is stored unless `Done`.
#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    Done {
        id: i64,
    },
    /// The record is gone.
    Missing,
    /// A changed line is not (or no longer) the record's.
    UnknownLine {
        line_id: i64,
    },
}

/// Records `draft` against `record` and applies its changes to the record's figures (its value,
/// and each changed line's quantity, options and exercised options), in one transaction that
/// also moves the summary's totals and the US dollar equivalent (of a contract), the record's
/// version (an edit form opened before it must not save the old figures back) and the audit
/// trail. The schema's checks refuse a change that a write in between made invalid (units
/// below what is delivered, more options exercised than remain): that is a
/// [`StorageError::CheckViolation`], and nothing is stored.
#[tracing::instrument(name = "db.amendments.record", skip(db, draft))]
pub async fn record(db: &Db, record: Amended, draft: &AmendmentDraft) -> Result<Recorded> {
    let (_, owner_column, _, change_column) = record.tables();
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, record.kind(), record.id()).await?;
    if before.is_none() {
        return Ok(Recorded::Missing);
    }
    let now = Utc::now().trunc_subsecs(6);
    let value_change = draft.value_change.map(|c| c.minor());
    if let Some(line_id) = unknown_line(&mut tx, record, &draft.changes).await? {
        return Ok(Recorded::UnknownLine { line_id });
    }
    apply(
        &mut tx,
        record,
        value_change.unwrap_or(0),
        &draft.changes,
        1,
    )
    .await?;
    let insert = format!(
        "INSERT INTO amendments ({owner_column}, amended_on, amended_year, kind, reason, value_change_minor, \
         value_currency, confidence, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    );
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(&insert)
            .bind(record.id())
            .bind(draft.amended_on.to_string())
            .bind(draft.amended_on.year())
            .bind(draft.kind.as_str())
            .bind(draft.reason.as_str())
            .bind(value_change)
            .bind(draft.value_change.map(|c| c.currency().as_str()))
            .bind(draft.confidence.as_str())
            .bind(now)
            .fetch_one(conn)
            .await?
    });
    let insert_change = format!(
        "INSERT INTO amendment_changes (amendment_id, {change_column}, units_change, options_change, exercised) \
         VALUES ($1, $2, $3, $4, $5)"
    );
    for change in &draft.changes {
        on_tx!(&mut tx, conn => {
            sqlx::query(&insert_change)
                .bind(id)
                .bind(change.line_id)
                .bind(change.units)
                .bind(change.options)
                .bind(change.exercised)
                .execute(conn)
                .await?;
        });
    }
    for (position, source) in draft.sources.iter().enumerate() {
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO amendment_sources (amendment_id, position, title, publisher, url, published_on) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(&source.title)
            .bind(&source.publisher)
            .bind(source.url.as_deref())
            .bind(source.published_on.map(|d| d.to_string()))
            .execute(conn)
            .await?;
        });
    }
    finish(&mut tx, record).await?;
    audit::record(&mut tx, RecordKind::Amendment, id, None).await?;
    audit::record(&mut tx, record.kind(), record.id(), before).await?;
    tx.commit().await?;
    Ok(Recorded::Done { id })
}

/// Adds (`sign` 1) or takes back out (`sign` -1) a value change and line changes on `record`,
/// moving its version; a contract's figures first leave the summary's totals ([`finish`]
/// puts them back).
async fn apply(
    tx: &mut Tx,
    record: Amended,
    value_change: i64,
    changes: &[LineChange],
    sign: i64,
) -> Result<()> {
    let (table, ..) = record.tables();
    if let Amended::Contract(id) = record {
        rollup::apply(tx, Affected::Contract(id), -1).await?;
    }
    let update = format!(
        "UPDATE {table} SET version = version + 1, updated_at = $1, \
         value_minor = value_minor + $2 WHERE id = $3"
    );
    on_tx!(tx, conn => {
        sqlx::query(&update)
            .bind(Utc::now().trunc_subsecs(6))
            .bind(sign * value_change)
            .bind(record.id())
            .execute(conn)
            .await?;
    });
    for change in changes {
        match record {
            Amended::Contract(id) => on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE contract_lines SET quantity = quantity + $1, option_units = option_units + $2, \
                     exercised_units = exercised_units + $3 WHERE id = $4 AND contract_id = $5",
                )
                .bind(sign * change.quantity_change())
                .bind(sign * change.options_change())
                .bind(sign * change.exercised)
                .bind(change.line_id)
                .bind(id)
                .execute(conn)
                .await?;
            }),
            // A ceiling line has no options: its changes are of units only.
            Amended::Agreement(id) => on_tx!(tx, conn => {
                sqlx::query("UPDATE ceiling_lines SET quantity = quantity + $1 WHERE id = $2 AND agreement_id = $3")
                    .bind(sign * change.units)
                    .bind(change.line_id)
                    .bind(id)
                    .execute(conn)
                    .await?;
            }),
        }
    }
    Ok(())
}

/// The first of `changes`' lines that is not `record`'s.
async fn unknown_line(tx: &mut Tx, record: Amended, changes: &[LineChange]) -> Result<Option<i64>> {
    let (_, owner_column, lines, _) = record.tables();
    let sql = format!("SELECT COUNT(*) FROM {lines} WHERE id = $1 AND {owner_column} = $2");
    for change in changes {
        let found: i64 = on_tx!(tx, conn => {
            sqlx::query_scalar(&sql).bind(change.line_id).bind(record.id()).fetch_one(conn).await?
        });
        if found == 0 {
            return Ok(Some(change.line_id));
        }
    }
    Ok(None)
}

/// What follows a change of a contract's figures: its USD equivalent again, and its figures
/// back in the summary's totals.
async fn finish(tx: &mut Tx, record: Amended) -> Result<()> {
    if let Amended::Contract(id) = record {
        super::rates::refresh_contract(tx, id).await?;
        rollup::apply(tx, Affected::Contract(id), 1).await?;
    }
    Ok(())
}

/// Deletes amendment `id` of `record` and takes its changes back out of the record's figures,
/// in one transaction. False when there is no such amendment. Refused by the schema's checks
/// (a [`StorageError::CheckViolation`]) when the figures without it would be invalid, e.g. its
/// units are delivered since.
#[tracing::instrument(name = "db.amendments.delete", skip(db))]
pub async fn delete(db: &Db, record: Amended, id: i64) -> Result<bool> {
    let Some(amendment) = of(db, record, &[record.id()])
        .await?
        .remove(&record.id())
        .and_then(|list| list.into_iter().find(|a| a.id == id))
    else {
        return Ok(false);
    };
    let mut tx = db.begin().await?;
    let before = audit::snapshot(&mut tx, record.kind(), record.id()).await?;
    let amendment_before = audit::snapshot(&mut tx, RecordKind::Amendment, id).await?;
    if before.is_none() || amendment_before.is_none() {
        return Ok(false);
    }
    let value_change = amendment.value_change.map_or(0, |c| c.minor());
    apply(&mut tx, record, value_change, &amendment.changes, -1).await?;
    on_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM amendments WHERE id = $1").bind(id).execute(conn).await?;
    });
    finish(&mut tx, record).await?;
    audit::record(&mut tx, RecordKind::Amendment, id, amendment_before).await?;
    audit::record(&mut tx, record.kind(), record.id(), before).await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct AmendmentRow {
    id: i64,
    owner_id: i64,
    amended_on: String,
    kind: String,
    reason: String,
    value_change_minor: Option<i64>,
    value_currency: Option<String>,
    confidence: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    amendment_id: i64,
    line_id: i64,
    position: i64,
    designation: String,
    units_change: i64,
    options_change: i64,
    exercised: i64,
}

#[derive(sqlx::FromRow)]
struct SourceRow {
    amendment_id: i64,
    title: String,
    publisher: String,
    url: Option<String>,
    published_on: Option<String>,
}

fn corrupt(message: String) -> StorageError {
    StorageError::Corrupt(message)
}

/// The amendments of contracts `ids`, each contract's oldest first (by date, then as recorded).
pub async fn for_contracts(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<Amendment>>> {
    of(db, Amended::Contract(0), ids).await
}

/// The amendments of agreement `id`, oldest first.
pub async fn for_agreement(db: &Db, id: i64) -> Result<Vec<Amendment>> {
    Ok(of(db, Amended::Agreement(id), &[id])
        .await?
        .remove(&id)
        .unwrap_or_default())
}

/// The amendments of the records `ids` of `kind`'s kind (its id is not read), by record.
async fn of(db: &Db, kind: Amended, ids: &[i64]) -> Result<HashMap<i64, Vec<Amendment>>> {
    let (_, owner, lines, change_column) = kind.tables();
    let mut found: HashMap<i64, Vec<Amendment>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let mut args = super::args::Args::default();
        let list: Vec<String> = chunk.iter().map(|id| args.int(*id)).collect();
        let list = list.join(", ");
        let amendments_sql = format!(
            "SELECT id, {owner} AS owner_id, amended_on, kind, reason, value_change_minor, value_currency, confidence, created_at \
             FROM amendments WHERE {owner} IN ({list}) ORDER BY {owner}, amended_on, id"
        );
        let changes_sql = format!(
            "SELECT ac.amendment_id, ac.{change_column} AS line_id, CAST(l.position AS BIGINT) AS position, s.designation, \
             ac.units_change, ac.options_change, ac.exercised \
             FROM amendment_changes ac JOIN amendments a ON a.id = ac.amendment_id \
             JOIN {lines} l ON l.id = ac.{change_column} JOIN systems s ON s.id = l.system_id \
             WHERE a.{owner} IN ({list}) ORDER BY ac.amendment_id, l.position"
        );
        let sources_sql = format!(
            "SELECT src.amendment_id, src.title, src.publisher, src.url, src.published_on \
             FROM amendment_sources src JOIN amendments a ON a.id = src.amendment_id \
             WHERE a.{owner} IN ({list}) ORDER BY src.amendment_id, src.position"
        );
        let (rows, changes, sources) = on_db!(db, pool => {
            use super::args::bind_all;
            let rows = bind_all!(sqlx::query_as::<_, AmendmentRow>(&amendments_sql), args.0.clone()).fetch_all(pool).await?;
            let changes = bind_all!(sqlx::query_as::<_, ChangeRow>(&changes_sql), args.0.clone()).fetch_all(pool).await?;
            let sources = bind_all!(sqlx::query_as::<_, SourceRow>(&sources_sql), args.0.clone()).fetch_all(pool).await?;
            (rows, changes, sources)
        });
        let mut changes_of: HashMap<i64, Vec<LineChange>> = HashMap::new();
        for c in changes {
            changes_of
                .entry(c.amendment_id)
                .or_default()
                .push(LineChange {
                    line_id: c.line_id,
                    position: c.position,
                    system: c.designation,
                    units: c.units_change,
                    options: c.options_change,
                    exercised: c.exercised,
                });
        }
        let mut sources_of: HashMap<i64, Vec<SourceRef>> = HashMap::new();
        for s in sources {
            sources_of
                .entry(s.amendment_id)
                .or_default()
                .push(SourceRef {
                    title: s.title,
                    publisher: s.publisher,
                    url: s.url,
                    published_on: partial_date(s.published_on)?,
                });
        }
        for row in rows {
            let value_change = match (row.value_change_minor, row.value_currency.as_deref()) {
                (Some(minor), Some(code)) => Some(MoneyChange::from_minor(
                    minor,
                    CurrencyCode::parse(code).map_err(corrupt)?,
                )),
                _ => None,
            };
            found.entry(row.owner_id).or_default().push(Amendment {
                id: row.id,
                amended_on: PartialDate::parse(&row.amended_on).map_err(corrupt)?,
                kind: AmendmentKind::parse(&row.kind).map_err(corrupt)?,
                reason: row.reason,
                value_change,
                confidence: Confidence::parse(&row.confidence).map_err(corrupt)?,
                changes: changes_of.remove(&row.id).unwrap_or_default(),
                sources: sources_of.remove(&row.id).unwrap_or_default(),
                recorded_at: row.created_at,
            });
        }
    }
    Ok(found)
}

/// One amendment in the export, with the contract it amends.
pub struct ExportedAmendment {
    pub contract_ref: Option<String>,
    pub contract_title: String,
    pub buyer_code: String,
    pub amendment: Amendment,
}

/// Amendments of the contracts matching `filter`, by date then as recorded, `limit` after
/// `after` (the last one's date and id).
pub async fn export_page(
    db: &Db,
    filter: &crate::domain::filter::ContractFilter,
    after: Option<(String, i64)>,
    limit: i64,
) -> Result<Vec<ExportedAmendment>> {
    let mut args = super::args::Args::default();
    let mut where_sql = super::contracts::where_clause(filter, &mut args);
    if let Some((date, id)) = after {
        let date = args.text(date);
        let id = args.int(id);
        where_sql = format!(
            "({where_sql}) AND (a.amended_on > {date} OR (a.amended_on = {date} AND a.id > {id}))"
        );
    }
    let limit = args.int(limit);
    let sql = format!(
        "SELECT a.id, a.contract_id, c.external_id, c.title, c.buyer_code FROM amendments a \
         JOIN contracts c ON c.id = a.contract_id WHERE {where_sql} ORDER BY a.amended_on, a.id LIMIT {limit}"
    );
    let rows: Vec<(i64, i64, Option<String>, String, String)> = on_db!(db, pool => {
        use super::args::bind_all;
        bind_all!(sqlx::query_as(&sql), args.0).fetch_all(pool).await?
    });
    let mut contracts: Vec<i64> = rows.iter().map(|r| r.1).collect();
    contracts.sort_unstable();
    contracts.dedup();
    let mut loaded = for_contracts(db, &contracts).await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(id, contract_id, contract_ref, contract_title, buyer_code)| {
                let list = loaded.get_mut(&contract_id)?;
                let at = list.iter().position(|a| a.id == id)?;
                Some(ExportedAmendment {
                    contract_ref,
                    contract_title,
                    buyer_code,
                    amendment: list.swap_remove(at),
                })
            },
        )
        .collect())
}
