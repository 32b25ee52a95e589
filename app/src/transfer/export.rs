//! Writing a view as CSV: the same filters and order as the page, streamed in chunks through a
//! bounded channel. The producer runs as its own task; when the reader goes away (a download
//! cancelled, a closed pipe) its next send fails and it stops, and so does the query.

use super::cell::{BOM, CsvFormat, decimal_cell, text_cell, write_minor_cell};
use super::{View, pipes};
use crate::domain::filter::{AgreementFilter, ContractFilter, ListQuery};
use crate::domain::register::Provenance;
use crate::domain::{CurrencyCode, Money};
use crate::error::AppError;
use crate::storage::Db;
use crate::storage::export::{Col, ContractLineRow, DeliveryExportRow, ExportedContract};
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
    Agreements(AgreementFilter),
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
            View::Summary => Job::Summary(checked(ContractFilter::from_query(pairs))?),
            View::Audit => Job::Audit(checked(crate::domain::audit::AuditFilter::from_query(
                pairs,
            ))?),
            View::Agreements => Job::Agreements(checked(AgreementFilter::from_query(pairs))?),
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
            Job::Agreements(filter) => agreements(db, filter, out).await,
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

async fn contracts(db: &Db, filter: &ContractFilter, out: &mut CsvOut) -> Result<(), AppError> {
    let (sender, mut batches) = mpsc::channel::<Vec<ExportedContract>>(2);
    // Reading is a task of its own: the database work and the CSV writing run side by side,
    // on two cores, rather than taking turns.
    let reading = tokio::spawn({
        let (db, filter) = (db.clone(), filter.clone());
        async move { crate::storage::export::contracts(&db, &filter, sender).await }
    });
    let mut numbers = NumberCells::default();
    'writing: while let Some(batch) = batches.recv().await {
        for contract in batch {
            let other_values = other_values_cell(&contract.provenance, out.format);
            let sources = sources_cell(&contract.provenance);
            for row in &contract.rows {
                if !contract_row(out, &mut numbers, row, &other_values, &sources).await {
                    break 'writing;
                }
            }
        }
    }
    // The reader's next send fails once the receiver is gone: it stops, and so does its query.
    drop(batches);
    match reading.await {
        Ok(read) => read.map_err(AppError::from),
        Err(failed) => Err(AppError::internal(format!(
            "export reader failed: {failed}"
        ))),
    }
}

/// The number cells of one contract row, formatted into buffers kept for the whole export: a
/// million rows would otherwise allocate a few million small strings.
#[derive(Default)]
struct NumberCells {
    value: String,
    usd: String,
    line_value: String,
    /// The rate cell and the stored rate it is of: most rows share a few rates.
    rate: String,
    rate_nanos: Option<i64>,
    position: itoa::Buffer,
    quantity: itoa::Buffer,
    delivered: itoa::Buffer,
}

impl NumberCells {
    fn money(cell: &mut String, minor: Option<i64>, currency: Option<&str>, format: CsvFormat) {
        cell.clear();
        if let (Some(minor), Some(decimals)) =
            (minor, currency.and_then(CurrencyCode::minor_units_of))
        {
            write_minor_cell(cell, minor, decimals, format);
        }
    }

    fn rate(&mut self, nanos: Option<i64>, format: CsvFormat) {
        if nanos != self.rate_nanos {
            self.rate = nanos.map_or(String::new(), |n| {
                let rate = crate::domain::rate::from_nanos(n).normalize().to_string();
                decimal_cell(&rate, format).into_owned()
            });
            self.rate_nanos = nanos;
        }
    }
}

fn opt_int(buffer: &mut itoa::Buffer, value: Option<i64>) -> Cow<'_, str> {
    value.map_or(Cow::Borrowed(""), |n| Cow::Borrowed(buffer.format(n)))
}

async fn contract_row(
    out: &mut CsvOut,
    numbers: &mut NumberCells,
    row: &ContractLineRow,
    other_values: &str,
    sources: &str,
) -> bool {
    let format = out.format;
    NumberCells::money(
        &mut numbers.value,
        row.int(Col::ValueMinor),
        row.opt_text(Col::ValueCurrency),
        format,
    );
    NumberCells::money(
        &mut numbers.usd,
        row.int(Col::UsdMinor),
        Some("USD"),
        format,
    );
    NumberCells::money(
        &mut numbers.line_value,
        row.int(Col::LineValueMinor),
        row.opt_text(Col::LineCurrency),
        format,
    );
    numbers.rate(row.int(Col::RateNanos), format);
    let text = |col| text_cell(row.text(col));
    let cells = [
        text(Col::ExternalId),
        text(Col::Title),
        text(Col::BuyerCode),
        text(Col::BuyerName),
        text(Col::SupplierName),
        text(Col::AgreementTitle),
        text(Col::Agency),
        text(Col::SignedOn),
        text(Col::Status),
        Cow::Borrowed(numbers.value.as_str()),
        text(Col::ValueCurrency),
        text(Col::ValueConfidence),
        text(Col::ValueBasis),
        Cow::Borrowed(numbers.usd.as_str()),
        Cow::Borrowed(numbers.rate.as_str()),
        text(Col::RateDate),
        opt_int(&mut numbers.position, row.int(Col::Position).map(|p| p + 1)),
        text(Col::Designation),
        text(Col::Category),
        opt_int(&mut numbers.quantity, row.int(Col::Quantity)),
        text(Col::QuantityConfidence),
        Cow::Borrowed(numbers.line_value.as_str()),
        text(Col::LineCurrency),
        opt_int(&mut numbers.delivered, row.int(Col::DeliveredUnits)),
        text(Col::LineNotes),
        text(Col::DeliveryPeriod),
        text(Col::LocalProduction),
        text(Col::Notes),
        text_cell(other_values),
        text_cell(sources),
    ];
    out.row(cells).await
}

