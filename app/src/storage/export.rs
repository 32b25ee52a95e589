//! Streaming reads for CSV exports. Rows come from the database while the file is written and
//! go out a batch at a time through a channel of two batches: a million-contract export holds
//! a few thousand contracts in memory, and when the reader goes away (a download cancelled) the
//! send fails and the query is dropped with the stream.
//!
//! The contract export is the one read that differs by backend: the same SELECT, but on SQLite
//! read by [`sqlite`] on a blocking thread (see there why), on PostgreSQL streamed by sqlx
//! ([`postgres`]). Both hand their rows to [`ContractLineRow::read`] as borrowed values.

mod postgres;
mod sqlite;

use super::args::{Args, bind_all};
use super::{Backend, Db, Result, on_db};
use crate::domain::filter::ContractFilter;
use crate::domain::register::Provenance;
use futures_util::TryStreamExt;
use std::collections::HashMap;
use tokio::sync::mpsc::Sender;

/// Contracts per batch: each batch costs two provenance queries (sources, other values), so
/// big enough that their round trips and planning do not count (about 5 MB of rows per batch;
/// the channel to the writer holds two, and one is read while another is written).
const BATCH: usize = 4096;

/// Declares the export query's columns once: the [`Col`] enum (a column's position),
/// [`LINE_COLUMNS`] (their names, in the order of [`contracts_sql`]) and their kinds.
macro_rules! line_columns {
    ($($col:ident = $name:literal $kind:ident),* $(,)?) => {
        /// A column of the contract export's query, by position.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Col { $($col),* }

        /// The columns of [`contracts_sql`], in order.
        pub const LINE_COLUMNS: [&str; [$(Col::$col),*].len()] = [$($name),*];

        /// What each column of [`LINE_COLUMNS`] holds.
        const LINE_KINDS: [Kind; LINE_COLUMNS.len()] = [$(Kind::$kind),*];
    };
}

line_columns! {
    Id = "id" Int,
    ExternalId = "external_id" Text,
    Title = "title" Text,
    BuyerCode = "buyer_code" Text,
    BuyerName = "buyer_name" Text,
    SupplierName = "supplier_name" Text,
    AgreementTitle = "agreement_title" Text,
    Agency = "agency" Text,
    SignedOn = "signed_on" Text,
    Status = "status" Text,
    ExpectedSigning = "likely_signed_on" Text,
    Probability = "probability" Int,
    ProbabilityConfidence = "probability_confidence" Text,
    ProbabilityBasis = "probability_basis" Text,
    LapsedReason = "lapsed_reason" Text,
    ValueMinor = "value_minor" Int,
    ValueCurrency = "value_currency" Text,
    ValueConfidence = "value_confidence" Text,
    ValueBasis = "value_basis" Text,
    UsdMinor = "usd_minor" Int,
    RateNanos = "rate_nanos" Int,
    RateDate = "rate_date" Text,
    Position = "position" Int,
    Designation = "designation" Text,
    Category = "category" Text,
    Quantity = "quantity" Int,
    QuantityConfidence = "quantity_confidence" Text,
    LineValueMinor = "line_value_minor" Int,
    LineCurrency = "line_currency" Text,
    DeliveredUnits = "delivered_units" Int,
    OptionUnits = "option_units" Int,
    ExercisedUnits = "exercised_units" Int,
    LineNotes = "line_notes" Text,
    DeliveryPeriod = "delivery_period" Text,
    LocalProduction = "local_production" Text,
    Notes = "notes" Text,
}

/// What a column of the export query holds: a 64-bit integer or text (either may be NULL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
}

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

/// A value of the export query as a driver hands it over, borrowed from its row.
pub(super) enum Value<'r> {
    Null,
    Int(i64),
    Text(&'r str),
}

/// One value of a [`ContractLineRow`].
#[derive(Clone, Copy, Debug)]
enum Cell {
    Null,
    Int(i64),
    /// The value's bytes in the row's text.
    Text {
        start: u32,
        end: u32,
    },
}

