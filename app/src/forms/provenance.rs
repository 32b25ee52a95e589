//! A record's value, the other figures sources give, and its sources, as form fields.

use super::fields::{ALTERNATIVE_ROWS, BACKS_RECORD, BACKS_VALUE, EntryFields, SOURCE_ROWS};
use super::parse::{optional_date, optional_money, text};
use crate::domain::limits;
use crate::domain::register::{Alternative, Figure, Provenance, SourceRef};
use crate::domain::{Confidence, FieldErrors};

/// The chosen value of the record, its alternatives (`alt{n}_…`) and its sources
/// (`source{n}_…`, each backing the value, an alternative or the record).
pub fn provenance(fields: &EntryFields, errors: &mut FieldErrors) -> Provenance {
    let (money, currency) = optional_money(fields, "value_amount", "value_currency");
    let money = errors.check("value_amount", money).flatten();
    errors.check("value_currency", currency);
    // A confidence belongs to a value: without one there is nothing to be sure of.
    let confidence = match money {
        Some(_) => errors.check(
            "value_confidence",
            Confidence::parse(fields.get("value_confidence")),
        ),
        None => None,
    };
    let basis = errors
        .check(
            "value_basis",
            text(fields, "value_basis", "basis", limits::BASIS_MAX, false),
        )
        .unwrap_or_default();
    let value = money.zip(confidence).map(|(money, confidence)| Figure {
        money,
        confidence,
        basis,
    });
    let mut provenance = Provenance {
        value,
        ..Provenance::default()
    };

    // Alternatives keep their row number, so that `alt{n}` in a source row still points at
    // the row the user meant even when an earlier alternative row is blank.
    let mut alternative_rows: Vec<usize> = Vec::new();
    for row in 0..fields.rows("alt", ALTERNATIVE_ROWS) {
        let field = |n: &str| format!("alt{row}_{n}");
        if ["amount", "basis"]
            .iter()
            .all(|n| fields.trimmed(&field(n)).is_empty())
        {
            continue;
        }
        let (money, currency) = optional_money(fields, &field("amount"), &field("currency"));
        let money = errors.check(&field("amount"), money).flatten();
        errors.check(&field("currency"), currency);
        if money.is_none() && errors.get(&field("amount")).is_none() {
            errors.add(
                &field("amount"),
                "Enter the other figure, or clear this row.",
            );
        }
        let confidence = errors.check(
            &field("confidence"),
            Confidence::parse(fields.get(&field("confidence"))),
        );
        let basis = errors
            .check(
                &field("basis"),
                text(fields, &field("basis"), "basis", limits::BASIS_MAX, false),
            )
            .unwrap_or_default();
        if let (Some(money), Some(confidence)) = (money, confidence) {
            alternative_rows.push(row);
            provenance.alternatives.push(Alternative {
                figure: Figure {
                    money,
                    confidence,
                    basis,
                },
                sources: Vec::new(),
            });
        }
    }

    for row in 0..fields.rows("source", SOURCE_ROWS) {
        let field = |n: &str| format!("source{row}_{n}");
        let title = errors
            .check(
                &field("title"),
                text(
                    fields,
                    &field("title"),
                    "source's title",
                    limits::TITLE_MAX,
                    false,
                ),
            )
            .unwrap_or_default();
        let publisher = errors
            .check(
                &field("publisher"),
                text(
                    fields,
                    &field("publisher"),
                    "publisher",
                    limits::PUBLISHER_MAX,
                    false,
                ),
            )
            .unwrap_or_default();
        let url = errors
            .check(
                &field("url"),
                crate::domain::Website::parse(fields.get(&field("url"))),
            )
            .flatten()
            .map(|w| w.as_str().to_owned());
        let published_on = errors
            .check(&field("date"), optional_date(fields, &field("date")))
            .flatten();
        if title.is_empty() {
            if url.is_some() || !publisher.is_empty() || published_on.is_some() {
                errors.add(
                    &field("title"),
                    "Give the source a title (the article or document).",
                );
            }
            continue;
        }
        let source = SourceRef {
            title,
            publisher,
            url,
            published_on,
        };
        match fields.trimmed(&field("backs")) {
            BACKS_RECORD => provenance.sources.push(source),
            // A source given without any figure supports the record.
            "" | BACKS_VALUE if provenance.value.is_none() => provenance.sources.push(source),
            "" | BACKS_VALUE => provenance.value_sources.push(source),
            other => {
                let index = other
                    .strip_prefix("alt")
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| alternative_rows.iter().position(|r| *r == n));
                match index {
                    Some(index) => provenance.alternatives[index].sources.push(source),
                    None => errors.add(
                        &field("backs"),
                        "That alternative figure is empty; choose what this source supports.",
                    ),
                }
            }
        }
    }
    provenance
}

/// The form fields of a stored value and its sources and alternatives (for an edit form).
pub fn provenance_fields(fields: &mut EntryFields, provenance: &Provenance) {
    if let Some(value) = &provenance.value {
        fields.set("value_amount", value.money.grouped());
        fields.set("value_currency", value.money.currency().as_str());
        fields.set("value_confidence", value.confidence.as_str());
        fields.set("value_basis", value.basis.clone());
    }
    let mut sources: Vec<(String, &SourceRef)> = Vec::new();
    sources.extend(
        provenance
            .value_sources
            .iter()
            .map(|s| (BACKS_VALUE.to_owned(), s)),
    );
    for (row, alternative) in provenance.alternatives.iter().enumerate() {
        let field = |n: &str| format!("alt{row}_{n}");
        fields.set(field("amount"), alternative.figure.money.grouped());
        fields.set(
            field("currency"),
            alternative.figure.money.currency().as_str(),
        );
        fields.set(field("confidence"), alternative.figure.confidence.as_str());
        fields.set(field("basis"), alternative.figure.basis.clone());
        sources.extend(alternative.sources.iter().map(|s| (format!("alt{row}"), s)));
    }
    sources.extend(
        provenance
            .sources
            .iter()
            .map(|s| (BACKS_RECORD.to_owned(), s)),
    );
    for (row, (backs, source)) in sources.into_iter().enumerate() {
        let field = |n: &str| format!("source{row}_{n}");
        fields.set(field("title"), source.title.clone());
        fields.set(field("publisher"), source.publisher.clone());
        fields.set(field("url"), source.url.clone().unwrap_or_default());
        fields.set(
            field("date"),
            source
                .published_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        fields.set(field("backs"), backs);
    }
}
