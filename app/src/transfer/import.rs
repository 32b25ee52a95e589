//! Importing contracts from CSV: the file is read and checked as a whole (every problem with
//! its spreadsheet row and column), names are matched to stored records, and each contract goes
//! through the entry form's own parser. The preview then makes the commit's writes in a
//! transaction it rolls back, so whatever the storage would refuse (a buyer other than the
//! framework's, a line below its deliveries…) is in the preview too, at its row and column.
//! Only a file without problems is committed, in one transaction. Rows carry the contract's
//! external id (`contract_ref`): a file imported again updates the same contracts, and
//! contracts it has exactly as stored are left alone.

use super::cell::{CsvFormat, decimal_from_cell, text_from_cell};
use super::{IMPORT_LIMIT, ImportPreview, Imported, PlannedRow, Problem, pipes};
use crate::contracts::form::{contract_draft, contract_fields};
use crate::domain::CountryCode;
use crate::domain::audit::FieldChange;
use crate::domain::register::{ContractDraft, LineDraft};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::storage::contracts::{self, ContractEdit, ContractWrite};
use crate::storage::keys::key;
use crate::storage::{Db, StorageError, Tx, execute_in};
use std::collections::HashMap;

/// The longest `contract_ref` the database keeps.
const EXTERNAL_ID_MAX: usize = 100;
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
/// A contract's own fields, repeated on each of its rows.
const CONTRACT_LEVEL: [&str; 16] = [
    "title",
    "buyer",
    "supplier",
    "agreement",
    "agency",
    "signed_on",
    "status",
    "value",
    "currency",
    "value_confidence",
    "value_basis",
    "delivery_period",
    "local_production",
    "notes",
    "other_values",
    "sources",
];

/// A checked file: the preview, and what committing it would write.
pub struct Plan {
    pub preview: ImportPreview,
    items: Vec<Item>,
}

struct Item {
    /// The spreadsheet row of the contract's first line.
    row: u64,
    external_id: Option<String>,
    draft: ContractDraft,
    /// `(id, version)` of the stored contract with this external id.
    stored: Option<(i64, i64)>,
    unchanged: bool,
    /// The spreadsheet row of each of the draft's lines, in order.
    line_rows: Vec<u64>,
    /// The stored contract's lines: id, number (1, 2…) and system.
    stored_lines: Vec<(i64, usize, String)>,
}

/// A data row: the row a spreadsheet shows it on, and its cells by column.
struct Row {
    row: u64,
    cells: Vec<String>,
}

struct Table {
    format: CsvFormat,
    columns: HashMap<String, usize>,
    rows: Vec<Row>,
}

impl Table {
    /// The cell of `column` (trimmed, a neutralised formula given back as typed; "" when the
    /// file has no such column).
    fn cell<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|i| row.cells.get(*i))
            .map_or("", |c| text_from_cell(c.trim()))
    }
}