/// One row of the contract export: a contract line with its contract's fields (a contract
/// without lines has one row whose line fields are empty). Its texts share one buffer: a
/// million-row export would otherwise allocate (and free, on another thread) some fifteen
/// million small strings.
#[derive(Debug)]
pub struct ContractLineRow {
    text: String,
    cells: [Cell; LINE_COLUMNS.len()],
}

impl ContractLineRow {
    /// Builds a row from its values in [`LINE_COLUMNS`] order, as `value(i)` reads them from
    /// the driver's row. A value of the wrong kind for its column is refused.
    pub(super) fn read<'r, E: Into<super::StorageError>>(
        mut value: impl FnMut(usize) -> std::result::Result<Value<'r>, E>,
    ) -> Result<Self> {
        let mut row = ContractLineRow {
            text: String::with_capacity(256),
            cells: [Cell::Null; LINE_COLUMNS.len()],
        };
        for (at, kind) in LINE_KINDS.iter().enumerate() {
            row.cells[at] = match (value(at).map_err(Into::into)?, kind) {
                (Value::Null, _) => Cell::Null,
                (Value::Int(n), Kind::Int) => Cell::Int(n),
                (Value::Text(text), Kind::Text) => {
                    let start = row.text.len();
                    row.text.push_str(text);
                    let offset = |n: usize| {
                        u32::try_from(n).map_err(|_| {
                            super::StorageError::Corrupt("an export row over 4 GiB".into())
                        })
                    };
                    Cell::Text {
                        start: offset(start)?,
                        end: offset(row.text.len())?,
                    }
                }
                _ => {
                    return Err(super::StorageError::Corrupt(format!(
                        "the export query's column {} is not {kind:?}",
                        LINE_COLUMNS[at]
                    )));
                }
            };
        }
        if row.int(Col::Id).is_none() {
            return Err(super::StorageError::Corrupt(
                "an export row without a contract id".into(),
            ));
        }
        Ok(row)
    }

    /// The contract's id.
    pub fn id(&self) -> i64 {
        self.int(Col::Id).unwrap_or_default()
    }

    /// The integer in `col`; None when NULL (or `col` holds text).
    pub fn int(&self, col: Col) -> Option<i64> {
        match self.cells[col as usize] {
            Cell::Int(n) => Some(n),
            _ => None,
        }
    }

    /// The text in `col`; None when NULL (or `col` holds a number).
    pub fn opt_text(&self, col: Col) -> Option<&str> {
        match self.cells[col as usize] {
            Cell::Text { start, end } => self.text.get(start as usize..end as usize),
            _ => None,
        }
    }

    /// The text in `col`, empty when NULL.
    pub fn text(&self, col: Col) -> &str {
        self.opt_text(col).unwrap_or_default()
    }
}

/// A contract of the export: its rows, in line order, and its sources and other figures.
#[derive(Debug)]
pub struct ExportedContract {
    pub rows: Vec<ContractLineRow>,
    pub provenance: Provenance,
    /// Its lines' delivery plans, by line position and period.
    pub plans: Vec<ExportedPlan>,
}

/// A row of an exported contract line's delivery plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportedPlan {
    pub contract_id: i64,
    pub position: i64,
    pub period: String,
    pub units: i64,
    pub confidence: String,
    pub source: String,
    pub source_url: Option<String>,
}

/// The delivery plans of the contracts `ids` (the same text on both backends: integers in the
/// SQL cannot inject anything).
fn plans_sql(ids: &[i64]) -> String {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!(
        "SELECT l.contract_id, CAST(l.position AS BIGINT) AS position, p.period, p.units, p.confidence, p.source, p.source_url \
         FROM delivery_plans p JOIN contract_lines l ON l.id = p.line_id WHERE l.contract_id IN ({}) \
         ORDER BY l.contract_id, l.position, p.ends_on, p.starts_on, p.position",
        ids.join(", ")
    )
}

