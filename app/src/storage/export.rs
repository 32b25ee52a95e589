//! Streaming reads for CSV exports. Rows come from the database while the file is written and
//! go out a batch at a time through a channel of two batches: a million-contract export holds
//! a few hundred contracts in memory, and when the reader goes away (a download cancelled) the
//! send fails and the query is dropped with the stream.

use super::args::{Args, bind_all};
use super::{Db, Result, on_db};
use crate::domain::filter::ContractFilter;
use crate::domain::register::Provenance;
use futures_util::TryStreamExt;
use tokio::sync::mpsc::Sender;

/// Contracts per batch: each batch costs two provenance queries (sources, other values), so
/// big enough that their round trips do not count (a few MB of rows in memory at most).
const BATCH: usize = 2048;

/// One row of the contract export: a contract line with its contract's fields (a contract
/// without lines has one row whose line fields are empty).
#[derive(Debug, sqlx::FromRow)]
pub struct ContractLineRow {
    pub id: i64,
    pub external_id: Option<String>,
    pub title: String,
    pub buyer_code: String,
    pub buyer_name: String,
    pub supplier_name: Option<String>,
    pub agreement_title: Option<String>,
    pub agency: String,
    pub signed_on: Option<String>,
    pub status: String,
    pub value_minor: Option<i64>,
    pub value_currency: Option<String>,
    pub value_confidence: Option<String>,
    pub value_basis: String,
    pub usd_minor: Option<i64>,
    pub rate_nanos: Option<i64>,
    pub rate_date: Option<String>,
    pub position: Option<i64>,
    pub designation: Option<String>,
    pub category: Option<String>,
    pub quantity: Option<i64>,
    pub quantity_confidence: Option<String>,
    pub line_value_minor: Option<i64>,
    pub line_currency: Option<String>,
    pub delivered_units: Option<i64>,
    pub line_notes: Option<String>,
    pub delivery_period: String,
    pub local_production: String,
    pub notes: String,
}

/// A contract of the export: its rows, in line order, and its sources and other figures.
#[derive(Debug)]
pub struct ExportedContract {
    pub rows: Vec<ContractLineRow>,
    pub provenance: Provenance,
}

/// The SQL of the contract export for `filter`, with its arguments: the contract list's own
/// WHERE clause and order, one row per line.
pub fn contracts_sql(filter: &ContractFilter) -> (String, Args) {
    let mut args = Args::default();
    let where_sql = super::contracts::where_clause(filter, &mut args);
    let sql = format!(
        "SELECT c.id, c.external_id, c.title, c.buyer_code, bc.name AS buyer_name, f.name AS supplier_name, \
         a.title AS agreement_title, c.agency, c.signed_on, c.status, c.value_minor, c.value_currency, \
         c.value_confidence, c.value_basis, c.usd_minor, r.usd_nanos AS rate_nanos, r.rate_date, \
         CAST(l.position AS BIGINT) AS position, s.designation, s.category, l.quantity, l.quantity_confidence, \
         l.value_minor AS line_value_minor, l.value_currency AS line_currency, l.delivered_units, \
         l.notes AS line_notes, c.delivery_period, c.local_production, c.notes \
         FROM contracts c JOIN countries bc ON bc.code = c.buyer_code \
         LEFT JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id \
         LEFT JOIN exchange_rates r ON r.id = c.usd_rate_id \
         LEFT JOIN contract_lines l ON l.contract_id = c.id LEFT JOIN systems s ON s.id = l.system_id \
         WHERE {where_sql} ORDER BY {order}, l.position",
        order = super::contracts::order_by_plain(filter),
    );
    (sql, args)
}

/// Sends the contracts matching `filter`, in its order, to `out` in batches. Stops early,
/// without an error, when `out` is closed.
#[tracing::instrument(name = "db.export.contracts", skip(db, out))]
pub async fn contracts(
    db: &Db,
    filter: &ContractFilter,
    out: Sender<Vec<ExportedContract>>,
) -> Result<()> {
    let (sql, args) = contracts_sql(filter);
    on_db!(db, pool => {
        let mut rows = bind_all!(sqlx::query_as::<_, ContractLineRow>(&sql), args.0).fetch(pool);
        let mut batch: Vec<ExportedContract> = Vec::with_capacity(BATCH + 1);
        while let Some(row) = rows.try_next().await? {
            match batch.last_mut() {
                Some(last) if last.rows[0].id == row.id => last.rows.push(row),
                _ => {
                    // The previous contract is complete: a full batch can go.
                    if batch.len() == BATCH && !send(db, &out, &mut batch).await? {
                        return Ok(());
                    }
                    batch.push(ExportedContract { rows: vec![row], provenance: Provenance::default() });
                }
            }
        }
        send(db, &out, &mut batch).await?;
    });
    Ok(())
}

/// Adds the batch's provenance and sends it; false when the reader is gone.
async fn send(
    db: &Db,
    out: &Sender<Vec<ExportedContract>>,
    batch: &mut Vec<ExportedContract>,
) -> Result<bool> {
    if batch.is_empty() {
        return Ok(true);
    }
    let ids: Vec<i64> = batch.iter().map(|c| c.rows[0].id).collect();
    for (id, provenance) in super::provenance::load_contracts(db, &ids).await? {
        if let Some(contract) = batch.iter_mut().find(|c| c.rows[0].id == id) {
            contract.provenance = provenance;
        }
    }
    let full = std::mem::replace(batch, Vec::with_capacity(BATCH + 1));
    Ok(out.send(full).await.is_ok())
}

/// One row of the deliveries export.
#[derive(Debug, sqlx::FromRow)]
pub struct DeliveryExportRow {
    pub delivered_on: String,
    pub units: i64,
    pub confidence: String,
    pub notes: String,
    pub contract_external_id: Option<String>,
    pub contract_title: String,
    pub buyer_code: String,
    pub position: i64,
    pub designation: String,
}

/// Sends the deliveries matching `filter`, in the deliveries list's order, to `out` in batches.
#[tracing::instrument(name = "db.export.deliveries", skip(db, out))]
pub async fn deliveries(
    db: &Db,
    filter: &ContractFilter,
    out: Sender<Vec<DeliveryExportRow>>,
) -> Result<()> {
    let mut args = Args::default();
    let from = super::deliveries::from_where(filter, &mut args);
    let sql = format!(
        "SELECT d.delivered_on, d.units, d.confidence, d.notes, c.external_id AS contract_external_id, \
         c.title AS contract_title, c.buyer_code, CAST(l.position AS BIGINT) AS position, s.designation {from} ORDER BY {order}",
        order = super::deliveries::order_by(filter)
    );
    on_db!(db, pool => {
        let mut rows = bind_all!(sqlx::query_as::<_, DeliveryExportRow>(&sql), args.0).fetch(pool);
        let mut batch = Vec::with_capacity(BATCH * 4);
        while let Some(row) = rows.try_next().await? {
            batch.push(row);
            if batch.len() == BATCH * 4 {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH * 4));
                if out.send(full).await.is_err() {
                    return Ok(());
                }
            }
        }
        if !batch.is_empty() {
            let _ = out.send(batch).await;
        }
    });
    Ok(())
}