/// The other figures sources give, one per line: `amount | currency | confidence | basis`.
pub fn other_values_cell(provenance: &Provenance, format: CsvFormat) -> String {
    let records: Vec<Vec<String>> = provenance
        .alternatives
        .iter()
        .map(|a| {
            vec![
                decimal_cell(&a.figure.money.plain(), format).into_owned(),
                a.figure.money.currency().as_str().to_owned(),
                a.figure.confidence.as_str().to_owned(),
                a.figure.basis.clone(),
            ]
        })
        .collect();
    pipes::join(&records)
}

/// The sources, one per line: `supports | title | publisher | url | date`, where `supports` is
/// `value`, `record` or `other N` (the N-th of the other figures).
pub fn sources_cell(provenance: &Provenance) -> String {
    let mut records = Vec::new();
    let mut add = |supports: String, s: &crate::domain::register::SourceRef| {
        records.push(vec![
            supports,
            s.title.clone(),
            s.publisher.clone(),
            s.url.clone().unwrap_or_default(),
            s.published_on.map(|d| d.to_string()).unwrap_or_default(),
        ]);
    };
    for source in &provenance.value_sources {
        add("value".into(), source);
    }
    for (index, alternative) in provenance.alternatives.iter().enumerate() {
        for source in &alternative.sources {
            add(format!("other {}", index + 1), source);
        }
    }
    for source in &provenance.sources {
        add("record".into(), source);
    }
    pipes::join(&records)
}

async fn deliveries(db: &Db, filter: &ContractFilter, out: &mut CsvOut) -> Result<(), AppError> {
    let (sender, mut batches) = mpsc::channel::<Vec<DeliveryExportRow>>(2);
    let reading = crate::storage::export::deliveries(db, filter, sender);
    // `move`: the receiver must go when writing stops, so that the reader's next send fails.
    let writing = async move {
        while let Some(batch) = batches.recv().await {
            for d in batch {
                let cells = [
                    text(&d.delivered_on),
                    number(d.units),
                    text(&d.confidence),
                    text(&d.buyer_code),
                    opt_text(d.contract_external_id.as_deref()),
                    text(&d.contract_title),
                    number(d.position + 1),
                    text(&d.designation),
                    text(&d.notes),
                ];
                if !out.row(cells).await {
                    return;
                }
            }
        }
    };
    let (read, ()) = tokio::join!(reading, writing);
    read.map_err(AppError::from)
}

/// Agreements with their headroom: a row per ceiling line (one with empty line fields for an
/// agreement without ceilings). A few hundred agreements at most: read a page at a time.
async fn agreements(db: &Db, filter: AgreementFilter, out: &mut CsvOut) -> Result<(), AppError> {
    let mut page_number = 1;
    loop {
        let page = crate::summary::service::headroom(db, &filter.with_page(page_number)).await?;
        for a in &page.rows {
            let suppliers: Vec<&str> = a.suppliers.iter().map(|s| s.name.as_str()).collect();
            let value = a.provenance.value.as_ref();
            let head = [
                text(&a.title).into_owned(),
                a.buyer.as_str().to_owned(),
                text(&a.agency).into_owned(),
                a.signed_on.map(|d| d.to_string()).unwrap_or_default(),
                a.status.as_str().to_owned(),
                text(&suppliers.join("; ")).into_owned(),
                out.decimal(value.map(|v| v.money)).into_owned(),
                value.map_or(String::new(), |v| v.money.currency().as_str().to_owned()),
                value.map_or(String::new(), |v| v.confidence.as_str().to_owned()),
            ];
            let lines: Vec<[String; 7]> = a
                .ceilings
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    [
                        (i + 1).to_string(),
                        text(&c.system.name).into_owned(),
                        c.quantity.get().to_string(),
                        c.executed.to_string(),
                        c.delivered.to_string(),
                        (c.quantity.get() - c.executed).to_string(),
                        if c.over_ceiling() { "yes" } else { "no" }.to_owned(),
                    ]
                })
                .collect();
            let blank: [String; 7] = Default::default();
            let lines = if lines.is_empty() { vec![blank] } else { lines };
            for line in &lines {
                let cells = head
                    .iter()
                    .chain(line.iter())
                    .map(|c| Cow::Borrowed(c.as_str()));
                if !out.row(cells).await {
                    return Ok(());
                }
            }
        }
        if page_number >= page.pages() {
            return Ok(());
        }
        page_number += 1;
    }
}