/// Gives each contract of `batch` its plans from `loaded`.
fn attach_plans(batch: &mut [ExportedContract], loaded: Vec<ExportedPlan>) {
    let mut by_contract: HashMap<i64, Vec<ExportedPlan>> = HashMap::new();
    for plan in loaded {
        by_contract.entry(plan.contract_id).or_default().push(plan);
    }
    for contract in batch {
        if let Some(plans) = by_contract.remove(&contract.rows[0].id()) {
            contract.plans = plans;
        }
    }
}

/// The SQL of the contract export for `filter` on `backend`, with its arguments: the contract
/// list's own WHERE clause and order, one row per line.
pub fn contracts_sql(filter: &ContractFilter, backend: Backend) -> (String, Args) {
    let read = match backend {
        Backend::Sqlite => super::contracts::Read::SortedOnSqlite,
        Backend::Postgres => super::contracts::Read::OffAnIndex,
    };
    let mut args = Args::default();
    let where_sql = super::contracts::where_clause(filter, &mut args);
    let sql = format!(
        "SELECT c.id, c.external_id, c.title, c.buyer_code, bc.name AS buyer_name, f.name AS supplier_name, \
         a.title AS agreement_title, c.agency, c.signed_on, c.status, c.likely_signed_on, CAST(c.probability AS BIGINT) AS probability, \
         c.probability_confidence, c.probability_basis, c.lapsed_reason, c.value_minor, c.value_currency, \
         c.value_confidence, c.value_basis, c.usd_minor, r.usd_nanos AS rate_nanos, r.rate_date, \
         CAST(l.position AS BIGINT) AS position, s.designation, s.category, l.quantity, l.quantity_confidence, \
         l.value_minor AS line_value_minor, l.value_currency AS line_currency, l.delivered_units, l.option_units, l.exercised_units, \
         l.notes AS line_notes, c.delivery_period, c.local_production, c.notes \
         FROM contracts c JOIN countries bc ON bc.code = c.buyer_code \
         LEFT JOIN firms f ON f.id = c.supplier_id LEFT JOIN agreements a ON a.id = c.agreement_id \
         LEFT JOIN exchange_rates r ON r.id = c.usd_rate_id \
         LEFT JOIN contract_lines l ON l.contract_id = c.id LEFT JOIN systems s ON s.id = l.system_id \
         WHERE {where_sql} ORDER BY {order}, l.position",
        order = super::contracts::order_by(filter, &mut args, read),
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
            && last.rows[0].id() == row.id()
        {
            last.rows.push(row);
            return None;
        }
        let full = (self.batch.len() == BATCH)
            .then(|| std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH)));
        self.batch.push(ExportedContract {
            rows: vec![row],
            provenance: Provenance::default(),
            plans: Vec::new(),
        });
        full
    }

    /// The last, possibly partial, batch; None when nothing matched (so no provenance is
    /// read for no contracts).
    fn finish(self) -> Option<Vec<ExportedContract>> {
        (!self.batch.is_empty()).then_some(self.batch)
    }
}

/// The contract ids of a batch, in its order: what its provenance is read for.
fn contract_ids(batch: &[ExportedContract]) -> Vec<i64> {
    batch.iter().map(|c| c.rows[0].id()).collect()
}

