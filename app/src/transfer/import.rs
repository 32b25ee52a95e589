//! Importing contracts from CSV: the file is read and checked as a whole (every problem with
//! its line and column), names are matched to stored records, and each contract goes through
//! the entry form's own parser. Only a file without problems is committed, in one transaction.
//! Rows carry the contract's external id (`contract_ref`): a file imported again updates the
//! same contracts, and contracts it has exactly as stored are left alone.

use super::cell::{CsvFormat, decimal_from_cell, text_from_cell};
use super::{IMPORT_LIMIT, ImportPreview, Imported, PlannedRow, Problem, pipes};
use crate::domain::CountryCode;
use crate::domain::register::ContractDraft;
use crate::error::AppError;
use crate::register::entry::{EntryFields, contract_draft, contract_fields};
use crate::storage::Db;
use crate::storage::contracts::{self, ContractEdit, ContractWrite};
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
    line: u64,
    external_id: Option<String>,
    draft: ContractDraft,
    /// `(id, version)` of the stored contract with this external id.
    stored: Option<(i64, i64)>,
    unchanged: bool,
}

/// A data row: its line in the file and its cells by column.
struct Row {
    line: u64,
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

fn problem(line: u64, column: &str, message: impl Into<String>) -> Problem {
    Problem {
        line,
        column: column.to_owned(),
        message: message.into(),
    }
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
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        vec![problem(
            line as u64,
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
    let format = CsvFormat::sniff(first_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(format.separator())
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        _ => return Err(vec![problem(1, "", "The header line cannot be read.")]),
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
                1,
                name,
                format!(
                    "Unknown column \u{201c}{name}\u{201d}. A contract file has the columns: {}.",
                    super::CONTRACT_COLUMNS.join(", ")
                ),
            ));
        } else if columns.insert(name.clone(), index).is_some() {
            problems.push(problem(1, name, "This column appears twice."));
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
            1,
            "",
            format!("Missing column(s): {}.{hint}", missing.join(", ")),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // The file's own line numbers, as an editor shows them (the reader counts records, and a
    // quoted line break would throw its count off). A record can start at the line feed that
    // ends the one before (CRLF): that line feed counts as before it.
    let newlines: Vec<u64> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i as u64)
        .collect();
    let line_at = |position: Option<&csv::Position>| {
        position.map_or(0, |p| {
            newlines.partition_point(|nl| *nl <= p.byte()) as u64 + 1
        })
    };
    let mut rows = Vec::new();
    for record in records {
        match record {
            Ok(record) => {
                let line = line_at(record.position());
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                if record.len() != names.len() {
                    problems.push(problem(
                        line,
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
                    line,
                    cells: record.iter().map(str::to_owned).collect(),
                });
            }
            Err(error) => {
                let line = line_at(error.position());
                problems.push(problem(
                    line,
                    "",
                    format!("This row cannot be read: {error}."),
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

/// The stored names a file is matched against (case does not matter).
struct Names {
    firms: HashMap<String, i64>,
    systems: HashMap<String, i64>,
    agreements: HashMap<String, Vec<i64>>,
    countries: HashMap<String, CountryCode>,
}

impl Names {
    async fn load(db: &Db) -> Result<Self, AppError> {
        let firms = crate::storage::firms::list(db)
            .await?
            .into_iter()
            .map(|f| (f.name.to_lowercase(), f.id))
            .collect();
        let systems = crate::storage::systems::list(db)
            .await?
            .into_iter()
            .map(|s| (s.designation.to_lowercase(), s.id))
            .collect();
        let mut agreements: HashMap<String, Vec<i64>> = HashMap::new();
        for choice in crate::storage::agreements::choices(db).await? {
            agreements
                .entry(choice.title.to_lowercase())
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
        })
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

/// Reads and checks `bytes`; nothing is stored.
#[tracing::instrument(name = "import.plan", skip(db, bytes), fields(bytes = bytes.len()))]
pub async fn plan(db: &Db, file_name: &str, bytes: &[u8]) -> Result<Plan, AppError> {
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
    let refs: Vec<String> = by_ref.keys().cloned().collect();
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
        // Each row repeats its contract's fields.
        for index in &group.rows[1..] {
            let row = &table.rows[*index];
            for column in CONTRACT_LEVEL {
                if table.cell(row, column) != table.cell(first, column) {
                    problems.push(problem(
                        row.line,
                        column,
                        format!(
                            "Differs from line {} for the same {label}: each row of a contract repeats its fields.",
                            first.line
                        ),
                    ));
                }
            }
        }
        // Lines in their numbered order; a number used twice is a duplicate row.
        let mut numbered: Vec<(u64, usize)> = Vec::new();
        for (order, index) in group.rows.iter().enumerate() {
            let row = &table.rows[*index];
            let number = match table.cell(row, "line") {
                "" => 1_000_000 + order as u64,
                text => match text.parse::<u64>() {
                    Ok(n) if n >= 1 => n,
                    _ => {
                        problems.push(problem(
                            row.line,
                            "line",
                            "The line number is a whole number from 1.",
                        ));
                        continue;
                    }
                },
            };
            if let Some((_, other)) = numbered.iter().find(|(n, _)| *n == number) {
                problems.push(problem(
                    row.line,
                    "line",
                    format!(
                        "Line {number} of {label} is already on line {} of the file: a row appears twice.",
                        table.rows[*other].line
                    ),
                ));
                continue;
            }
            numbered.push((number, *index));
        }
        numbered.sort_by_key(|(n, _)| *n);
        group.rows = numbered.into_iter().map(|(_, i)| i).collect();
        if group.rows.is_empty() {
            continue;
        }
        let first = &table.rows[group.rows[0]];

        let existing = match group.external_id.as_ref().and_then(|r| stored.get(r)) {
            Some((id, _)) => contracts::get(db, *id).await?,
            None => None,
        };
        let mut fields = EntryFields::default();
        let supplier = table.cell(first, "supplier");
        match names.firms.get(&supplier.to_lowercase()) {
            Some(id) => fields.set("supplier_id", id.to_string()),
            None if supplier.is_empty() => {}
            None => not_found(
                &mut problems,
                &mut unknown,
                problem(
                    first.line,
                    "supplier",
                    format!(
                        "No firm is named \u{201c}{supplier}\u{201d}. Add it on the Firms page first, or correct the name."
                    ),
                ),
                format!("supplier \u{201c}{supplier}\u{201d}"),
            ),
        }
        let agreement = table.cell(first, "agreement");
        match names
            .agreements
            .get(&agreement.to_lowercase())
            .map(Vec::as_slice)
        {
            Some([id]) => fields.set("agreement_id", id.to_string()),
            _ if agreement.is_empty() => {}
            Some(_) => not_found(
                &mut problems,
                &mut unknown,
                problem(
                    first.line,
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
                    first.line,
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
                    first.line,
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
                            first.line,
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
            match names.systems.get(&system.to_lowercase()) {
                Some(id) => fields.set(format!("line{k}_system"), id.to_string()),
                None if system.is_empty() => {}
                None => not_found(
                    &mut problems,
                    &mut unknown,
                    problem(
                        row.line,
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
                    row.line,
                    "line_currency",
                    format!("A line's value is in its contract's currency ({currency}): convert it, or leave line_value empty."),
                ));
            }
            if let Some(stored_line) = existing.as_ref().and_then(|c| c.lines.get(k)) {
                fields.set(format!("line{k}_id"), stored_line.id.to_string());
            }
        }

        let before = problems.len();
        match contract_draft(&fields) {
            Ok(draft) => {
                let unchanged = existing.as_ref().is_some_and(|c| {
                    contract_draft(&contract_fields(c)).is_ok_and(|stored| stored == draft)
                });
                let planned = PlannedRow {
                    line: first.line,
                    contract_ref: group.external_id.clone().unwrap_or_default(),
                    title: draft.title.clone(),
                    lines: draft.lines.len(),
                    id: existing.as_ref().map(|c| c.id),
                };
                match (&existing, unchanged) {
                    (_, true) => preview.unchanged += 1,
                    (Some(_), false) => preview.updates.push(planned),
                    (None, false) => preview.creates.push(planned),
                }
                items.push(Item {
                    line: first.line,
                    external_id: group.external_id.clone(),
                    draft,
                    stored: existing.as_ref().map(|c| (c.id, c.version)),
                    unchanged,
                });
            }
            Err(errors) => {
                for (field, message) in errors.iter() {
                    let (column, line, prefix) = column_of(field, &group.rows, &table);
                    // A name already reported as unknown leaves its id empty: one message is enough.
                    if problems[..before]
                        .iter()
                        .any(|p| p.line == line && p.column == column)
                    {
                        continue;
                    }
                    problems.push(problem(
                        line.max(first.line),
                        column,
                        format!("{prefix}{message}"),
                    ));
                }
            }
        }
    }
    problems.sort_by_key(|p| p.line);
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

/// The file column, line and message prefix of an entry-form field's message.
fn column_of(field: &str, rows: &[usize], table: &Table) -> (&'static str, u64, String) {
    let first_line = table.rows[rows[0]].line;
    let numbered = |prefix: &str| -> Option<(usize, String)> {
        let rest = field.strip_prefix(prefix)?;
        let (n, name) = rest.split_once('_')?;
        Some((n.parse().ok()?, name.to_owned()))
    };
    if let Some((k, name)) = numbered("line") {
        let line = rows.get(k).map_or(first_line, |i| table.rows[*i].line);
        let column = match name.as_str() {
            "system" => "system",
            "quantity" => "quantity",
            "confidence" => "quantity_confidence",
            "value" => "line_value",
            "id" => "line",
            _ => "line_notes",
        };
        return (column, line, String::new());
    }
    if let Some((n, _)) = numbered("alt") {
        return (
            "other_values",
            first_line,
            format!("Other figure {}: ", n + 1),
        );
    }
    if let Some((n, _)) = numbered("source") {
        return ("sources", first_line, format!("Source {}: ", n + 1));
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
    (column, first_line, String::new())
}

/// The entry form's message for a contract its framework agreement refuses, at its column.
fn agreement_problem(line: u64, agreement_buyer: Option<CountryCode>) -> Problem {
    let (field, message) = crate::register::service::agreement_refusal(agreement_buyer);
    let column = if field == "buyer" {
        "buyer"
    } else {
        "agreement"
    };
    problem(line, column, message)
}

/// Stores a planned import in one transaction: all of it, or (on any problem) nothing.
#[tracing::instrument(name = "import.commit", skip_all, fields(contracts = plan.items.len()))]
pub async fn commit(db: &Db, plan: Plan) -> Result<Result<Imported, Vec<Problem>>, AppError> {
    if !plan.preview.problems.is_empty() {
        return Ok(Err(plan.preview.problems));
    }
    let mut done = Imported::default();
    let mut problems = Vec::new();
    let mut tx = db.begin().await?;
    for item in &plan.items {
        if item.unchanged {
            done.unchanged += 1;
            continue;
        }
        let refused = match item.stored {
            None => match contracts::insert_in(&mut tx, &item.draft).await? {
                ContractWrite::Done(id) => {
                    if let Some(external_id) = &item.external_id {
                        contracts::set_external_id(&mut tx, id, external_id).await?;
                    }
                    done.created += 1;
                    None
                }
                ContractWrite::BuyerMismatch { agreement_buyer } => {
                    Some(agreement_problem(item.line, Some(agreement_buyer)))
                }
                ContractWrite::MissingAgreement => Some(agreement_problem(item.line, None)),
            },
            Some((id, version)) => {
                match contracts::update_in(&mut tx, id, version, &item.draft).await? {
                    ContractEdit::Done => {
                        done.updated += 1;
                        None
                    }
                    ContractEdit::Stale | ContractEdit::Missing => Some(problem(
                        item.line,
                        "contract_ref",
                        "Someone changed or deleted this contract since the file was checked: check the file again.",
                    )),
                    ContractEdit::BuyerMismatch { agreement_buyer } => {
                        Some(agreement_problem(item.line, Some(agreement_buyer)))
                    }
                    ContractEdit::MissingAgreement => Some(agreement_problem(item.line, None)),
                    ContractEdit::LineDelivered { delivered, .. } => Some(problem(
                        item.line,
                        "line",
                        format!(
                            "The file leaves out a stored line with {delivered} units delivered: keep its row."
                        ),
                    )),
                    ContractEdit::BelowDelivered { delivered, .. } => Some(problem(
                        item.line,
                        "quantity",
                        format!(
                            "A line's quantity is below the {delivered} units already delivered on it."
                        ),
                    )),
                    ContractEdit::UnknownLine { .. } => Some(problem(
                        item.line,
                        "line",
                        "A line of this contract changed meanwhile: check the file again.",
                    )),
                }
            }
        };
        problems.extend(refused);
    }
    if !problems.is_empty() {
        // Dropping the transaction rolls everything back.
        return Ok(Err(problems));
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