/// Every entry the filter matches, newest first, a page at a time; a change's fields in one
/// cell, one `field: before → after` per line, labelled and formatted as the pages show them.
async fn audit(
    db: &Db,
    mut filter: crate::domain::audit::AuditFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
    filter.page = 1;
    loop {
        let (entries, _) = crate::storage::audit::list(db, &filter).await?;
        if entries.is_empty() {
            return Ok(());
        }
        for entry in crate::storage::audit::shown(db, &entries).await? {
            let changes = entry
                .changes
                .iter()
                .map(|c| format!("{}: {} → {}", c.field, c.before.text, c.after.text))
                .collect::<Vec<_>>()
                .join("\n");
            let cells = [
                number(entry.id),
                Cow::Owned(crate::components::format::iso8601(&entry.at)),
                text(&entry.actor),
                text(&entry.client),
                text(entry.action.as_str()),
                opt_text(entry.record.map(|(kind, _)| kind.as_str())),
                opt_number(entry.record.map(|(_, id)| id)),
                text(&entry.detail),
                Cow::Owned(text(&changes).into_owned()),
            ];
            if !out.row(cells).await {
                return Ok(());
            }
        }
        filter.page += 1;
    }
}

async fn firms(db: &Db, query: &ListQuery, out: &mut CsvOut) -> Result<(), AppError> {
    let all = crate::firms::service::list(db).await?;
    let parents = crate::storage::firms::parents(db).await?;
    let names: std::collections::HashMap<i64, String> =
        all.iter().map(|f| (f.id, f.name.clone())).collect();
    for firm in crate::firms::pages::matching_firms(all, query) {
        let group = parents
            .iter()
            .find(|(id, _)| *id == firm.id)
            .and_then(|(_, parent)| names.get(parent))
            .map_or("", String::as_str);
        let cells = [
            text(&firm.name),
            text(firm.country.as_str()),
            text(firm.country.name()),
            text(group),
            opt_text(firm.website.as_deref()),
            text(&firm.notes),
            Cow::Owned(crate::components::format::iso8601(&firm.updated_at)),
        ];
        if !out.row(cells).await {
            break;
        }
    }
    Ok(())
}

async fn systems(db: &Db, query: &ListQuery, out: &mut CsvOut) -> Result<(), AppError> {
    let all = crate::systems::service::list_systems(db).await?;
    for system in crate::systems::pages::matching_systems(all, query) {
        let cells = [
            text(&system.designation),
            text(system.category.as_str()),
            text(&system.maker.name),
            opt_text(system.variant_of.as_ref().map(|v| v.name.as_str())),
            text(&system.description),
            Cow::Owned(crate::components::format::iso8601(&system.updated_at)),
        ];
        if !out.row(cells).await {
            break;
        }
    }
    Ok(())
}

/// The summary's total and groups: a row per group and value currency (values in different
/// currencies are never added); a group without values has one row with the value empty.
async fn summary(db: &Db, filter: &ContractFilter, out: &mut CsvOut) -> Result<(), AppError> {
    use crate::domain::summary::{Dimension, GroupTotal};
    let portfolio = crate::summary::service::portfolio(db, filter, Dimension::Supplier).await?;
    let counted = crate::domain::summary::level_text(portfolio.level);
    let mut groups: Vec<(&str, &GroupTotal)> = vec![("total", &portfolio.total)];
    for (dimension, rows) in &portfolio.groups {
        let name = match dimension {
            Dimension::Buyer => "buyer",
            Dimension::Supplier => "supplier",
            Dimension::System => "system",
            Dimension::Category => "category",
            Dimension::Year => "signed year",
        };
        groups.extend(rows.iter().map(|g| (name, g)));
    }
    for (grouping, group) in groups {
        let values: Vec<Option<Money>> = if group.values.is_empty() {
            vec![None]
        } else {
            group.values.iter().copied().map(Some).collect()
        };
        for value in values {
            let cells = [
                Cow::Borrowed(grouping),
                text(&group.label),
                Cow::Borrowed(counted),
                number(group.contracts),
                number(group.valued),
                out.decimal(value),
                Cow::Owned(value.map_or(String::new(), |v| v.currency().as_str().to_owned())),
                out.decimal(group.usd_shown()),
                number(group.without_usd),
                number(group.units_ordered),
                number(group.units_delivered),
                number(group.units_outstanding()),
            ];
            if !out.row(cells).await {
                return Ok(());
            }
        }
    }
    Ok(())
}