/// Gives each contract of `batch` its provenance from `loaded` (as `provenance::assemble`
/// answers it).
fn attach_provenance(batch: &mut [ExportedContract], loaded: Vec<(i64, Provenance)>) {
    let mut loaded: HashMap<i64, Provenance> = loaded.into_iter().collect();
    for contract in batch {
        if let Some(provenance) = loaded.remove(&contract.rows[0].id()) {
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
    let (sql, args) = contracts_sql(filter, db.backend());
    match db {
        Db::Sqlite(pool) => {
            let path = pool.connect_options().get_filename().to_owned();
            tokio::task::spawn_blocking(move || sqlite::contracts(&path, &sql, &args, &out))
                .await??;
        }
        Db::Postgres(pool) => postgres::contracts(db, pool, &sql, args, out).await?,
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: &[Value<'_>]) -> Result<ContractLineRow> {
        ContractLineRow::read(|at| {
            Ok::<_, super::super::StorageError>(match values.get(at) {
                Some(Value::Int(n)) => Value::Int(*n),
                Some(Value::Text(t)) => Value::Text(t),
                _ => Value::Null,
            })
        })
    }

    #[test]
    fn a_row_keeps_each_value_in_its_column() {
        let mut values: Vec<Value> = LINE_KINDS.iter().map(|_| Value::Null).collect();
        values[Col::Id as usize] = Value::Int(7);
        values[Col::Title as usize] = Value::Text("K2 tanks, lot 1");
        values[Col::BuyerCode as usize] = Value::Text("PL");
        values[Col::ValueMinor as usize] = Value::Int(-1_234_567);
        values[Col::Notes as usize] = Value::Text("");
        let row = row(&values).unwrap();
        assert_eq!(row.id(), 7);
        assert_eq!(row.text(Col::Title), "K2 tanks, lot 1");
        assert_eq!(row.text(Col::BuyerCode), "PL");
        assert_eq!(row.int(Col::ValueMinor), Some(-1_234_567));
        assert_eq!(row.opt_text(Col::Notes), Some(""));
        assert_eq!(row.opt_text(Col::SupplierName), None);
        assert_eq!(row.text(Col::SupplierName), "");
        assert_eq!(row.int(Col::Quantity), None);
    }

    #[test]
    fn a_value_of_the_wrong_kind_or_a_row_without_id_is_refused() {
        let mut values: Vec<Value> = LINE_KINDS.iter().map(|_| Value::Null).collect();
        assert!(matches!(
            row(&values),
            Err(super::super::StorageError::Corrupt(_))
        ));
        values[Col::Id as usize] = Value::Int(1);
        values[Col::Quantity as usize] = Value::Text("12");
        let refused = row(&values).unwrap_err().to_string();
        assert!(refused.contains("quantity"), "{refused}");
    }

    fn line_of(id: i64) -> ContractLineRow {
        let mut values: Vec<Value> = LINE_KINDS.iter().map(|_| Value::Null).collect();
        values[Col::Id as usize] = Value::Int(id);
        row(&values).unwrap()
    }

    #[test]
    fn batches_hold_whole_contracts_and_an_empty_export_has_none() {
        assert!(Batcher::default().finish().is_none());
        let mut batcher = Batcher::default();
        let mut full = Vec::new();
        // BATCH contracts of two lines each, then one more contract.
        for id in 0..=BATCH as i64 {
            for _ in 0..2 {
                full.extend(batcher.push(line_of(id)));
            }
        }
        assert_eq!(full.len(), 1);
        assert_eq!(
            contract_ids(&full[0]),
            (0..BATCH as i64).collect::<Vec<_>>()
        );
        assert!(full[0].iter().all(|c| c.rows.len() == 2));
        let last = batcher.finish().unwrap();
        assert_eq!(contract_ids(&last), vec![BATCH as i64]);
        assert_eq!(last[0].rows.len(), 2);
    }

    #[test]
    fn the_column_names_follow_the_query() {
        let (sql, _) = contracts_sql(&ContractFilter::default(), Backend::Sqlite);
        let select = &sql[..sql.find(" FROM ").unwrap()];
        let names: Vec<&str> = select
            .trim_start_matches("SELECT ")
            .split(", ")
            .map(|expr| expr.rsplit([' ', '.']).next().unwrap())
            .collect();
        assert_eq!(names, LINE_COLUMNS);
    }
}
