//! A contract of the file as the entry form's fields, and the form's messages back at the
//! file's rows and columns. The import goes through the form's own parser
//! ([`crate::contracts::form::contract_draft`]), so a file is held to exactly the form's rules;
//! this module is the only part of the import that knows the form's field names (`title`,
//! `line0_system`, `source1_url`…).

use super::grouping::{CONTRACT_LEVEL, FileContract};
use super::names::{Names, Unmatched};
use super::read::{Row, Table};
use super::{Findings, problem};
use crate::contracts::form::ContractForm;
use crate::domain::form::FieldErrors;
use crate::domain::register::Contract;
use crate::forms::outlook::OutlookForm;
use crate::forms::rows::{AlternativeForm, LineForm, SourceForm, ValueForm};
use crate::transfer::cell::decimal_from_cell;
use crate::transfer::{Problem, pipes};

/// The contract form for `contract`: its names matched to records, its cells as the form's
/// fields, and its lines tied to the lines of the stored contract `existing`. What cannot be
/// matched or read is in `findings`.
pub(super) fn contract_form(
    table: &Table,
    names: &Names,
    contract: &FileContract,
    existing: Option<&Contract>,
    findings: &mut Findings,
) -> ContractForm {
    let first = &table.rows[contract.rows[0]];
    let mut reading = Reading { names, findings };
    let cell = |column: &str| table.cell(first, column).to_owned();
    let mut form = ContractForm {
        supplier_id: reading.matched(names.supplier(table.cell(first, "supplier"), first.row)),
        agreement_id: reading.matched(names.agreement(table.cell(first, "agreement"), first.row)),
        buyer: reading.matched(
            names
                .buyer(table.cell(first, "buyer"), first.row)
                .map(|b| b.map(|c| c.as_str().to_owned())),
        ),
        title: cell("title"),
        agency: cell("agency"),
        signed_on: cell("signed_on"),
        status: cell("status"),
        delivery_period: cell("delivery_period"),
        local_production: cell("local_production"),
        notes: cell("notes"),
        outlook: OutlookForm {
            expected_signing: cell("likely_signed_on"),
            probability: cell("probability"),
            confidence: cell("probability_confidence"),
            basis: cell("probability_basis"),
            lapsed_reason: cell("lapsed_reason"),
        },
        ..ContractForm::default()
    };
    form.provenance.value = ValueForm {
        amount: decimal_from_cell(table.cell(first, "value"), table.format).into_owned(),
        currency: cell("currency"),
        confidence: cell("value_confidence"),
        basis: cell("value_basis"),
    };
    form.provenance.alternatives = other_values(table, first);
    form.provenance.sources = reading.sources(table, first);
    form.provenance.identifiers = identifiers(table, first);
    let currency = table.cell(first, "currency");
    for (k, index) in contract.rows.iter().enumerate() {
        let stored_id = contract.stored_lines[k]
            .and_then(|i| existing.and_then(|c| c.lines.get(i)))
            .map(|line| line.id);
        let line = reading.line(table, &table.rows[*index], currency, stored_id);
        form.lines.push(line);
    }
    form
}

/// The other figures of the `other_values` cell: `amount | currency | confidence | basis`.
fn other_values(table: &Table, first: &Row) -> Vec<AlternativeForm> {
    pipes::split(table.cell(first, "other_values"))
        .iter()
        .map(|other| {
            let part = |i: usize| other.get(i).cloned().unwrap_or_default();
            AlternativeForm {
                amount: decimal_from_cell(&part(0), table.format).into_owned(),
                currency: part(1),
                confidence: part(2),
                basis: part(3),
            }
        })
        .collect()
}

/// The identifiers of the `identifiers` cell: `kind | value`, one per line.
fn identifiers(table: &Table, first: &Row) -> Vec<crate::forms::rows::IdentifierForm> {
    pipes::split(table.cell(first, "identifiers"))
        .iter()
        .map(|identifier| crate::forms::rows::IdentifierForm {
            kind: identifier.first().cloned().unwrap_or_default(),
            value: identifier.get(1).cloned().unwrap_or_default(),
        })
        .collect()
}

/// What reading a contract's cells needs besides the cells: the names to match, and where to
/// put what does not match or read.
struct Reading<'a> {
    names: &'a Names,
    findings: &'a mut Findings,
}

impl Reading<'_> {
    /// The id of the record a cell matched, as its field holds it; a name that matches
    /// nothing goes to the findings (and the field stays empty).
    fn matched(&mut self, matched: Result<Option<impl ToString>, Unmatched>) -> String {
        match matched {
            Ok(Some(id)) => id.to_string(),
            Ok(None) => String::new(),
            Err(unmatched) => {
                self.findings.not_found(unmatched);
                String::new()
            }
        }
    }

    /// The sources of the `sources` cell: `supports | title | publisher | url | date`, where
    /// `supports` is `value`, `record` or `other N`; a source that says otherwise is a problem.
    fn sources(&mut self, table: &Table, first: &Row) -> Vec<SourceForm> {
        let mut sources = Vec::new();
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
                    Some(k) if k >= 1 => AlternativeForm::backs(k - 1),
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
                        // The row keeps its place, so later sources keep their numbers.
                        sources.push(SourceForm::default());
                        continue;
                    }
                },
            };
            sources.push(SourceForm {
                backs,
                title: part(1),
                publisher: part(2),
                url: part(3),
                date: part(4),
            });
        }
        sources
    }

    /// A line of the form from `row`, as stored line `stored_id` when it is one. A line's
    /// value is in its contract's `currency`: a row that names another is a problem.
    fn line(
        &mut self,
        table: &Table,
        row: &Row,
        currency: &str,
        stored_id: Option<i64>,
    ) -> LineForm {
        let system = self.matched(self.names.system(table.cell(row, "system"), row.row));
        let line_currency = table.cell(row, "line_currency");
        if !line_currency.is_empty() && !line_currency.eq_ignore_ascii_case(currency) {
            self.findings.problems.push(problem(
                row.row,
                "line_currency",
                format!("A line's value is in its contract's currency ({currency}): convert it, or leave line_value empty."),
            ));
        }
        LineForm {
            id: stored_id.map(|id| id.to_string()).unwrap_or_default(),
            system,
            quantity: table.cell(row, "quantity").to_owned(),
            confidence: table.cell(row, "quantity_confidence").to_owned(),
            value: decimal_from_cell(table.cell(row, "line_value"), table.format).into_owned(),
            basis: String::new(),
            notes: table.cell(row, "line_notes").to_owned(),
            options: table.cell(row, "option_units").to_owned(),
            exercised: table.cell(row, "exercised_units").to_owned(),
        }
    }
}

/// The spreadsheet rows the draft's lines come from, in order: the form leaves out a blank
/// line.
pub(super) fn draft_line_rows(
    form: &ContractForm,
    contract: &FileContract,
    table: &Table,
) -> Vec<u64> {
    contract
        .rows
        .iter()
        .zip(&form.lines)
        .filter(|(_, line)| !line.is_blank())
        .map(|(index, _)| table.rows[*index].row)
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
            "options" => "option_units",
            "exercised" => "exercised_units",
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
    if let Some((n, _)) = numbered("ident") {
        return ("identifiers", first_row, format!("Identifier {}: ", n + 1));
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
