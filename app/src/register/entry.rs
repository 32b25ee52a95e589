//! Data entry for agreements and contracts: the forms' raw text, parsed field by field into
//! drafts, with every problem reported at its field (`line2_quantity`, `value_amount`…).

use crate::domain::register::{
    AgreementDraft, CeilingDraft, ContractDraft, Figure, LineDraft, Provenance, SourceRef,
};
use crate::domain::{
    AgreementStatus, Confidence, ContractStatus, CountryCode, CurrencyCode, FieldErrors, Money,
    Notes, PartialDate, Quantity,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Rows of lines a form offers (blank rows are ignored).
pub const LINE_ROWS: usize = 4;

/// A form's fields by name, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryFields(pub BTreeMap<String, String>);

impl EntryFields {
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(|v| v.as_str()).unwrap_or_default()
    }

    fn trimmed(&self, name: &str) -> &str {
        self.get(name).trim()
    }
}

/// What a rejected entry form hands back to the page it re-renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryEcho {
    pub fields: EntryFields,
    pub errors: FieldErrors,
}

fn text(
    fields: &EntryFields,
    name: &str,
    label: &str,
    max: usize,
    required: bool,
) -> Result<String, String> {
    let value = fields.trimmed(name);
    let length = value.chars().count();
    if required && value.is_empty() {
        Err(format!("Enter the {label}."))
    } else if length > max {
        Err(format!("Use at most {max} characters (this has {length})."))
    } else {
        Ok(value.to_owned())
    }
}

fn optional_id(fields: &EntryFields, name: &str, what: &str) -> Result<Option<i64>, String> {
    match fields.trimmed(name) {
        "" => Ok(None),
        value => value
            .parse()
            .map(Some)
            .map_err(|_| format!("Choose a {what} from the list.")),
    }
}

fn optional_date(fields: &EntryFields, name: &str) -> Result<Option<PartialDate>, String> {
    match fields.trimmed(name) {
        "" => Ok(None),
        value => PartialDate::parse_past(value).map(Some),
    }
}

fn optional_money(
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

/// The chosen value of the record and its one source, from `value_*` and `source_*` fields.
fn provenance(fields: &EntryFields, errors: &mut FieldErrors) -> Provenance {
    let (money, currency) = optional_money(fields, "value_amount", "value_currency");
    let money = errors.check("value_amount", money).flatten();
    errors.check("value_currency", currency);
    let confidence = errors.check(
        "value_confidence",
        Confidence::parse(fields.get("value_confidence")),
    );
    let basis = errors
        .check(
            "value_basis",
            text(fields, "value_basis", "basis", 300, false),
        )
        .unwrap_or_default();
    let value = money.zip(confidence).map(|(money, confidence)| Figure {
        money,
        confidence,
        basis,
    });

    let title = errors
        .check(
            "source_title",
            text(fields, "source_title", "source's title", 300, false),
        )
        .unwrap_or_default();
    let publisher = errors
        .check(
            "source_publisher",
            text(fields, "source_publisher", "publisher", 200, false),
        )
        .unwrap_or_default();
    let url = errors
        .check(
            "source_url",
            crate::domain::Website::parse(fields.get("source_url")),
        )
        .flatten()
        .map(|w| w.as_str().to_owned());
    let published_on = errors
        .check("source_date", optional_date(fields, "source_date"))
        .flatten();
    let mut provenance = Provenance {
        value,
        ..Provenance::default()
    };
    if !title.is_empty() {
        let source = SourceRef {
            title,
            publisher,
            url,
            published_on,
        };
        if provenance.value.is_some() {
            provenance.value_sources.push(source);
        } else {
            provenance.sources.push(source);
        }
    } else if url.is_some() || !publisher.is_empty() {
        errors.add(
            "source_title",
            "Give the source a title (the article or document).",
        );
    }
    provenance
}

fn row_is_blank(fields: &EntryFields, row: usize, names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| fields.trimmed(&format!("line{row}_{n}")).is_empty())
}

