//! The file's contracts: its rows grouped by `contract_ref`, each group checked to repeat its
//! contract's fields, and its rows put in line order.

use super::read::Table;
use super::{EXTERNAL_ID_MAX, problem};
use crate::domain::text::{Lines, clean};
use crate::transfer::Problem;
use std::collections::HashMap;

/// A contract's own fields, repeated on each of its rows.
pub(super) const CONTRACT_LEVEL: [&str; 21] = [
    "title",
    "buyer",
    "supplier",
    "agreement",
    "agency",
    "signed_on",
    "status",
    "likely_signed_on",
    "probability",
    "probability_confidence",
    "probability_basis",
    "lapsed_reason",
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

/// A contract of the file: its rows (indexes into the table's) under one `contract_ref`; a
/// row without one is a contract of its own.
pub(super) struct Group {
    pub(super) external_id: Option<String>,
    rows: Vec<usize>,
}

/// The table's rows by contract, in the order contracts first appear.
pub(super) fn by_contract(table: &Table) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_ref: HashMap<&str, usize> = HashMap::new();
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
            by_ref.insert(reference, groups.len());
            groups.push(Group {
                external_id: Some(reference.to_owned()),
                rows: vec![index],
            });
        }
    }
    groups
}

/// A contract of the file whose rows passed their checks.
pub(super) struct FileContract {
    pub(super) external_id: Option<String>,
    /// Its rows (indexes into the table's), in line order.
    pub(super) rows: Vec<usize>,
    /// For each of `rows`, the position of the stored line it is: a row's line number says
    /// which (as the export writes them); a file without line numbers has the lines in order.
    pub(super) stored_lines: Vec<Option<usize>>,
}

/// Checks a group's rows (its reference, the fields each row repeats, its line numbers) and
/// puts them in line order; `None` when nothing of it can be planned.
pub(super) fn checked(
    group: Group,
    table: &Table,
    problems: &mut Vec<Problem>,
) -> Option<FileContract> {
    let first_row = table.rows[group.rows[0]].row;
    if let Some(reference) = &group.external_id
        && let Err(refused) = check_reference(reference, first_row)
    {
        problems.push(refused);
        return None;
    }
    let label = group
        .external_id
        .as_deref()
        .map_or_else(|| "this contract".to_owned(), |r| format!("contract {r}"));
    check_repeated_fields(&group, table, &label, problems);
    let numbered = in_line_order(&group, table, &label, problems);
    if numbered.is_empty() {
        return None;
    }
    let any_numbered = numbered.iter().any(|(n, _)| n.is_some());
    let stored_lines = numbered
        .iter()
        .enumerate()
        .map(|(k, (number, _))| match number {
            Some(n) => usize::try_from(n - 1).ok(),
            None if !any_numbered => Some(k),
            None => None,
        })
        .collect();
    Some(FileContract {
        external_id: group.external_id,
        rows: numbered.iter().map(|(_, i)| *i).collect(),
        stored_lines,
    })
}

/// A `contract_ref` the database can keep: one line of text, not too long.
fn check_reference(reference: &str, row: u64) -> Result<(), Problem> {
    if let Err(message) = clean(reference, Lines::One) {
        return Err(problem(row, "contract_ref", message));
    }
    let length = reference.chars().count();
    if length > EXTERNAL_ID_MAX {
        return Err(problem(
            row,
            "contract_ref",
            format!(
                "A contract_ref has at most {EXTERNAL_ID_MAX} characters; this one has {length}."
            ),
        ));
    }
    Ok(())
}

/// Each row repeats its contract's fields: a row that differs from the group's first is a
/// problem at each differing cell.
fn check_repeated_fields(group: &Group, table: &Table, label: &str, problems: &mut Vec<Problem>) {
    let first = &table.rows[group.rows[0]];
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
}

/// The group's rows with their line numbers, in the numbered order (rows without a number
/// after them, as they come). A row whose number cannot be read, or repeats another's (a
/// duplicate row), is a problem and left out.
fn in_line_order(
    group: &Group,
    table: &Table,
    label: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(Option<u64>, usize)> {
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
    numbered
}