fn problem(row: u64, column: &str, message: impl Into<String>) -> Problem {
    Problem {
        row,
        column: column.to_owned(),
        message: message.into(),
    }
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

/// Reads the file into rows (with the problems of rows that cannot be read), or says why it
/// cannot be read at all.
fn read(bytes: &[u8]) -> Result<(Table, Vec<Problem>), Vec<Problem>> {
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
    let bytes = bytes.strip_prefix(super::cell::BOM).unwrap_or(bytes);
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
    let first_line = text.lines().next().unwrap_or_default();
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
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => {
            return Err(vec![problem(
                header_row,
                "",
                "The header line cannot be read.",
            )]);
        }
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut problems = Vec::new();
    let mut columns = HashMap::new();
    let known = |name: &str| super::CONTRACT_COLUMNS.contains(&name) || READ_ONLY.contains(&name);
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
                    super::CONTRACT_COLUMNS.join(", ")
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
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    // Record 0 is the header.
    for (index, record) in records.enumerate() {
        let row = row_of(index + 1);
        match record {
            Ok(record) => {
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                if record.len() != names.len() {
                    problems.push(problem(
                        row,
                        "",
                        format!(
                            "This row has {} cells where the header has {}. Is there a separator in a text \
                             that is not in double quotes?",
                            record.len(),
                            names.len()
                        ),
                    ));
                    continue;
                }
                rows.push(Row {
                    row,
                    cells: record.iter().map(str::to_owned).collect(),
                });
            }
            Err(_) => {
                problems.push(problem(
                    row,
                    "",
                    "This row cannot be read: check its double quotes.",
                ));
            }
        }
    }
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

/// The stored names a file is matched against, by their [`key`] (case and Unicode
/// normalisation do not matter).
struct Names {
    firms: HashMap<String, i64>,
    systems: HashMap<String, i64>,
    agreements: HashMap<String, Vec<i64>>,
    countries: HashMap<String, CountryCode>,
    /// What the pages call each record, for the changes an update lists.
    firm_names: HashMap<i64, String>,
    system_names: HashMap<i64, String>,
    agreement_titles: HashMap<i64, String>,
}

impl Names {
    async fn load(db: &Db) -> Result<Self, AppError> {
        let firms = crate::storage::firms::ids_by_key(db)
            .await?
            .into_iter()
            .collect();
        let systems = crate::storage::systems::ids_by_key(db)
            .await?
            .into_iter()
            .collect();
        let firm_names = crate::storage::firms::list(db)
            .await?
            .into_iter()
            .map(|f| (f.id, f.name))
            .collect();
        let system_names = crate::storage::systems::list(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.designation))
            .collect();
        let mut agreement_titles = HashMap::new();
        let mut agreements: HashMap<String, Vec<i64>> = HashMap::new();
        for choice in crate::storage::agreements::choices(db).await? {
            agreement_titles.insert(choice.id, choice.title.clone());
            agreements
                .entry(key(&choice.title))
                .or_default()
                .push(choice.id);
        }
        let countries = CountryCode::all()
            .map(|(code, name)| (name.to_lowercase(), code))
            .collect();
        Ok(Self {
            firms,
            systems,
            agreements,
            countries,
            firm_names,
            system_names,
            agreement_titles,
        })
    }

    /// The name of record `id` in `names`, "" for none.
    fn label(&self, names: &HashMap<i64, String>, id: Option<i64>) -> String {
        id.map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
            .unwrap_or_default()
    }

    fn country(&self, text: &str) -> Option<CountryCode> {
        CountryCode::parse(text)
            .ok()
            .or_else(|| self.countries.get(&text.to_lowercase()).copied())
    }
}

/// A contract of the file: its rows (in line order) under one `contract_ref`.
struct Group {
    external_id: Option<String>,
    rows: Vec<usize>,
}

/// Reads `bytes` and matches their names: the plan of what a commit would write, with the
/// file's own problems. The write's checks come with [`plan`] (a trial write) or [`commit`].
#[tracing::instrument(name = "import.prepare", skip(db, bytes), fields(bytes = bytes.len()))]
pub async fn prepare(db: &Db, file_name: &str, bytes: &[u8]) -> Result<Plan, AppError> {
    let mut preview = ImportPreview {
        file_name: file_name.to_owned(),
        ..ImportPreview::default()
    };
    let (table, mut problems) = match read(bytes) {
        Ok(read) => read,
        Err(problems) => {
            preview.problems = problems;
            return Ok(Plan {
                preview,
                items: Vec::new(),
            });
        }
    };
    preview.rows = table.rows.len();
    let names = Names::load(db).await?;
    let mut unknown: Vec<String> = Vec::new();

    // Rows by contract, in the order contracts first appear.
    let mut groups: Vec<Group> = Vec::new();
    let mut by_ref: HashMap<String, usize> = HashMap::new();
    for (index, row) in table.rows.iter().enumerate() {
        let reference = table.cell(row, "contract_ref");
        if reference.is_empty() {
            groups.push(Group {
                external_id: None,
                rows: vec![index],
            });
        } else if let Some(group) = by_ref.get(reference) {
            groups[*group].rows.push(index);
        } else {
            by_ref.insert(reference.to_owned(), groups.len());
            groups.push(Group {
                external_id: Some(reference.to_owned()),
                rows: vec![index],
            });
        }
    }
    // A reference that cannot be stored is refused below; it is never sent to the database
    // (PostgreSQL refuses a NUL in any text parameter).
    let refs: Vec<String> = by_ref
        .keys()
        .filter(|r| crate::domain::text::clean(r, crate::domain::text::Lines::One).is_ok())
        .cloned()
        .collect();
    let stored: HashMap<String, (i64, i64)> = contracts::by_external_ids(db, &refs)
        .await?
        .into_iter()
        .map(|(external_id, id, version)| (external_id, (id, version)))
        .collect();

    let mut items = Vec::new();
    for group in &mut groups {
        let first = &table.rows[group.rows[0]];
        let label = group
            .external_id
            .as_deref()
            .map_or_else(|| "this contract".to_owned(), |r| format!("contract {r}"));
        if let Some(reference) = &group.external_id
            && let Err(message) =
                crate::domain::text::clean(reference, crate::domain::text::Lines::One)
        {
            problems.push(problem(first.row, "contract_ref", message));
            continue;
        }
        if let Some(reference) = &group.external_id
            && reference.chars().count() > EXTERNAL_ID_MAX
        {
            problems.push(problem(
                first.row,
                "contract_ref",
                format!(
                    "A contract_ref has at most {EXTERNAL_ID_MAX} characters; this one has {}.",
                    reference.chars().count()
                ),
            ));
            continue;
        }
        // Each row repeats its contract's fields.
        for index in &group.rows[1..] {
            let row = &table.rows[*index];
            for column in CONTRACT_LEVEL {
                if table.cell(row, column) != table.cell(first, column) {
                    problems.push(problem(
                        row.row,
                        column,
                        format!(
                            "Differs from row {} for the same {label}: each row of a contract repeats its fields.",
                            first.row
                        ),
                    ));
                }
            }
        }
        // Lines in their numbered order (rows without a number after them, as they come); a
        // number used twice is a duplicate row.
        let mut numbered: Vec<(Option<u64>, usize)> = Vec::new();
        for index in &group.rows {
            let row = &table.rows[*index];
            let number = match table.cell(row, "line") {
                "" => None,
                text => match text.parse::<u64>() {
                    Ok(n) if n >= 1 => Some(n),
                    _ => {
                        problems.push(problem(
                            row.row,
                            "line",
                            "The line number is a whole number from 1.",
                        ));
                        continue;
                    }
                },
            };
            if let Some((_, other)) = numbered
                .iter()
                .find(|(n, _)| number.is_some() && *n == number)
            {
                problems.push(problem(
                    row.row,
                    "line",
                    format!(
                        "Line {} of {label} is already on row {}: a row appears twice.",
                        number.unwrap_or_default(),
                        table.rows[*other].row
                    ),
                ));
                continue;
            }
            numbered.push((number, *index));
        }
        numbered.sort_by_key(|(n, _)| n.unwrap_or(u64::MAX));
        group.rows = numbered.iter().map(|(_, i)| *i).collect();
        if group.rows.is_empty() {
            continue;
        }
        let first = &table.rows[group.rows[0]];
        // A row's line number says which stored line it is (as the export writes them); a
        // file without line numbers has the lines in order.
        let any_numbered = numbered.iter().any(|(n, _)| n.is_some());
        let stored_index = |k: usize| match numbered[k].0 {
            Some(n) => usize::try_from(n - 1).ok(),
            None if !any_numbered => Some(k),
            None => None,
        };

        let existing = match group.external_id.as_ref().and_then(|r| stored.get(r)) {
            Some((id, _)) => contracts::get(db, *id).await?,
            None => None,
        };
        let mut fields = EntryFields::default();
        let supplier = table.cell(first, "supplier");
        match names.firms.get(&key(supplier)) {
            Some(id) => fields.set("supplier_id", id.to_string()),
            None if supplier.is_empty() => {}
            None => not_found(
                &mut problems,
                &mut unknown,
                problem(
                    first.row,
                    "supplier",
                    format!(
                        "No firm is named \u{201c}{supplier}\u{201d}. Add it on the Firms page first, or correct the name."
                    ),
                ),
                format!("supplier \u{201c}{supplier}\u{201d}"),
            ),
        }
        let agreement = table.cell(first, "agreement");
        match names.agreements.get(&key(agreement)).map(Vec::as_slice) {
            Some([id]) => fields.set("agreement_id", id.to_string()),
            _ if agreement.is_empty() => {}
            Some(_) => not_found(
                &mut problems,
                &mut unknown,
                problem(
                    first.row,
                    "agreement",
                    format!(
                        "Several agreements are titled \u{201c}{agreement}\u{201d}: rename one so the title says which."
                    ),
                ),
                format!("agreement \u{201c}{agreement}\u{201d} (ambiguous)"),
            ),
            None => not_found(
                &mut problems,
                &mut unknown,
                problem(
                    first.row,
                    "agreement",
                    format!(
                        "No framework agreement is titled \u{201c}{agreement}\u{201d}. Add it first (Agreements), or correct the title."
                    ),
                ),
                format!("agreement \u{201c}{agreement}\u{201d}"),
            ),
        }
        let buyer = table.cell(first, "buyer");
        match names.country(buyer) {
            Some(code) => fields.set("buyer", code.as_str()),
            None if buyer.is_empty() => {}
            None => not_found(
                &mut problems,
                &mut unknown,
                problem(
                    first.row,
                    "buyer",
                    format!(
                        "\u{201c}{buyer}\u{201d} is not a country: use its ISO code (PL) or its English name (Poland)."
                    ),
                ),
                format!("buyer \u{201c}{buyer}\u{201d}"),
            ),
        }
        for (field, column) in [
            ("title", "title"),
            ("agency", "agency"),
            ("signed_on", "signed_on"),
            ("status", "status"),
            ("value_currency", "currency"),
            ("value_confidence", "value_confidence"),
            ("value_basis", "value_basis"),
            ("delivery_period", "delivery_period"),
            ("local_production", "local_production"),
            ("notes", "notes"),
        ] {
            fields.set(field, table.cell(first, column));
        }
        fields.set(
            "value_amount",
            decimal_from_cell(table.cell(first, "value"), table.format).into_owned(),
        );
        for (n, other) in pipes::split(table.cell(first, "other_values"))
            .iter()
            .enumerate()
        {
            let part = |i: usize| other.get(i).cloned().unwrap_or_default();
            fields.set(
                format!("alt{n}_amount"),
                decimal_from_cell(&part(0), table.format).into_owned(),
            );
            fields.set(format!("alt{n}_currency"), part(1));
            fields.set(format!("alt{n}_confidence"), part(2));
            fields.set(format!("alt{n}_basis"), part(3));
        }
        for (n, source) in pipes::split(table.cell(first, "sources"))
            .iter()
            .enumerate()
        {
            let part = |i: usize| source.get(i).cloned().unwrap_or_default();
            let supports = part(0).to_lowercase();
            let backs = match supports.as_str() {
                "value" | "record" => supports.clone(),
                other => match other
                    .strip_prefix("other ")
                    .and_then(|n| n.trim().parse::<usize>().ok())
                {
                    Some(k) if k >= 1 => format!("alt{}", k - 1),
                    _ => {
                        problems.push(problem(
                            first.row,
                            "sources",
                            format!(
                                "Source {}: \u{201c}{}\u{201d} is not what a source supports: write value, record or other N.",
                                n + 1,
                                part(0)
                            ),
                        ));
                        continue;
                    }
                },
            };
            fields.set(format!("source{n}_backs"), backs);
            fields.set(format!("source{n}_title"), part(1));
            fields.set(format!("source{n}_publisher"), part(2));
            fields.set(format!("source{n}_url"), part(3));
            fields.set(format!("source{n}_date"), part(4));
        }
        let currency = table.cell(first, "currency");
        for (k, index) in group.rows.iter().enumerate() {
            let row = &table.rows[*index];
            let system = table.cell(row, "system");
            match names.systems.get(&key(system)) {
                Some(id) => fields.set(format!("line{k}_system"), id.to_string()),
                None if system.is_empty() => {}
                None => not_found(
                    &mut problems,
                    &mut unknown,
                    problem(
                        row.row,
                        "system",
                        format!(
                            "No system is called \u{201c}{system}\u{201d}. Add it on the Systems page first, or correct the designation."
                        ),
                    ),
                    format!("system \u{201c}{system}\u{201d}"),
                ),
            }
            fields.set(format!("line{k}_quantity"), table.cell(row, "quantity"));
            fields.set(
                format!("line{k}_confidence"),
                table.cell(row, "quantity_confidence"),
            );
            fields.set(
                format!("line{k}_value"),
                decimal_from_cell(table.cell(row, "line_value"), table.format).into_owned(),
            );
            fields.set(format!("line{k}_notes"), table.cell(row, "line_notes"));
            let line_currency = table.cell(row, "line_currency");
            if !line_currency.is_empty() && !line_currency.eq_ignore_ascii_case(currency) {
                problems.push(problem(
                    row.row,
                    "line_currency",
                    format!("A line's value is in its contract's currency ({currency}): convert it, or leave line_value empty."),
                ));
            }
            if let Some(stored_line) =
                stored_index(k).and_then(|i| existing.as_ref().and_then(|c| c.lines.get(i)))
            {
                fields.set(format!("line{k}_id"), stored_line.id.to_string());
            }
        }

        let before = problems.len();
        match contract_draft(&fields) {
            Ok(draft) => {
                let stored_draft = existing
                    .as_ref()
                    .and_then(|c| contract_draft(&contract_fields(c)).ok());
                let unchanged = stored_draft.as_ref().is_some_and(|stored| *stored == draft);
                let planned = PlannedRow {
                    row: first.row,
                    contract_ref: group.external_id.clone().unwrap_or_default(),
                    title: draft.title.clone(),
                    lines: draft.lines.len(),
                    id: existing.as_ref().map(|c| c.id),
                    changes: stored_draft
                        .as_ref()
                        .map(|stored| changes(stored, &draft, &names))
                        .unwrap_or_default(),
                };
                // The rows the draft's lines come from: the entry form leaves out a blank line.
                let line_rows = group
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| {
                        ["system", "quantity", "value", "notes"]
                            .iter()
                            .any(|n| !fields.get(&format!("line{k}_{n}")).trim().is_empty())
                    })
                    .map(|(_, index)| table.rows[*index].row)
                    .collect();
                match (&existing, unchanged) {
                    (_, true) => preview.unchanged += 1,
                    (Some(_), false) => preview.updates.push(planned),
                    (None, false) => preview.creates.push(planned),
                }
                items.push(Item {
                    row: first.row,
                    external_id: group.external_id.clone(),
                    draft,
                    stored: existing.as_ref().map(|c| (c.id, c.version)),
                    unchanged,
                    line_rows,
                    stored_lines: existing.as_ref().map_or_else(Vec::new, |c| {
                        c.lines
                            .iter()
                            .enumerate()
                            .map(|(i, l)| (l.id, i + 1, l.system.name.clone()))
                            .collect()
                    }),
                });
            }
            Err(errors) => {
                for (field, message) in errors.iter() {
                    let (column, row, prefix) = column_of(field, &group.rows, &table);
                    // A name already reported as unknown leaves its id empty: one message is enough.
                    if problems[..before]
                        .iter()
                        .any(|p| p.row == row && p.column == column)
                    {
                        continue;
                    }
                    problems.push(problem(
                        row.max(first.row),
                        column,
                        format!("{prefix}{message}"),
                    ));
                }
            }
        }
    }
    problems.sort_by_key(|p| p.row);
    preview.problems = problems;
    preview.unknown = unknown;
    Ok(Plan { preview, items })
}