/// One filled row of line fields (`line{row}_system`, `_quantity`, `_confidence`, `_value`).
struct Row {
    system_id: i64,
    quantity: Option<Quantity>,
    confidence: Confidence,
    value: Option<Money>,
}

/// Parses row `row`; `None` for a blank row or one with errors (recorded in `errors`). A ceiling
/// needs its quantity; a contract line may leave it empty (not disclosed).
fn line_row(
    fields: &EntryFields,
    row: usize,
    quantity_required: bool,
    errors: &mut FieldErrors,
) -> Option<Row> {
    if row_is_blank(fields, row, &["system", "quantity", "value"]) {
        return None;
    }
    let field = |n: &str| format!("line{row}_{n}");
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
    Some(Row {
        system_id: system_id?,
        quantity: quantity?,
        confidence: confidence?,
        value: value?,
    })
}

/// Parses the new-contract form.
pub fn contract_draft(fields: &EntryFields) -> Result<ContractDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.check(
        "title",
        text(fields, "title", "contract's title", 300, true),
    );
    let agreement_id = errors
        .check(
            "agreement_id",
            optional_id(fields, "agreement_id", "framework agreement"),
        )
        .flatten();
    let supplier_id = errors
        .check(
            "supplier_id",
            optional_id(fields, "supplier_id", "supplier"),
        )
        .flatten();
    let buyer = errors.check("buyer", CountryCode::parse(fields.get("buyer")));
    let agency = errors.check("agency", text(fields, "agency", "agency", 200, false));
    let signed_on = errors.check("signed_on", optional_date(fields, "signed_on"));
    let status = errors.check("status", ContractStatus::parse(fields.get("status")));
    let provenance = provenance(fields, &mut errors);
    let delivery_period = errors.check(
        "delivery_period",
        text(fields, "delivery_period", "delivery period", 100, false),
    );
    let local_production = errors.check(
        "local_production",
        text(fields, "local_production", "local production", 2000, false),
    );
    let notes = errors.check(
        "notes",
        Notes::parse(fields.get("notes")).map(|n| n.as_str().to_owned()),
    );
    let lines: Vec<LineDraft> = (0..LINE_ROWS)
        .filter_map(|row| line_row(fields, row, false, &mut errors))
        .map(|r| LineDraft {
            system_id: r.system_id,
            quantity: r.quantity,
            quantity_confidence: r.confidence,
            value: r.value,
            notes: String::new(),
        })
        .collect();
    if lines.is_empty() && errors.iter().all(|(f, _)| !f.starts_with("line")) {
        errors.add(
            "line0_system",
            "Add at least one line: the system sold and how many.",
        );
    }
    match (
        title,
        buyer,
        agency,
        signed_on,
        status,
        delivery_period,
        local_production,
        notes,
        errors.is_empty(),
    ) {
        (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(delivery_period),
            Some(local_production),
            Some(notes),
            true,
        ) => Ok(ContractDraft {
            title,
            agreement_id,
            supplier_id,
            buyer,
            agency,
            signed_on,
            status,
            provenance,
            delivery_period,
            local_production,
            lines,
            notes,
        }),
        _ => Err(errors),
    }
}

