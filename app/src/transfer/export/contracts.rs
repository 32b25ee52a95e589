//! The contract file: a row per contract line, read in batches on a task of its own while the
//! rows are written.

use super::CsvOut;
use crate::domain::CurrencyCode;
use crate::domain::filter::ContractFilter;
use crate::domain::register::Provenance;
use crate::error::AppError;
use crate::storage::Db;
use crate::storage::export::{Col, ContractLineRow, ExportedContract, ExportedPlan};
use crate::transfer::cell::{CsvFormat, decimal_cell, text_cell, write_minor_cell};
use crate::transfer::pipes;
use std::borrow::Cow;
use tokio::sync::mpsc;

pub(super) async fn contracts(
    db: &Db,
    filter: &ContractFilter,
    out: &mut CsvOut,
) -> Result<(), AppError> {
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
            let identifiers = identifiers_cell(&contract.provenance);
            let cells = (
                other_values.as_str(),
                sources.as_str(),
                identifiers.as_str(),
            );
            for row in &contract.rows {
                let plan = plan_cell(&contract.plans, row.int(Col::Position));
                if !contract_row(out, &mut numbers, row, cells, &plan).await {
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
    probability: itoa::Buffer,
    quantity: itoa::Buffer,
    delivered: itoa::Buffer,
    options: itoa::Buffer,
    exercised: itoa::Buffer,
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
    (other_values, sources, identifiers): (&str, &str, &str),
    plan: &str,
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
        text(Col::ExpectedSigning),
        opt_int(&mut numbers.probability, row.int(Col::Probability)),
        text(Col::ProbabilityConfidence),
        text(Col::ProbabilityBasis),
        text(Col::LapsedReason),
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
        opt_int(&mut numbers.options, row.int(Col::OptionUnits)),
        opt_int(&mut numbers.exercised, row.int(Col::ExercisedUnits)),
        text(Col::LineNotes),
        text_cell(plan),
        text(Col::DeliveryPeriod),
        text(Col::LocalProduction),
        text(Col::Notes),
        text_cell(other_values),
        text_cell(sources),
        text_cell(identifiers),
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

/// A line's delivery plan, one period per line: `period | units | confidence | source |
/// address` (the line at `position`, from 0).
pub fn plan_cell(plans: &[ExportedPlan], position: Option<i64>) -> String {
    let Some(position) = position else {
        return String::new();
    };
    let records: Vec<Vec<String>> = plans
        .iter()
        .filter(|p| p.position == position)
        .map(|p| {
            vec![
                p.period.clone(),
                p.units.to_string(),
                p.confidence.clone(),
                p.source.clone(),
                p.source_url.clone().unwrap_or_default(),
            ]
        })
        .collect();
    pipes::join(&records)
}

/// The identifiers in other registers, one per line: `kind | value`.
pub fn identifiers_cell(provenance: &Provenance) -> String {
    let records: Vec<Vec<String>> = provenance
        .identifiers
        .iter()
        .map(|i| vec![i.kind().as_str().to_owned(), i.value().to_owned()])
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
