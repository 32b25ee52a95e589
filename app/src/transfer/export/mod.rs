//! Writing a view as CSV: the same filters and order as the page, streamed in chunks through a
//! bounded channel. The producer runs as its own task; when the reader goes away (a download
//! cancelled, a closed pipe) its next send fails and it stops, and so does the query.

mod contracts;
mod lists;

pub use contracts::{other_values_cell, sources_cell};

use super::View;
use super::cell::{BOM, CsvFormat, decimal_cell, text_cell};
use crate::domain::Money;
use crate::domain::filter::{AgreementFilter, ContractFilter, ListQuery};
use crate::error::AppError;
use crate::storage::Db;
use contracts::contracts;
use lists::{agreements, amendments, audit, deliveries, firms, plans, summary, systems, waterfall};
use std::borrow::Cow;
use tokio::sync::mpsc;

/// Bytes of CSV per chunk sent to the reader.
const CHUNK: usize = 64 * 1024;

/// A chunk of the file, or the fault that cut it short (already logged; the reader must not
/// treat what it got as the whole file).
pub type Chunk = Result<Vec<u8>, AppError>;

/// An export under way: its file name and its chunks, in order.
pub struct Export {
    pub file_name: String,
    pub chunks: mpsc::Receiver<Chunk>,
}

/// Starts exporting `view` for the page query `pairs` (its filters and sort; the page number
/// is ignored: the whole list is exported). A query value that does not parse is refused with
/// the list of them, rather than exporting something other than what was asked for.
pub fn start(
    db: Db,
    view: View,
    pairs: &[(String, String)],
    format: CsvFormat,
    today: chrono::NaiveDate,
) -> Result<Export, Vec<String>> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "format" && k != "page")
        .cloned()
        .collect();
    let job = Job::parse(view, &pairs)?;
    let (sender, chunks) = mpsc::channel(4);
    tokio::spawn(async move {
        let mut out = CsvOut::new(format, view.columns(), sender);
        let written = job.run(&db, &mut out).await;
        match written {
            Ok(()) => out.finish().await,
            Err(error) => {
                // Logged here, where the fault ends the download the reader sees fail.
                let _ = out.sender.send(Err(error.logged())).await;
            }
        }
    });
    Ok(Export {
        file_name: view.file_name(today),
        chunks,
    })
}

/// What to export, with its parsed filter.
enum Job {
    Contracts(ContractFilter),
    Deliveries(ContractFilter),
    Amendments(ContractFilter),
    Plans(ContractFilter),
    Agreements(AgreementFilter),
    Waterfall(i64),
    Firms(ListQuery),
    Systems(ListQuery),
    Summary(ContractFilter),
    Audit(crate::domain::audit::AuditFilter),
}

impl Job {
    fn parse(view: View, pairs: &[(String, String)]) -> Result<Self, Vec<String>> {
        fn checked<T>((value, ignored): (T, Vec<String>)) -> Result<T, Vec<String>> {
            if ignored.is_empty() {
                Ok(value)
            } else {
                Err(ignored)
            }
        }
        Ok(match view {
            View::Contracts => Job::Contracts(checked(ContractFilter::from_query(pairs))?),
            View::Deliveries => Job::Deliveries(checked(ContractFilter::from_query(pairs))?),
            View::Amendments => Job::Amendments(checked(ContractFilter::from_query(pairs))?),
            View::Plans => Job::Plans(checked(ContractFilter::from_query(pairs))?),
            View::Summary => Job::Summary(checked(ContractFilter::from_query(pairs))?),
            View::Audit => Job::Audit(checked(crate::domain::audit::AuditFilter::from_query(
                pairs,
            ))?),
            View::Agreements => Job::Agreements(checked(AgreementFilter::from_query(pairs))?),
            View::Waterfall => {
                let id = pairs
                    .iter()
                    .find(|(k, _)| k == "agreement")
                    .and_then(|(_, v)| v.trim().parse::<i64>().ok());
                let others: Vec<String> = pairs
                    .iter()
                    .filter(|(k, _)| k != "agreement")
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                match id {
                    Some(id) if others.is_empty() => Job::Waterfall(id),
                    Some(_) => return Err(others),
                    None => return Err(vec!["agreement= (the agreement's number)".to_owned()]),
                }
            }
            View::Firms => {
                let columns: Vec<&str> = crate::firms::pages::FIRM_COLUMNS
                    .iter()
                    .filter_map(|(_, c)| *c)
                    .collect();
                Job::Firms(checked(ListQuery::from_query(pairs, &columns))?)
            }
            View::Systems => {
                let columns: Vec<&str> = crate::systems::pages::COLUMNS
                    .iter()
                    .map(|(c, _)| *c)
                    .collect();
                Job::Systems(checked(ListQuery::from_query(pairs, &columns))?)
            }
        })
    }