/// A name that matches no record: its problem, and the name once in the preview's list.
fn not_found(problems: &mut Vec<Problem>, unknown: &mut Vec<String>, at: Problem, what: String) {
    problems.push(at);
    if !unknown.contains(&what) {
        unknown.push(what);
    }
}

/// The file column, row and message prefix of an entry-form field's message.
fn column_of(field: &str, rows: &[usize], table: &Table) -> (&'static str, u64, String) {
    let first_row = table.rows[rows[0]].row;
    let numbered = |prefix: &str| -> Option<(usize, String)> {
        let rest = field.strip_prefix(prefix)?;
        let (n, name) = rest.split_once('_')?;
        Some((n.parse().ok()?, name.to_owned()))
    };
    if let Some((k, name)) = numbered("line") {
        let row = rows.get(k).map_or(first_row, |i| table.rows[*i].row);
        let column = match name.as_str() {
            "system" => "system",
            "quantity" => "quantity",
            "confidence" => "quantity_confidence",
            "value" => "line_value",
            "id" => "line",
            _ => "line_notes",
        };
        return (column, row, String::new());
    }
    if let Some((n, _)) = numbered("alt") {
        return (
            "other_values",
            first_row,
            format!("Other figure {}: ", n + 1),
        );
    }
    if let Some((n, _)) = numbered("source") {
        return ("sources", first_row, format!("Source {}: ", n + 1));
    }
    let column = match field {
        "agreement_id" => "agreement",
        "supplier_id" => "supplier",
        "value_amount" => "value",
        "value_currency" => "currency",
        other => CONTRACT_LEVEL
            .into_iter()
            .find(|c| *c == other)
            .unwrap_or("title"),
    };
    (column, first_row, String::new())
}

