//! The delivery plan form: rows of (line, period, units, confidence, source, address), read
//! against the contract whose lines they plan.

use crate::domain::plan::{PlanDraft, PlanPeriod, PlanSource};
use crate::domain::register::Contract;
use crate::domain::{Confidence, FieldErrors, Quantity};
use crate::forms::EntryFields;
use serde::{Deserialize, Serialize};

/// A form that did not save, handed back to the plan page it re-renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanEcho {
    pub fields: EntryFields,
    pub errors: FieldErrors,
}

/// The plan form's field names: `plan{n}_line` (the stored line's id), `_period`, `_units`,
/// `_confidence`, `_source`, `_url`; `version` is the contract's version it was opened at.
pub struct PlanForm;

/// What a row that names a line the contract does not have is told.
const GONE_LINE: &str = "This line no longer exists on the contract (removed since the form was opened): choose one of its lines.";

/// The blank rows a plan form offers beyond its filled ones.
pub const BLANK_ROWS: usize = 3;

impl PlanForm {
    pub const PREFIX: &str = "plan";
    pub const VERSION: &str = "version";

    pub fn key(row: usize, name: &str) -> String {
        format!("plan{row}_{name}")
    }

    /// The form of `contract`'s plan as stored.
    pub fn of(contract: &Contract) -> EntryFields {
        let mut fields = EntryFields::default();
        fields.set(Self::VERSION, contract.version.to_string());
        for (row, plan) in contract.plans.iter().enumerate() {
            fields.set(Self::key(row, "line"), plan.line_id.to_string());
            fields.set(Self::key(row, "period"), plan.period.to_string());
            fields.set(Self::key(row, "units"), plan.units.get().to_string());
            fields.set(Self::key(row, "confidence"), plan.confidence.as_str());
            fields.set(Self::key(row, "source"), plan.source.title.clone());
            fields.set(
                Self::key(row, "url"),
                plan.source.url.clone().unwrap_or_default(),
            );
        }
        fields
    }

    /// How many rows the form shows: the filled ones and [`BLANK_ROWS`] more.
    pub fn rows(fields: &EntryFields) -> usize {
        fields.rows(Self::PREFIX, 1) - 1 + BLANK_ROWS
    }
}

/// Reads the posted rows against `contract` (its lines as stored now): every problem at its
/// field; a row left empty is no row. Units whole and at least 1; one period per line at most
/// once (two rows for one line and period are one row written twice).
pub fn plan_drafts(
    fields: &EntryFields,
    contract: &Contract,
) -> Result<Vec<PlanDraft>, FieldErrors> {
    type F = PlanForm;
    let mut errors = FieldErrors::new();
    let mut drafts: Vec<PlanDraft> = Vec::new();
    for row in 0..fields.rows(F::PREFIX, 1) {
        let get = |name: &str| fields.get(&F::key(row, name));
        let key = |name: &str| F::key(row, name);
        let line_id = get("line").trim().parse::<i64>().ok();
        let known = |id: i64| contract.lines.iter().any(|l| l.id == id);
        let filled = ["period", "units", "source", "url"]
            .iter()
            .any(|n| !get(n).trim().is_empty());
        if !filled {
            // Even a blank row tells when the line it names is gone (removed since the form
            // was opened).
            if line_id.is_some_and(|id| !known(id)) {
                errors.add(&key("line"), GONE_LINE);
            }
            continue;
        }
        let line = match (get("line").trim(), line_id) {
            ("", _) => {
                errors.add(&key("line"), "Choose the line this plan is for.");
                None
            }
            (_, Some(id)) if known(id) => Some(id),
            _ => {
                errors.add(&key("line"), GONE_LINE);
                None
            }
        };
        let period = errors.check(&key("period"), PlanPeriod::parse(get("period")));
        let units = errors.check(&key("units"), Quantity::parse(get("units")));
        let confidence = errors.check(&key("confidence"), Confidence::parse(get("confidence")));
        let (title, url) = PlanSource::parse(get("source"), get("url"));
        let title = errors.check(&key("source"), title);
        let url = errors.check(&key("url"), url);
        if let (Some(line), Some(period)) = (line, period)
            && drafts
                .iter()
                .any(|d| d.line_id == line && d.period == period)
        {
            errors.add(
                &key("period"),
                format!("This line already has a row for {period}: add its units to that row."),
            );
            continue;
        }
        if let (
            Some(line_id),
            Some(period),
            Some(units),
            Some(confidence),
            Some(title),
            Some(url),
        ) = (line, period, units, confidence, title, url)
        {
            drafts.push(PlanDraft {
                line_id,
                period,
                units,
                confidence,
                source: PlanSource { title, url },
            });
        }
    }
    if errors.is_empty() {
        Ok(drafts)
    } else {
        Err(errors)
    }
}