    async fn run(self, db: &Db, out: &mut CsvOut) -> Result<(), AppError> {
        match self {
            Job::Contracts(filter) => contracts(db, &filter, out).await,
            Job::Deliveries(filter) => deliveries(db, &filter, out).await,
            Job::Amendments(filter) => amendments(db, &filter, out).await,
            Job::Plans(filter) => plans(db, &filter, out).await,
            Job::Agreements(filter) => agreements(db, filter, out).await,
            Job::Waterfall(id) => waterfall(db, id, out).await,
            Job::Firms(query) => firms(db, &query, out).await,
            Job::Systems(query) => systems(db, &query, out).await,
            Job::Summary(filter) => summary(db, &filter, out).await,
            Job::Audit(filter) => audit(db, filter, out).await,
        }
    }
}

/// The CSV writer of an export: rows go into a buffer that is sent on when it holds a chunk.
struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
    sender: mpsc::Sender<Chunk>,
    format: CsvFormat,
    /// The reader went away: everything after is dropped.
    closed: bool,
}

impl CsvOut {
    fn new(format: CsvFormat, header: &[&str], sender: mpsc::Sender<Chunk>) -> Self {
        let mut buffer = Vec::with_capacity(CHUNK + 4096);
        if format.bom() {
            buffer.extend_from_slice(BOM);
        }
        let mut writer = Self::writer(format, buffer);
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(header);
        Self {
            writer,
            sender,
            format,
            closed: false,
        }
    }

    fn writer(format: CsvFormat, buffer: Vec<u8>) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .delimiter(format.separator())
            .terminator(csv::Terminator::CRLF)
            .from_writer(buffer)
    }

    /// Writes one record; false once the reader is gone.
    async fn row<'a>(&mut self, cells: impl IntoIterator<Item = Cow<'a, str>>) -> bool {
        if self.closed {
            return false;
        }
        // One call per record, not per field: writing to a Vec cannot fail.
        let _ = self.writer.write_record(cells.into_iter().map(CellBytes));
        if self.writer.get_ref().len() >= CHUNK {
            self.flush().await;
        }
        !self.closed
    }

    async fn flush(&mut self) {
        let fresh = Self::writer(self.format, Vec::with_capacity(CHUNK + 4096));
        let chunk = std::mem::replace(&mut self.writer, fresh)
            .into_inner()
            .unwrap_or_default();
        if !chunk.is_empty() && self.sender.send(Ok(chunk)).await.is_err() {
            self.closed = true;
        }
    }

    async fn finish(mut self) {
        self.flush().await;
    }

    fn decimal(&self, money: Option<Money>) -> Cow<'static, str> {
        money.map_or(Cow::Borrowed(""), |m| {
            Cow::Owned(decimal_cell(&m.plain(), self.format).into_owned())
        })
    }
}

/// A cell as the bytes the `csv` writer takes.
struct CellBytes<'a>(Cow<'a, str>);

impl AsRef<[u8]> for CellBytes<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

fn text(value: &str) -> Cow<'_, str> {
    text_cell(value)
}

fn opt_text(value: Option<&str>) -> Cow<'_, str> {
    value.map_or(Cow::Borrowed(""), text_cell)
}

fn number(value: impl ToString) -> Cow<'static, str> {
    Cow::Owned(value.to_string())
}

fn opt_number(value: Option<i64>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), number)
}
