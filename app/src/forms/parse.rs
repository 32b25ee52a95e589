//! Reading one typed value of a form: an id chosen from a list, a date, an amount in a
//! currency; and the line rows agreements and contracts share. Free text is read by the
//! domain's bounded text types (`Title`, `Agency`…), whose limits the inputs' `maxlength` use.

use super::rows::LineForm;
use crate::domain::text::{Basis, LineNotes};
use crate::domain::{Confidence, CurrencyCode, FieldErrors, Money, PartialDate, Quantity};

/// An id chosen from a list (`what` names the list's records), or none.
pub fn optional_id(text: &str, what: &str) -> Result<Option<i64>, String> {
    match text.trim() {
        "" => Ok(None),
        value => value
            .parse()
            .map(Some)
            .map_err(|_| format!("Choose a {what} from the list.")),
    }
}

/// A past date as sources give it (a day, a month or a year), or none.
pub fn optional_date(text: &str) -> Result<Option<PartialDate>, String> {
    match text.trim() {
        "" => Ok(None),
        value => PartialDate::parse_past(value).map(Some),
    }
}

/// An amount in `currency`, or none when no amount is typed: the amount's problem and the
/// currency's, each for its own field.
pub fn optional_money(
    amount: &str,
    currency: &str,
) -> (Result<Option<Money>, String>, Result<(), String>) {
    let amount = amount.trim();
    if amount.is_empty() {
        return (Ok(None), Ok(()));
    }
    match CurrencyCode::parse(currency.trim()) {
        Ok(code) => (Money::parse(amount, code).map(Some), Ok(())),
        Err(message) => (Ok(None), Err(message)),
    }
}

/// One filled line row, read.
pub struct Row {
    pub id: Option<i64>,
    pub system_id: i64,
    pub quantity: Option<Quantity>,
    pub confidence: Confidence,
    pub value: Option<Money>,
    pub basis: Basis,
    pub notes: LineNotes,
}

/// Reads line `line` (row `row` of the form); `None` for a blank row or one with errors
/// (recorded in `errors`). Values are in `currency`, the record's. A ceiling needs its
/// quantity; a contract line may leave it empty (not disclosed).
pub fn line_row(
    line: &LineForm,
    row: usize,
    currency: &str,
    quantity_required: bool,
    errors: &mut FieldErrors,
) -> Option<Row> {
    if line.is_blank() {
        return None;
    }
    let key = |name: &str| LineForm::key(row, name);
    let id = errors
        .check(&key("system"), optional_id(&line.id, "line"))
        .flatten();
    let system_id = errors.check(
        &key("system"),
        optional_id(&line.system, "system")
            .and_then(|s| s.ok_or_else(|| "Choose the system of this line.".to_owned())),
    );
    let quantity = errors.check(
        &key("quantity"),
        match line.quantity.trim() {
            "" if !quantity_required => Ok(None),
            q => Quantity::parse(q).map(Some),
        },
    );
    let confidence = errors.check(&key("confidence"), Confidence::parse(&line.confidence));
    let value = errors.check(&key("value"), optional_money(&line.value, currency).0);
    let basis = errors.check(&key("basis"), Basis::parse(&line.basis));
    let notes = errors.check(&key("notes"), LineNotes::parse(&line.notes));
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
