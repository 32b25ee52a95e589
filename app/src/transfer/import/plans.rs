//! The file's delivery plans: a line's `delivery_plan` cell, one period per line of the cell
//! (`period | units | confidence | source | address`), read with the plan form's own parsers.
//! A file without the column keeps the stored plans.

use super::grouping::FileContract;
use super::problem;
use super::read::Table;
use crate::domain::plan::{PlanPeriod, PlanSource, PlannedDelivery};
use crate::domain::{Confidence, Quantity};
use crate::transfer::{Problem, pipes};

/// A row of a line's plan as the file gives it (the line is its place in the contract).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FilePlan {
    pub(super) period: PlanPeriod,
    pub(super) units: Quantity,
    pub(super) confidence: Confidence,
    pub(super) source: PlanSource,
}

/// The plan of each of the contract's lines that the form keeps (`kept[k]`: whether the k-th
/// row of the contract is a line of the draft), or `None` when the file has no
/// `delivery_plan` column. Problems go to `problems`, at the cell's row.
pub(super) fn read(
    table: &Table,
    contract: &FileContract,
    kept: &[bool],
    problems: &mut Vec<Problem>,
) -> Option<Vec<Vec<FilePlan>>> {
    if !table.has("delivery_plan") {
        return None;
    }
    let mut lines = Vec::new();
    for (index, keep) in contract.rows.iter().zip(kept) {
        if !keep {
            continue;
        }
        let row = &table.rows[*index];
        let mut plans: Vec<FilePlan> = Vec::new();
        for (n, fields) in pipes::split(table.cell(row, "delivery_plan"))
            .iter()
            .enumerate()
        {
            let field = |k: usize| fields.get(k).map_or("", String::as_str);
            let mut bad = |message: String| {
                problems.push(problem(
                    row.row,
                    "delivery_plan",
                    format!("Planned delivery {}: {message}", n + 1),
                ));
            };
            if fields.len() > 5 {
                bad(
                    "a planned delivery is `period | units | confidence | source | address`."
                        .into(),
                );
                continue;
            }
            let period = PlanPeriod::parse(field(0)).map_err(&mut bad).ok();
            let units = Quantity::parse(field(1)).map_err(&mut bad).ok();
            let confidence = Confidence::parse(field(2)).map_err(&mut bad).ok();
            let (title, url) = PlanSource::parse(field(3), field(4));
            let title = title.map_err(&mut bad).ok();
            let url = url.map_err(&mut bad).ok();
            if let Some(period) = period
                && plans.iter().any(|p| p.period == period)
            {
                bad(format!(
                    "{period} is planned twice on this line: add the units to one row."
                ));
                continue;
            }
            if let (Some(period), Some(units), Some(confidence), Some(title), Some(url)) =
                (period, units, confidence, title, url)
            {
                plans.push(FilePlan {
                    period,
                    units,
                    confidence,
                    source: PlanSource { title, url },
                });
            }
        }
        lines.push(plans);
    }
    Some(lines)
}

/// A stored line's plan as the file would write it, to tell an unchanged contract.
pub(super) fn stored(plans: &[PlannedDelivery], line_id: i64) -> Vec<FilePlan> {
    plans
        .iter()
        .filter(|p| p.line_id == line_id)
        .map(|p| FilePlan {
            period: p.period,
            units: p.units,
            confidence: p.confidence,
            source: p.source.clone(),
        })
        .collect()
}

/// A line's plan in words, for the preview's list of changes.
pub(super) fn describe(plans: &[FilePlan]) -> String {
    if plans.is_empty() {
        return "none".to_owned();
    }
    plans
        .iter()
        .map(|p| format!("{}: {}", p.period, p.units))
        .collect::<Vec<_>>()
        .join(", ")
}
