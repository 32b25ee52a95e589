//! Streaming reads for CSV exports. Rows come from the database while the file is written and
//! go out a batch at a time through a channel of two batches: a million-contract export holds
//! a few thousand contracts in memory, and when the reader goes away (a download cancelled) the
//! send fails and the query is dropped with the stream.
//!
//! The contract export is the one read that differs by backend: the same SELECT, but on SQLite
//! read by [`sqlite`] on a blocking thread (see there why), on PostgreSQL streamed by sqlx.

mod sqlite;

use super::args::{Args, bind_all};
use super::{Db, Result, on_db};
use crate::domain::filter::ContractFilter;
use crate::domain::register::Provenance;
use futures_util::TryStreamExt;
use std::collections::HashMap;
use tokio::sync::mpsc::Sender;

/// Contracts per batch: each batch costs two provenance queries (sources, other values), so
/// big enough that their round trips and planning do not count (about 4 MB of rows per batch,
/// three or four batches in flight).
const BATCH: usize = 4096;

/// The columns of [`contracts_sql`], in order: [`ContractLineRow`]'s fields.
pub const LINE_COLUMNS: [&str; 29] = [
    "id",
    "external_id",
    "title",
    "buyer_code",
    "buyer_name",
    "supplier_name",
    "agreement_title",
    "agency",
    "signed_on",
    "status",
    "value_minor",
    "value_currency",
    "value_confidence",
    "value_basis",
    "usd_minor",
    "rate_nanos",
    "rate_date",
    "position",
    "designation",
    "category",
    "quantity",
    "quantity_confidence",
    "line_value_minor",
    "line_currency",
    "delivered_units",
    "line_notes",
    "delivery_period",
    "local_production",
    "notes",
];

/// Builds a [`ContractLineRow`] from a row of [`contracts_sql`] by column position (the order
/// of [`LINE_COLUMNS`], checked once per export): `$row.$get(i)?` is the driver's getter.
/// By position, not by name: a name lookup per value was a tenth of the PostgreSQL export.
macro_rules! line_row {
    ($row:ident . $get:ident) => {
        ContractLineRow {
            id: $row.$get(0)?,
            external_id: $row.$get(1)?,
            title: $row.$get(2)?,
            buyer_code: $row.$get(3)?,
            buyer_name: $row.$get(4)?,
            supplier_name: $row.$get(5)?,
            agreement_title: $row.$get(6)?,
            agency: $row.$get(7)?,
            signed_on: $row.$get(8)?,
            status: $row.$get(9)?,
            value_minor: $row.$get(10)?,
            value_currency: $row.$get(11)?,
            value_confidence: $row.$get(12)?,
            value_basis: $row.$get(13)?,
            usd_minor: $row.$get(14)?,
            rate_nanos: $row.$get(15)?,
            rate_date: $row.$get(16)?,
            position: $row.$get(17)?,
            designation: $row.$get(18)?,
            category: $row.$get(19)?,
            quantity: $row.$get(20)?,
            quantity_confidence: $row.$get(21)?,
            line_value_minor: $row.$get(22)?,
            line_currency: $row.$get(23)?,
            delivered_units: $row.$get(24)?,
            line_notes: $row.$get(25)?,
            delivery_period: $row.$get(26)?,
            local_production: $row.$get(27)?,
            notes: $row.$get(28)?,
        }
    };
}
use line_row;

/// Refuses an export query whose columns are not [`LINE_COLUMNS`] in order.
fn check_columns<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let names: Vec<&str> = names.into_iter().collect();
    if names == LINE_COLUMNS {
        Ok(())
    } else {
        Err(super::StorageError::Corrupt(format!(
            "the export query's columns are {names:?}, its reader expects {LINE_COLUMNS:?}"
        )))
    }
}

/// One row of the contract export: a contract line with its contract's fields (a contract
/// without lines has one row whose line fields are empty).
#[derive(Debug)]
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

/// Groups the export's rows (one per line, a contract's lines together) into batches of
/// [`BATCH`] whole contracts.
#[derive(Default)]
struct Batcher {
    batch: Vec<ExportedContract>,
}

impl Batcher {
    /// Adds a row; answers a full batch once the contract after it starts.
    fn push(&mut self, row: ContractLineRow) -> Option<Vec<ExportedContract>> {
        if let Some(last) = self.batch.last_mut()
            && last.rows[0].id == row.id
        {
            last.rows.push(row);
            return None;
        }
        let full = (self.batch.len() == BATCH).then(|| self.finish());
        self.batch.push(ExportedContract {
            rows: vec![row],
            provenance: Provenance::default(),
        });
        full
    }

    /// The last, possibly partial, batch.
    fn finish(&mut self) -> Vec<ExportedContract> {
        std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH))
    }
}

/// Gives each contract of `batch` its provenance from `loaded` (as `provenance::assemble`
/// answers it).
fn attach_provenance(batch: &mut [ExportedContract], loaded: Vec<(i64, Provenance)>) {
    let mut loaded: HashMap<i64, Provenance> = loaded.into_iter().collect();
    for contract in batch {
        if let Some(provenance) = loaded.remove(&contract.rows[0].id) {
            contract.provenance = provenance;
        }
    }
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
    match db {
        Db::Sqlite(pool) => {
            let path = pool.connect_options().get_filename().to_owned();
            tokio::task::spawn_blocking(move || sqlite::contracts(&path, &sql, &args, &out))
                .await??;
        }
        Db::Postgres(pool) => {
            // Two stages, side by side: the lines stream in while the previous batch's
            // provenance is read on a second connection (one after the other, the main query
            // stalled at every batch).
            let (full, mut batches) = tokio::sync::mpsc::channel::<Vec<ExportedContract>>(1);
            let reading = async move {
                use sqlx::{Column, Row};
                let mut rows = bind_all!(sqlx::query(&sql), args.0).fetch(pool);
                let mut batcher = Batcher::default();
                let mut checked = false;
                while let Some(row) = rows.try_next().await? {
                    if !checked {
                        check_columns(row.columns().iter().map(|c| c.name()))?;
                        checked = true;
                    }
                    if let Some(batch) = batcher.push(line_row!(row.try_get))
                        && full.send(batch).await.is_err()
                    {
                        return Ok::<_, super::StorageError>(());
                    }
                }
                let _ = full.send(batcher.finish()).await;
                Ok(())
            };
            let completing = async move {
                while let Some(batch) = batches.recv().await {
                    if !send(db, &out, batch).await? {
                        break;
                    }
                }
                // Dropping `batches` here stops the reading at its next send.
                Ok::<_, super::StorageError>(())
            };
            tokio::try_join!(reading, completing)?;
        }
    }
    Ok(())
}

/// Adds the batch's provenance and sends it; false when the reader is gone.
async fn send(
    db: &Db,
    out: &Sender<Vec<ExportedContract>>,
    mut batch: Vec<ExportedContract>,
) -> Result<bool> {
    if batch.is_empty() {
        return Ok(true);
    }
    let ids: Vec<i64> = batch.iter().map(|c| c.rows[0].id).collect();
    attach_provenance(
        &mut batch,
        super::provenance::load_contracts(db, &ids).await?,
    );
    Ok(out.send(batch).await.is_ok())
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