/// The entry form's message for a contract its framework agreement refuses, at its column.
fn agreement_problem(row: u64, agreement_buyer: Option<CountryCode>) -> Problem {
    let (field, message) = crate::contracts::service::agreement_refusal(agreement_buyer);
    let column = if field == "buyer" {
        "buyer"
    } else {
        "agreement"
    };
    problem(row, column, message)
}

fn units(n: i64) -> String {
    if n == 1 {
        "1 unit".to_owned()
    } else {
        format!("{n} units")
    }
}

impl Item {
    /// The spreadsheet row of the draft's line that is stored line `line_id`.
    fn line_row(&self, line_id: i64) -> u64 {
        self.draft
            .lines
            .iter()
            .position(|l| l.id == Some(line_id))
            .and_then(|k| self.line_rows.get(k).copied())
            .unwrap_or(self.row)
    }

    /// "Line 2 (K2PL)": a stored line, as the contract page numbers it.
    fn stored_line(&self, line_id: i64) -> String {
        self.stored_lines
            .iter()
            .find(|(id, _, _)| *id == line_id)
            .map_or_else(
                || "A line".to_owned(),
                |(_, number, system)| format!("Line {number} ({system})"),
            )
    }
}

enum Written {
    Created,
    Updated,
}

/// Writes one contract of the plan inside `tx`, or says why the storage refuses it (at its row
/// and column). On a refusal the caller undoes what was written of it.
async fn write_contract(
    tx: &mut Tx,
    item: &Item,
) -> Result<Result<Written, Problem>, StorageError> {
    // Names matched when the file was read can be gone by now; the database would refuse
    // them without saying which.
    if let Some(id) = item.draft.supplier_id
        && !crate::storage::exists_in(tx, "firms", id).await?
    {
        return Ok(Err(problem(
            item.row,
            "supplier",
            "This firm was deleted after the file was checked: check the file again.",
        )));
    }
    for (k, line) in item.draft.lines.iter().enumerate() {
        if !crate::storage::exists_in(tx, "systems", line.system_id).await? {
            return Ok(Err(problem(
                item.line_rows.get(k).copied().unwrap_or(item.row),
                "system",
                "This system was deleted after the file was checked: check the file again.",
            )));
        }
    }
    let Some((id, version)) = item.stored else {
        return Ok(match contracts::insert_in(tx, &item.draft).await? {
            ContractWrite::Done(id) => {
                if let Some(external_id) = &item.external_id {
                    contracts::set_external_id(tx, id, external_id).await?;
                }
                Ok(Written::Created)
            }
            ContractWrite::BuyerMismatch { agreement_buyer } => {
                Err(agreement_problem(item.row, Some(agreement_buyer)))
            }
            ContractWrite::MissingAgreement => Err(agreement_problem(item.row, None)),
        });
    };
    Ok(
        match contracts::update_in(tx, id, version, &item.draft).await? {
            ContractEdit::Done => Ok(Written::Updated),
            ContractEdit::Stale => Err(problem(
                item.row,
                "contract_ref",
                "Someone saved this contract after the file was checked: check the file again to see their changes.",
            )),
            ContractEdit::Missing => Err(problem(
                item.row,
                "contract_ref",
                "This contract was deleted after the file was checked: check the file again.",
            )),
            ContractEdit::BuyerMismatch { agreement_buyer } => {
                Err(agreement_problem(item.row, Some(agreement_buyer)))
            }
            ContractEdit::MissingAgreement => Err(agreement_problem(item.row, None)),
            ContractEdit::LineDelivered { line_id, delivered } => Err(problem(
                item.row,
                "line",
                format!(
                    "{} has {} delivered and is not in the file: keep its row (a line cannot be removed while deliveries are recorded on it).",
                    item.stored_line(line_id),
                    units(delivered)
                ),
            )),
            ContractEdit::BelowDelivered { line_id, delivered } => Err(problem(
                item.line_row(line_id),
                "quantity",
                format!(
                    "{} already delivered on this line: the quantity cannot be less.",
                    units(delivered)
                ),
            )),
            ContractEdit::UnknownLine { line_id } => Err(problem(
                item.line_row(line_id),
                "line",
                "This line is no longer part of the contract (it changed after the file was checked): check the file again.",
            )),
        },
    )
}