/// Parses the new-agreement form.
pub fn agreement_draft(fields: &EntryFields) -> Result<AgreementDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.check(
        "title",
        text(fields, "title", "agreement's title", 300, true),
    );
    let buyer = errors.check("buyer", CountryCode::parse(fields.get("buyer")));
    let agency = errors.check("agency", text(fields, "agency", "agency", 200, false));
    let signed_on = errors.check("signed_on", optional_date(fields, "signed_on"));
    let status = errors.check("status", AgreementStatus::parse(fields.get("status")));
    let mut supplier_ids: Vec<i64> = Vec::new();
    for i in 0..LINE_ROWS {
        let name = format!("supplier{i}_id");
        // The same firm chosen twice is one supplier.
        if let Some(id) = errors
            .check(&name, optional_id(fields, &name, "supplier"))
            .flatten()
            && !supplier_ids.contains(&id)
        {
            supplier_ids.push(id);
        }
    }
    if supplier_ids.is_empty() {
        errors.add("supplier0_id", "Choose at least one supplier firm.");
    }
    let provenance = provenance(fields, &mut errors);
    let notes = errors.check(
        "notes",
        Notes::parse(fields.get("notes")).map(|n| n.as_str().to_owned()),
    );
    let ceilings: Vec<CeilingDraft> = (0..LINE_ROWS)
        .filter_map(|row| line_row(fields, row, true, &mut errors))
        .filter_map(|r| {
            Some(CeilingDraft {
                system_id: r.system_id,
                quantity: r.quantity?,
                value: r.value,
                confidence: r.confidence,
                basis: String::new(),
                notes: String::new(),
            })
        })
        .collect();
    match (
        title,
        buyer,
        agency,
        signed_on,
        status,
        notes,
        errors.is_empty(),
    ) {
        (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(notes),
            true,
        ) => Ok(AgreementDraft {
            title,
            buyer,
            agency,
            signed_on,
            status,
            supplier_ids,
            provenance,
            ceilings,
            notes,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> EntryFields {
        EntryFields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn good_contract() -> Vec<(&'static str, &'static str)> {
        vec![
            ("title", "K2 executive contract #3"),
            ("buyer", "PL"),
            ("status", "signed"),
            ("signed_on", "2026-01"),
            ("value_amount", "6,500,000,000"),
            ("value_currency", "USD"),
            ("value_confidence", "reported"),
            ("source_title", "Yonhap"),
            ("line0_system", "3"),
            ("line0_quantity", "180"),
            ("line0_confidence", "confirmed"),
        ]
    }

    #[test]
    fn a_good_contract_parses_with_its_value_and_source() {
        let draft = contract_draft(&fields(&good_contract())).unwrap();
        assert_eq!(draft.lines.len(), 1);
        assert_eq!(draft.lines[0].quantity.unwrap().get(), 180);
        let value = draft.provenance.value.unwrap();
        assert_eq!(value.money.to_string(), "USD 6,500,000,000.00");
        assert_eq!(draft.provenance.value_sources[0].title, "Yonhap");
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let mut bad = good_contract();
        bad.retain(|(k, _)| *k != "title");
        bad.push(("line1_system", "3"));
        bad.push(("line1_quantity", "-4"));
        bad.push(("line1_confidence", "reported"));
        bad.push(("line2_quantity", "12"));
        bad.push(("line2_confidence", "reported"));
        bad.retain(|(k, _)| *k != "value_amount");
        bad.push(("value_amount", "1.234"));
        let errors = contract_draft(&fields(&bad)).unwrap_err();
        assert!(errors.get("title").is_some());
        assert!(errors.get("line1_quantity").unwrap().contains("at least 1"));
        assert_eq!(
            errors.get("line2_system"),
            Some("Choose the system of this line.")
        );
        assert!(
            errors
                .get("value_amount")
                .unwrap()
                .contains("2 decimal places")
        );
        assert!(errors.get("line0_quantity").is_none());
    }

    #[test]
    fn a_contract_needs_a_line_and_an_agreement_a_supplier() {
        let no_lines: Vec<_> = good_contract()
            .into_iter()
            .filter(|(k, _)| !k.starts_with("line"))
            .collect();
        assert!(
            contract_draft(&fields(&no_lines))
                .unwrap_err()
                .get("line0_system")
                .is_some()
        );
        let agreement = fields(&[
            ("title", "Framework"),
            ("buyer", "PL"),
            ("status", "signed"),
        ]);
        assert!(
            agreement_draft(&agreement)
                .unwrap_err()
                .get("supplier0_id")
                .is_some()
        );
    }
}
