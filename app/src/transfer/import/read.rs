//! Reading a contract file into rows: its size and encoding, its header's columns, and each
//! data row at the row number a spreadsheet shows it on.

use super::problem;
use crate::transfer::cell::{BOM, CsvFormat, text_from_cell};
use crate::transfer::{CONTRACT_COLUMNS, IMPORT_LIMIT, Problem};
use std::collections::HashMap;

/// Columns a contract file must have.
const REQUIRED: [&str; 4] = ["title", "buyer", "status", "system"];
/// Columns an export writes for reading only (computed, or the name of a code): accepted and
/// ignored.
const READ_ONLY: [&str; 6] = [
    "buyer_name",
    "usd_value",
    "usd_rate",
    "usd_rate_date",
    "category",
    "delivered",
];

/// A data row: the row a spreadsheet shows it on, and its cells by column.
pub(super) struct Row {
    pub(super) row: u64,
    cells: Vec<String>,
}

pub(super) struct Table {
    pub(super) format: CsvFormat,
    columns: HashMap<String, usize>,
    pub(super) rows: Vec<Row>,
}

impl Table {
    /// Whether the file has `column`.
    pub(super) fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The cell of `column` (trimmed, a neutralised formula given back as typed; "" when the
    /// file has no such column).
    pub(super) fn cell<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|i| row.cells.get(*i))
            .map_or("", |c| text_from_cell(c.trim()))
    }
}

/// Reads the file into rows (with the problems of rows that cannot be read), or says why it
/// cannot be read at all.
pub(super) fn read(bytes: &[u8]) -> Result<(Table, Vec<Problem>), Vec<Problem>> {
    let Text {
        text,
        format,
        sheet,
    } = decode(bytes)?;
    // The spreadsheet row of each record the reader gives (it skips empty lines).
    let record_rows: Vec<u64> = sheet
        .iter()
        .enumerate()
        .filter(|(_, (_, empty))| !empty)
        .map(|(index, _)| index as u64 + 1)
        .collect();
    let row_of = |record: usize| record_rows.get(record).copied().unwrap_or_default();
    let header_row = row_of(0);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(format.separator())
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let Some(Ok(header)) = records.next() else {
        return Err(vec![problem(
            header_row,
            "",
            "The header line cannot be read.",
        )]);
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let first_line = text.lines().next().unwrap_or_default();
    let columns = columns(&names, header_row, first_line)?;
    let mut problems = Vec::new();
    // Record 0 is the header.
    let rows = data_rows(
        records,
        names.len(),
        |index| row_of(index + 1),
        &mut problems,
    );
    if rows.is_empty() && problems.is_empty() {
        problems.push(problem(
            0,
            "",
            "The file has a header but no rows: add a row per contract line.",
        ));
    }
    Ok((
        Table {
            format,
            columns,
            rows,
        },
        problems,
    ))
}

/// A file's text, once its size and encoding are fine.
struct Text<'a> {
    text: &'a str,
    /// The format its first line suggests.
    format: CsvFormat,
    /// Where each spreadsheet row starts, and whether it is empty ([`sheet_rows`]).
    sheet: Vec<(usize, bool)>,
}

/// The file as text, or why it cannot be read: too large, not UTF-8, or empty.
fn decode(bytes: &[u8]) -> Result<Text<'_>, Vec<Problem>> {
    if bytes.len() > IMPORT_LIMIT {
        return Err(vec![problem(
            0,
            "",
            format!(
                "The file is {:.1} MB; an import takes at most {} MB. Split it into smaller files.",
                bytes.len() as f64 / 1_048_576.0,
                IMPORT_LIMIT / 1_048_576
            ),
        )]);
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let first_line = bytes
        .split(|b| *b == b'\n' || *b == b'\r')
        .next()
        .unwrap_or_default();
    let format = CsvFormat::sniff(&String::from_utf8_lossy(first_line));
    let sheet = sheet_rows(bytes, format.separator());
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let row = sheet.partition_point(|(start, _)| *start <= e.valid_up_to());
        vec![problem(
            row as u64,
            "",
            "The file is not UTF-8 text. In Excel, save it as \u{201c}CSV UTF-8 (comma delimited)\u{201d}; \
             in LibreOffice, choose the character set Unicode (UTF-8).",
        )]
    })?;
    if text.trim().is_empty() {
        return Err(vec![problem(
            0,
            "",
            "The file is empty: it needs the header line and a row per contract line.",
        )]);
    }
    Ok(Text {
        text,
        format,
        sheet,
    })
}

/// The rows a spreadsheet shows for a CSV file: where each starts, and whether it is empty.
/// Neither the text's lines (a quoted cell can hold line breaks) nor the CSV reader's records
/// (it skips empty lines, which a spreadsheet shows as empty rows) number them so; this follows
/// the reader's quoting: a cell is quoted when it starts with `"`, and `""` inside is a quote.
fn sheet_rows(bytes: &[u8], separator: u8) -> Vec<(usize, bool)> {
    let mut rows = Vec::new();
    let (mut start, mut quoted, mut cell_start) = (0, false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if quoted {
            if b == b'"' {
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        match b {
            b'\n' | b'\r' => {
                rows.push((start, i - 1 == start));
                if b == b'\r' && bytes.get(i) == Some(&b'\n') {
                    i += 1;
                }
                start = i;
                cell_start = true;
            }
            b'"' if cell_start => {
                quoted = true;
                cell_start = false;
            }
            _ if b == separator => cell_start = true,
            _ => cell_start = false,
        }
    }
    if start < bytes.len() {
        rows.push((start, false));
    }
    rows
}

/// The position of each known column of the header's `names`, or every problem with them:
/// unknown or repeated columns, and required ones that are missing.
fn columns(
    names: &[String],
    header_row: u64,
    first_line: &str,
) -> Result<HashMap<String, usize>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut columns = HashMap::new();
    let known = |name: &str| CONTRACT_COLUMNS.contains(&name) || READ_ONLY.contains(&name);
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        if !known(name) {
            problems.push(problem(
                header_row,
                name,
                format!(
                    "Unknown column \u{201c}{name}\u{201d}. A contract file has the columns: {}.",
                    CONTRACT_COLUMNS.join(", ")
                ),
            ));
        } else if columns.insert(name.clone(), index).is_some() {
            problems.push(problem(header_row, name, "This column appears twice."));
        }
    }
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        let hint = if names.len() == 1 && (first_line.contains(['\t', ';', ','])) {
            " The cells seem to be separated by something other than a comma or a semicolon \
             (a tab?): save the file as CSV."
        } else {
            ""
        };
        problems.push(problem(
            header_row,
            "",
            format!("Missing column(s): {}.{hint}", missing.join(", ")),
        ));
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// The data rows of `records` that have a cell per column, skipping empty ones; a row that
/// cannot be read or has another number of cells is a problem at its row (`row_of` its index).
fn data_rows(
    records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    width: usize,
    row_of: impl Fn(usize) -> u64,
    problems: &mut Vec<Problem>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (index, record) in records.enumerate() {
        let row = row_of(index);
        let Ok(record) = record else {
            problems.push(problem(
                row,
                "",
                "This row cannot be read: check its double quotes.",
            ));
            continue;
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != width {
            problems.push(problem(
                row,
                "",
                format!(
                    "This row has {} cells where the header has {}. Is there a separator in a text \
                     that is not in double quotes?",
                    record.len(),
                    width
                ),
            ));
            continue;
        }
        rows.push(Row {
            row,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    rows
}