/// A constraint the database enforced on a contract's write, as a problem at its row; other
/// storage faults stay faults.
fn refused_by_database(item: &Item, error: StorageError) -> Result<Problem, AppError> {
    Ok(match error {
        StorageError::UniqueViolation { .. } => problem(
            item.row,
            "contract_ref",
            "Another contract has this contract_ref (it was stored after the file was checked): check the file again.",
        ),
        StorageError::ForeignKeyViolation { constraint } => {
            let constraint = constraint.unwrap_or_default();
            let column = ["system", "agreement", "supplier"]
                .into_iter()
                .find(|c| constraint.contains(c))
                .unwrap_or("supplier");
            problem(
                item.row,
                column,
                "A firm, system or agreement this row names was deleted after the file was checked: check the file again.",
            )
        }
        StorageError::CheckViolation(constraint) if constraint.contains("external_id") => problem(
            item.row,
            "contract_ref",
            format!("A contract_ref has at most {EXTERNAL_ID_MAX} characters."),
        ),
        StorageError::CheckViolation(constraint) if constraint.contains("delivered") => problem(
            item.row,
            "quantity",
            "A line's quantity is below what has been delivered on it (a delivery was recorded after the file was checked): check the file again.",
        ),
        error => return Err(error.into()),
    })
}

