//! The exchange-rate form, parsed into a draft.

use crate::domain::rate::{ExchangeRate, RateDraft};
use crate::domain::text::Title;
use crate::domain::{CurrencyCode, FieldErrors, PartialDate};
use crate::forms::EntryFields;

/// Parses the exchange-rate form (`currency`, `date`, `usd_per_unit`, `source`).
pub fn rate_draft(fields: &EntryFields) -> Result<RateDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let currency = errors.check(
        "currency",
        CurrencyCode::parse(fields.get("currency")).and_then(|c| match c.as_str() {
            "USD" => {
                Err("A value in US dollars is its own USD equivalent: it needs no rate.".to_owned())
            }
            _ => Ok(c),
        }),
    );
    let date = errors.check(
        "date",
        PartialDate::parse_past(fields.get("date")).and_then(|d| match d.day() {
            Some(_) => Ok(d),
            None => Err("A rate is of a day: write the whole date, YYYY-MM-DD.".to_owned()),
        }),
    );
    let usd_per_unit = errors.check(
        "usd_per_unit",
        crate::domain::rate::parse_usd_per_unit(fields.get("usd_per_unit")),
    );
    let source = errors.check(
        "source",
        Title::parse_required(fields.get("source"), "source").map(Title::into_string),
    );
    match (currency, date, usd_per_unit, source) {
        (Some(currency), Some(date), Some(usd_per_unit), Some(source)) if errors.is_empty() => {
            Ok(RateDraft {
                currency,
                date,
                usd_per_unit,
                source,
            })
        }
        _ => Err(errors),
    }
}

/// The fields of a stored rate, as its edit form starts.
pub fn rate_fields(rate: &ExchangeRate) -> EntryFields {
    let mut fields = EntryFields::default();
    fields.set("version", rate.version.to_string());
    fields.set("currency", rate.currency.as_str());
    fields.set("date", rate.date.to_string());
    fields.set("usd_per_unit", rate.usd_per_unit.to_string());
    fields.set("source", rate.source.clone());
    fields
}

crate::forms::editable!(ExchangeRate, label: |r| format!("{} {}", r.currency, r.date), fields: rate_fields);
