//! Reading one field of a posted form: text within its limit, an id, a date, an amount; and
//! the numbered rows of lines that agreements and contracts share.

use super::fields::EntryFields;
use crate::domain::limits;
use crate::domain::text::Lines;
use crate::domain::{Confidence, CurrencyCode, FieldErrors, Money, PartialDate, Quantity};

/// A one-line text field: trimmed, within `max` characters, no control characters.
pub fn text(
    fields: &EntryFields,
    name: &str,
    label: &str,
    max: usize,
    required: bool,
) -> Result<String, String> {
    text_of(fields, name, label, max, required, Lines::One)
}

/// A text field of several lines (notes, descriptions): line breaks and tabs kept.
pub fn lines_text(
    fields: &EntryFields,
    name: &str,
    label: &str,
    max: usize,
) -> Result<String, String> {
    text_of(fields, name, label, max, false, Lines::Many)
}

pub fn text_of(
    fields: &EntryFields,
    name: &str,
    label: &str,
    max: usize,
    required: bool,
    lines: Lines,
) -> Result<String, String> {
    let value = crate::domain::text::clean(fields.get(name), lines)?;
    let length = value.chars().count();
    if required && value.is_empty() {
        Err(format!("Enter the {label}."))
    } else if length > max {
        Err(format!("Use at most {max} characters (this has {length})."))
    } else {
        Ok(value)
    }
}

pub fn optional_id(fields: &EntryFields, name: &str, what: &str) -> Result<Option<i64>, String> {
    match fields.trimmed(name) {
        "" => Ok(None),
        value => value
            .parse()
            .map(Some)
            .map_err(|_| format!("Choose a {what} from the list.")),
    }
}

pub fn optional_date(fields: &EntryFields, name: &str) -> Result<Option<PartialDate>, String> {
    match fields.trimmed(name) {
        "" => Ok(None),
        value => PartialDate::parse_past(value).map(Some),
    }
}

pub fn optional_money(
    fields: &EntryFields,
    amount: &str,
    currency: &str,
) -> (Result<Option<Money>, String>, Result<(), String>) {
    let amount_text = fields.trimmed(amount);
    let currency_text = fields.trimmed(currency);
    if amount_text.is_empty() {
        return (Ok(None), Ok(()));
    }
    match CurrencyCode::parse(currency_text) {
        Ok(code) => (Money::parse(amount_text, code).map(Some), Ok(())),
        Err(message) => (Ok(None), Err(message)),
    }
}

pub fn row_is_blank(fields: &EntryFields, row: usize, names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| fields.trimmed(&format!("line{row}_{n}")).is_empty())
}

/// One filled row of line fields (`line{row}_system`, `_quantity`, `_confidence`, `_value`,
/// `_notes`, and on an edit form the stored line's `_id`; a ceiling line also has `_basis`).
pub struct Row {
    pub id: Option<i64>,
    pub system_id: i64,
    pub quantity: Option<Quantity>,
    pub confidence: Confidence,
    pub value: Option<Money>,
    pub basis: String,
    pub notes: String,
}

/// Parses row `row`; `None` for a blank row or one with errors (recorded in `errors`). A ceiling
/// needs its quantity; a contract line may leave it empty (not disclosed).
pub fn line_row(
    fields: &EntryFields,
    row: usize,
    quantity_required: bool,
    errors: &mut FieldErrors,
) -> Option<Row> {
    if row_is_blank(
        fields,
        row,
        &["system", "quantity", "value", "basis", "notes"],
    ) {
        return None;
    }
    let field = |n: &str| format!("line{row}_{n}");
    let id = errors
        .check(&field("system"), optional_id(fields, &field("id"), "line"))
        .flatten();
    let system_id = errors.check(
        &field("system"),
        optional_id(fields, &field("system"), "system")
            .and_then(|s| s.ok_or_else(|| "Choose the system of this line.".to_owned())),
    );
    let quantity = errors.check(
        &field("quantity"),
        match fields.trimmed(&field("quantity")) {
            "" if !quantity_required => Ok(None),
            q => Quantity::parse(q).map(Some),
        },
    );
    let confidence = errors.check(
        &field("confidence"),
        Confidence::parse(fields.get(&field("confidence"))),
    );
    let value = errors.check(
        &field("value"),
        optional_money(fields, &field("value"), "value_currency").0,
    );
    let basis = errors.check(
        &field("basis"),
        text(fields, &field("basis"), "basis", limits::BASIS_MAX, false),
    );
    let notes = errors.check(
        &field("notes"),
        lines_text(
            fields,
            &field("notes"),
            "line notes",
            limits::LINE_NOTES_MAX,
        ),
    );
    Some(Row {
        id,
        system_id: system_id?,
        quantity: quantity?,
        confidence: confidence?,
        value: value?,
        basis: basis?,
        notes: notes?,
    })
}