/// Writes the plan's contracts in `tx`, each behind a savepoint: a contract the storage refuses
/// is undone alone and its reason kept, so one pass finds every refusal, and the contracts
/// after it are checked against the register as it is. The caller commits only when there is
/// no refusal.
async fn write(tx: &mut Tx, items: &[Item]) -> Result<(Imported, Vec<Problem>), AppError> {
    let mut done = Imported::default();
    let mut refused = Vec::new();
    for item in items {
        if item.unchanged {
            done.unchanged += 1;
            continue;
        }
        execute_in(tx, "SAVEPOINT import_contract").await?;
        let written = match write_contract(tx, item).await {
            Ok(written) => written,
            Err(error) => Err(refused_by_database(item, error)?),
        };
        match written {
            Ok(Written::Created) => done.created += 1,
            Ok(Written::Updated) => done.updated += 1,
            Err(problem) => {
                execute_in(tx, "ROLLBACK TO SAVEPOINT import_contract").await?;
                refused.push(problem);
            }
        }
        execute_in(tx, "RELEASE SAVEPOINT import_contract").await?;
    }
    refused.sort_by_key(|p| p.row);
    Ok((done, refused))
}

/// Reads and checks `bytes` as a commit would store them: the preview lists every problem of
/// the file and every refusal of the write, because it makes the commit's very writes in a
/// transaction that it rolls back. Nothing is stored.
#[tracing::instrument(name = "import.plan", skip(db, bytes), fields(bytes = bytes.len()))]
pub async fn plan(db: &Db, file_name: &str, bytes: &[u8]) -> Result<Plan, AppError> {
    let mut plan = prepare(db, file_name, bytes).await?;
    if plan.items.iter().any(|item| !item.unchanged) {
        let mut tx = db.begin().await?;
        let (_, refused) = write(&mut tx, &plan.items).await?;
        // Dropping the transaction rolls the trial back.
        drop(tx);
        plan.preview.problems.extend(refused);
        plan.preview.problems.sort_by_key(|p| p.row);
    }
    Ok(plan)
}

