//! A contract of the file as the entry form's fields, and the form's messages back at the
//! file's rows and columns. The import goes through the form's own parser
//! ([`crate::contracts::form::contract_draft`]), so a file is held to exactly the form's rules;
//! this module is the only part of the import that knows the form's field names (`title`,
//! `line0_system`, `source1_url`…).

use super::grouping::{CONTRACT_LEVEL, FileContract};
use super::names::{Names, Unmatched};
use super::read::{Row, Table};
use super::{Findings, problem};
use crate::domain::form::FieldErrors;
use crate::domain::register::Contract;
use crate::forms::EntryFields;
use crate::transfer::cell::decimal_from_cell;
use crate::transfer::{Problem, pipes};

/// Columns copied into the entry form's field of the same meaning: `(field, column)`.
const COPIED: [(&str, &str); 10] = [
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
];

/// The entry form's fields for `contract`: its names matched to records, its cells as the
/// form's fields, and its lines tied to the lines of the stored contract `existing`. What
/// cannot be matched or read is in `findings`.
pub(super) fn entry_fields(
    table: &Table,
    names: &Names,
    contract: &FileContract,
    existing: Option<&Contract>,
    findings: &mut Findings,
) -> EntryFields {
    let first = &table.rows[contract.rows[0]];
    let mut form = Form {
        table,
        names,
        findings,
        fields: EntryFields::default(),
    };
    let supplier = names.supplier(table.cell(first, "supplier"), first.row);
    form.set_matched("supplier_id", supplier);
    let agreement = names.agreement(table.cell(first, "agreement"), first.row);
    form.set_matched("agreement_id", agreement);
    let buyer = names.buyer(table.cell(first, "buyer"), first.row);
    form.set_matched("buyer", buyer.map(|b| b.map(|c| c.as_str().to_owned())));
    for (field, column) in COPIED {
        form.fields.set(field, table.cell(first, column));
    }
    form.fields.set(
        "value_amount",
        decimal_from_cell(table.cell(first, "value"), table.format).into_owned(),
    );
    form.set_other_values(first);
    form.set_sources(first);
    let currency = table.cell(first, "currency");
    for (k, index) in contract.rows.iter().enumerate() {
        let stored_id = contract.stored_lines[k]
            .and_then(|i| existing.and_then(|c| c.lines.get(i)))
            .map(|line| line.id);
        form.set_line(k, &table.rows[*index], currency, stored_id);
    }
    form.fields
}

/// The fields of one contract as they are read from its rows.
struct Form<'a> {
    table: &'a Table,
    names: &'a Names,
    findings: &'a mut Findings,
    fields: EntryFields,
}

impl Form<'_> {
    /// Sets `field` to the id of the record a cell matched; a name that matches nothing goes
    /// to the findings.
    fn set_matched(&mut self, field: &str, matched: Result<Option<impl ToString>, Unmatched>) {
        match matched {
            Ok(Some(id)) => self.fields.set(field, id.to_string()),
            Ok(None) => {}
            Err(unmatched) => self.findings.not_found(unmatched),
        }
    }

    /// The other figures of the `other_values` cell: `amount | currency | confidence | basis`.
    fn set_other_values(&mut self, first: &Row) {
        let format = self.table.format;
        for (n, other) in pipes::split(self.table.cell(first, "other_values"))
            .iter()
            .enumerate()
        {
            let part = |i: usize| other.get(i).cloned().unwrap_or_default();
            self.fields.set(
                format!("alt{n}_amount"),
                decimal_from_cell(&part(0), format).into_owned(),
            );
            self.fields.set(format!("alt{n}_currency"), part(1));
            self.fields.set(format!("alt{n}_confidence"), part(2));
            self.fields.set(format!("alt{n}_basis"), part(3));
        }
    }

    /// The sources of the `sources` cell: `supports | title | publisher | url | date`, where
    /// `supports` is `value`, `record` or `other N`; a source that says otherwise is a problem.
    fn set_sources(&mut self, first: &Row) {
        for (n, source) in pipes::split(self.table.cell(first, "sources"))
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
                        self.findings.problems.push(problem(
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
            self.fields.set(format!("source{n}_backs"), backs);
            self.fields.set(format!("source{n}_title"), part(1));
            self.fields.set(format!("source{n}_publisher"), part(2));
            self.fields.set(format!("source{n}_url"), part(3));
            self.fields.set(format!("source{n}_date"), part(4));
        }
    }

    /// Line `k` of the form from `row`, as stored line `stored_id` when it is one. A line's
    /// value is in its contract's `currency`: a row that names another is a problem.
    fn set_line(&mut self, k: usize, row: &Row, currency: &str, stored_id: Option<i64>) {
        let table = self.table;
        let system = self.names.system(table.cell(row, "system"), row.row);
        self.set_matched(&format!("line{k}_system"), system);
        self.fields
            .set(format!("line{k}_quantity"), table.cell(row, "quantity"));
        self.fields.set(
            format!("line{k}_confidence"),
            table.cell(row, "quantity_confidence"),
        );
        self.fields.set(
            format!("line{k}_value"),
            decimal_from_cell(table.cell(row, "line_value"), table.format).into_owned(),
        );
        self.fields
            .set(format!("line{k}_notes"), table.cell(row, "line_notes"));
        let line_currency = table.cell(row, "line_currency");
        if !line_currency.is_empty() && !line_currency.eq_ignore_ascii_case(currency) {
            self.findings.problems.push(problem(
                row.row,
                "line_currency",
                format!("A line's value is in its contract's currency ({currency}): convert it, or leave line_value empty."),
            ));
        }
        if let Some(id) = stored_id {
            self.fields.set(format!("line{k}_id"), id.to_string());
        }
    }
}

/// The spreadsheet rows the draft's lines come from, in order: the entry form leaves out a
/// blank line.
pub(super) fn draft_line_rows(
    fields: &EntryFields,
    contract: &FileContract,
    table: &Table,
) -> Vec<u64> {
    contract
        .rows
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            ["system", "quantity", "value", "notes"]
                .iter()
                .any(|n| !fields.get(&format!("line{k}_{n}")).trim().is_empty())
        })
        .map(|(_, index)| table.rows[*index].row)
        .collect()
}

/// The entry form's `errors` as problems at their rows and columns. A cell that already has a
/// problem among the first `reported` (a name reported as unknown leaves its id empty) gets no
/// second one.
pub(super) fn report(
    errors: &FieldErrors,
    contract: &FileContract,
    table: &Table,
    reported: usize,
    problems: &mut Vec<Problem>,
) {
    let first_row = table.rows[contract.rows[0]].row;
    for (field, message) in errors.iter() {
        let (column, row, prefix) = column_of(field, &contract.rows, table);
        if problems[..reported]
            .iter()
            .any(|p| p.row == row && p.column == column)
        {
            continue;
        }
        problems.push(problem(
            row.max(first_row),
            column,
            format!("{prefix}{message}"),
        ));
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
