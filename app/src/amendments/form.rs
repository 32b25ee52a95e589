//! The amendment form: when, what kind, why, the change on each of the record's lines (a
//! contract's lines, an agreement's ceilings) and to its value, and the sources; read against
//! the record it amends.

use crate::domain::amendment::{
    Amendable, AmendableLine, AmendmentDraft, LineChange, MoneyChange, parse_units_change,
};
use crate::domain::text::Prose;
use crate::domain::{AmendmentKind, Confidence, FieldErrors, PartialDate, Quantity};
use crate::forms::provenance::source_ref;
use crate::forms::rows::SourceForm;
use crate::forms::{EntryFields, SOURCE_ROWS};
use serde::{Deserialize, Serialize};

/// A form that did not save, handed back to the amendment page it re-renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AmendEcho {
    pub fields: EntryFields,
    pub errors: FieldErrors,
}

/// The amendment form's field names. Line rows follow the contract's lines in order:
/// `line{n}_id` (the stored line), `_units`, `_options`, `_exercised`.
pub struct AmendmentForm;

impl AmendmentForm {
    pub const DATE: &str = "amended_on";
    pub const KIND: &str = "kind";
    pub const REASON: &str = "reason";
    pub const VALUE_CHANGE: &str = "value_change";
    pub const CONFIDENCE: &str = "confidence";

    pub fn line(row: usize, name: &str) -> String {
        format!("line{row}_{name}")
    }

    /// The form of a new amendment of `record`: one row per line.
    pub fn blank(record: &Amendable) -> EntryFields {
        let mut fields = EntryFields::default();
        for (row, line) in record.lines.iter().enumerate() {
            fields.set(Self::line(row, "id"), line.id.to_string());
        }
        fields.set(Self::CONFIDENCE, "reported");
        fields
    }
}

/// Reads the posted `fields` against `contract`, the record as stored now (a contract or a
/// framework agreement): every rule of the deal is checked here and every problem is at its
/// field.
pub fn amendment_draft(
    fields: &EntryFields,
    contract: &Amendable,
) -> Result<AmendmentDraft, FieldErrors> {
    type F = AmendmentForm;
    let mut errors = FieldErrors::new();
    let what = &contract.what;
    if !contract.in_force {
        errors.add(
            F::DATE,
            format!(
                "This {what} is {}: only a signed {what} in force is amended. Before signature, edit its figures; a cancelled or lapsed one stays as it ended.",
                contract.status
            ),
        );
    }
    let amended_on = errors.check(F::DATE, PartialDate::parse_past(fields.get(F::DATE)));
    if let (Some(date), Some(signed)) = (amended_on, contract.signed_on)
        && date.latest() < signed.earliest()
    {
        errors.add(
            F::DATE,
            format!("The {what} was signed on {signed}: an amendment comes after that."),
        );
    }
    let kind = errors.check(F::KIND, AmendmentKind::parse(fields.get(F::KIND)));
    if kind == Some(AmendmentKind::OptionExercised) && !contract.options {
        errors.add(
            F::KIND,
            format!("A {what} has no options: they are exercised on the contracts under it."),
        );
    }
    let reason = errors.check(
        F::REASON,
        Prose::parse_required(fields.get(F::REASON), "reason for the amendment, in words"),
    );
    let confidence = errors.check(F::CONFIDENCE, Confidence::parse(fields.get(F::CONFIDENCE)));
    let value_change = value_change(fields.get(F::VALUE_CHANGE), contract, &mut errors);
    let changes = line_changes(fields, contract, &mut errors);
    let sources: Vec<_> = (0..fields.rows(SourceForm::PREFIX, SOURCE_ROWS))
        .filter_map(|row| source_ref(&SourceForm::read(fields, row), row, &mut errors))
        .collect();
    if sources.is_empty() && errors.get(&SourceForm::key(0, "title")).is_none() {
        errors.add(
            &SourceForm::key(0, "title"),
            "Give the amendment's source: the announcement, the agency's notice, the report.",
        );
    }
    if let Some(kind) = kind {
        kind_needs(kind, &changes, value_change, &mut errors);
    }
    match (amended_on, kind, reason, confidence, errors.is_empty()) {
        (Some(amended_on), Some(kind), Some(reason), Some(confidence), true) => {
            Ok(AmendmentDraft {
                amended_on,
                kind,
                reason,
                value_change,
                confidence,
                changes,
                sources,
            })
        }
        _ => Err(errors),
    }
}

/// The change of the record's value: in its currency, and not below zero.
fn value_change(text: &str, record: &Amendable, errors: &mut FieldErrors) -> Option<MoneyChange> {
    if text.trim().is_empty() {
        return None;
    }
    let Some(value) = record.value else {
        errors.add(
            AmendmentForm::VALUE_CHANGE,
            format!(
                "The {what} has no value recorded: edit the {what} to record its value first.",
                what = record.what
            ),
        );
        return None;
    };
    let change = errors.check(
        AmendmentForm::VALUE_CHANGE,
        MoneyChange::parse(text, value.currency()),
    )?;
    errors.check(AmendmentForm::VALUE_CHANGE, change.applied_to(value))?;
    Some(change)
}