/// Stores a plan in one transaction: all of it, or nothing and the preview with every reason
/// (row and column). A plan from [`prepare`] goes through the same checks as [`plan`] makes.
#[tracing::instrument(name = "import.commit", skip_all, fields(contracts = plan.items.len()))]
pub async fn commit(db: &Db, plan: Plan) -> Result<Result<Imported, ImportPreview>, AppError> {
    let Plan { mut preview, items } = plan;
    if !preview.problems.is_empty() {
        return Ok(Err(preview));
    }
    let mut tx = db.begin().await?;
    let (done, refused) = write(&mut tx, &items).await?;
    if !refused.is_empty() {
        // Dropping the transaction rolls everything back.
        preview.problems = refused;
        return Ok(Err(preview));
    }
    tx.commit().await?;
    tracing::info!(
        created = done.created,
        updated = done.updated,
        unchanged = done.unchanged,
        "import committed"
    );
    Ok(Ok(done))
}

/// What a stored contract and its update differ in: `field: before → after` with the labels
/// of the contract page, names for ids and money with its currency ("—" for nothing).
fn changes(before: &ContractDraft, after: &ContractDraft, names: &Names) -> Vec<FieldChange> {
    let shown = |text: String| {
        if text.trim().is_empty() {
            "\u{2014}".to_owned()
        } else {
            text
        }
    };
    let mut out = Vec::new();
    let mut push = |field: String, before: String, after: String| {
        let (before, after) = (shown(before), shown(after));
        if before != after {
            out.push(FieldChange {
                field,
                before,
                after,
            });
        }
    };
    let (old, new) = (contract_facts(before, names), contract_facts(after, names));
    let mut labels: Vec<&String> = old.iter().map(|(l, _)| l).collect();
    labels.extend(
        new.iter()
            .map(|(l, _)| l)
            .filter(|l| !old.iter().any(|(o, _)| o == *l)),
    );
    let value = |facts: &[(String, String)], label: &str| {
        facts
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    for label in labels {
        push(label.clone(), value(&old, label), value(&new, label));
    }
    for (i, line) in before.lines.iter().enumerate() {
        let number = i + 1;
        match after
            .lines
            .iter()
            .find(|l| l.id.is_some() && l.id == line.id)
        {
            Some(kept) => {
                for ((label, b), (_, a)) in line_facts(line, names)
                    .into_iter()
                    .zip(line_facts(kept, names))
                {
                    push(format!("Line {number}: {label}"), b, a);
                }
            }
            None => push(
                format!("Line {number}"),
                line_summary(line, names),
                "(removed)".to_owned(),
            ),
        }
    }
    for (k, line) in after.lines.iter().enumerate() {
        if line.id.is_none() {
            push(
                format!("Line {} (new)", k + 1),
                String::new(),
                line_summary(line, names),
            );
        }
    }
    out
}

fn contract_facts(draft: &ContractDraft, names: &Names) -> Vec<(String, String)> {
    let value = draft.provenance.value.as_ref();
    let mut facts: Vec<(String, String)> = [
        ("Title", draft.title.clone()),
        (
            "Framework agreement",
            names.label(&names.agreement_titles, draft.agreement_id),
        ),
        (
            "Supplier",
            names.label(&names.firm_names, draft.supplier_id),
        ),
        ("Buyer", draft.buyer.name().to_owned()),
        ("Buying agency", draft.agency.clone()),
        (
            "Signed on",
            draft.signed_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("Status", draft.status.to_string()),
        (
            "Value",
            value.map(|f| f.money.to_string()).unwrap_or_default(),
        ),
        (
            "Value confidence",
            value.map(|f| f.confidence.to_string()).unwrap_or_default(),
        ),
        (
            "Value basis",
            value.map(|f| f.basis.clone()).unwrap_or_default(),
        ),
        ("Delivery period", draft.delivery_period.clone()),
        ("Local production", draft.local_production.clone()),
        ("Notes", draft.notes.clone()),
    ]
    .into_iter()
    .map(|(label, value)| (label.to_owned(), value))
    .collect();
    let source = |s: &crate::domain::register::SourceRef| {
        let mut parts = vec![s.title.clone()];
        parts.extend(
            [
                s.publisher.clone(),
                s.url.clone().unwrap_or_default(),
                s.published_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
            .into_iter()
            .filter(|p| !p.is_empty()),
        );
        parts.join(", ")
    };
    let sources = |list: &[crate::domain::register::SourceRef]| {
        list.iter().map(source).collect::<Vec<_>>().join("; ")
    };
    for (n, other) in draft.provenance.alternatives.iter().enumerate() {
        let figure = &other.figure;
        let mut text = format!("{} ({}", figure.money, figure.confidence);
        if !figure.basis.is_empty() {
            text.push_str(&format!(", {}", figure.basis));
        }
        text.push(')');
        facts.push((format!("Other figure {}", n + 1), text));
        facts.push((
            format!("Sources of other figure {}", n + 1),
            sources(&other.sources),
        ));
    }
    facts.push((
        "Sources of the value".to_owned(),
        sources(&draft.provenance.value_sources),
    ));
    facts.push((
        "Sources of the record".to_owned(),
        sources(&draft.provenance.sources),
    ));
    facts
}

fn line_facts(line: &LineDraft, names: &Names) -> [(&'static str, String); 5] {
    [
        (
            "system",
            names.label(&names.system_names, Some(line.system_id)),
        ),
        (
            "quantity",
            line.quantity
                .map(|q| q.get().to_string())
                .unwrap_or_default(),
        ),
        ("quantity confidence", line.quantity_confidence.to_string()),
        (
            "value",
            line.value.map(|m| m.to_string()).unwrap_or_default(),
        ),
        ("notes", line.notes.clone()),
    ]
}

/// "K2PL × 5": a line in a few words.
fn line_summary(line: &LineDraft, names: &Names) -> String {
    let system = names.label(&names.system_names, Some(line.system_id));
    match line.quantity {
        Some(q) => format!("{system} \u{d7} {}", q.get()),
        None => system,
    }
}