/// The changes typed on the record's lines; rows left empty change nothing.
fn line_changes(
    fields: &EntryFields,
    contract: &Amendable,
    errors: &mut FieldErrors,
) -> Vec<LineChange> {
    let mut changes = Vec::new();
    for row in 0..fields.rows("line", 0) {
        let key = |name: &str| AmendmentForm::line(row, name);
        let id = fields.trimmed(&key("id"));
        let typed = ["units", "options", "exercised"]
            .iter()
            .any(|n| !fields.trimmed(&key(n)).is_empty());
        if !typed {
            continue;
        }
        let Some(line) = contract.lines.iter().find(|l| l.id.to_string() == id) else {
            errors.add(
                &key("units"),
                format!(
                    "This line is no longer part of the {}: open the amendment page again.",
                    contract.what
                ),
            );
            continue;
        };
        let units = errors.check(&key("units"), parse_units_change(fields.get(&key("units"))));
        let options = errors.check(
            &key("options"),
            parse_units_change(fields.get(&key("options"))),
        );
        let exercised = errors.check(
            &key("exercised"),
            match fields.trimmed(&key("exercised")) {
                "" => Ok(0),
                text => Quantity::parse(text).map(|q| q.get()),
            },
        );
        let (Some(units), Some(options), Some(exercised)) = (units, options, exercised) else {
            continue;
        };
        if !contract.options && (options != 0 || exercised != 0) {
            errors.add(
                &key(if options != 0 { "options" } else { "exercised" }),
                "A ceiling line has no options: they are on the contracts under it; change its units.",
            );
            continue;
        }
        let change = LineChange {
            line_id: line.id,
            position: contract
                .lines
                .iter()
                .position(|l| l.id == line.id)
                .unwrap_or(0) as i64,
            system: line.system.clone(),
            units,
            options,
            exercised,
        };
        if line_rules(line, &change, row, errors) {
            changes.push(change);
        }
    }
    changes
}

/// What the line allows of `change`: a quantity to change, no fewer units than are delivered,
/// no more options exercised or withdrawn than it has. False with the problems in `errors`.
fn line_rules(
    line: &AmendableLine,
    change: &LineChange,
    row: usize,
    errors: &mut FieldErrors,
) -> bool {
    let key = |name: &str| AmendmentForm::line(row, name);
    let before = errors.len();
    match line.quantity {
        None if change.quantity_change() != 0 => errors.add(
            &key("units"),
            "The line's quantity is not disclosed: edit the record to record it before amending it.",
        ),
        None => {}
        Some(quantity) => match crate::domain::amendment::units_after(quantity.get(), change.quantity_change()) {
            Err(message) => errors.add(&key("units"), message),
            Ok(after) if after < line.floor => errors.add(
                &key("units"),
                format!(
                    "{} units are delivered on this line already: it cannot go below that.",
                    line.floor
                ),
            ),
            Ok(_) => {}
        },
    }
    let available = line.options + change.options;
    if available < 0 {
        errors.add(
            &key("options"),
            format!(
                "The line has {} options not exercised: at most that many can be withdrawn.",
                line.options
            ),
        );
    } else if change.exercised > available {
        errors.add(
            &key("exercised"),
            match available {
                0 => "The line has no options left to exercise (grant them in the same amendment if the source says so).".to_owned(),
                1 => "Only 1 option remains on this line.".to_owned(),
                n => format!("Only {n} options remain on this line."),
            },
        );
    }
    errors.len() == before
}

/// Each kind asks for the change it names.
fn kind_needs(
    kind: AmendmentKind,
    changes: &[LineChange],
    value: Option<MoneyChange>,
    errors: &mut FieldErrors,
) {
    let first_line = |name: &str| AmendmentForm::line(0, name);
    let lines_typed = errors.iter().any(|(field, _)| field.starts_with("line"));
    let missing = match kind {
        AmendmentKind::QuantityChange
            if !changes.iter().any(|c| c.units != 0 || c.options != 0) =>
        {
            Some((
                first_line("units"),
                "A quantity change changes units: give the change on at least one line (e.g. +12 or -6).",
            ))
        }
        AmendmentKind::ValueChange if value.is_none() => Some((
            AmendmentForm::VALUE_CHANGE.to_owned(),
            "A value change needs the change of value, e.g. +1,200,000,000 or -50,000,000.",
        )),
        AmendmentKind::OptionExercised if !changes.iter().any(|c| c.exercised > 0) => Some((
            first_line("exercised"),
            "An option exercised needs the number of options exercised on at least one line.",
        )),
        AmendmentKind::PartialCancellation
            if !changes.iter().any(|c| c.units < 0 || c.options < 0)
                && value.is_none_or(|v| v.minor() >= 0) =>
        {
            Some((
                first_line("units"),
                "A partial cancellation takes something away: units (e.g. -6), options or value.",
            ))
        }
        _ => None,
    };
    if let Some((field, message)) = missing
        && !lines_typed
        && errors.get(&field).is_none()
    {
        errors.add(&field, message);
    }
}
