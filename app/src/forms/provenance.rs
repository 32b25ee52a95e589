//! A record's value, the other figures sources give, and its sources: read from their typed
//! form rows, and written back into them for an edit form.

use super::fields::{BACKS_RECORD, BACKS_VALUE};
use super::parse::{optional_date, optional_money};
use super::rows::{AlternativeForm, IdentifierForm, ProvenanceForm, SourceForm, ValueForm};
use crate::domain::register::{Alternative, Figure, Provenance, SourceRef};
use crate::domain::text::{Basis, Publisher, Title};
use crate::domain::{Confidence, FieldErrors, Website};

/// The chosen value of the record, its alternatives and its sources (each backing the value,
/// an alternative or the record), with every problem at its field in `errors`.
pub fn provenance(form: &ProvenanceForm, errors: &mut FieldErrors) -> Provenance {
    let mut provenance = Provenance {
        value: value(&form.value, errors),
        ..Provenance::default()
    };
    // Alternatives keep their row number, so that `alt{n}` in a source row still points at
    // the row the user meant even when an earlier alternative row is blank.
    let mut alternative_rows: Vec<usize> = Vec::new();
    for (row, alternative) in form.alternatives.iter().enumerate() {
        if let Some(alternative) = other_figure(alternative, row, errors) {
            alternative_rows.push(row);
            provenance.alternatives.push(alternative);
        }
    }
    for (row, source) in form.sources.iter().enumerate() {
        let Some(read) = source_ref(source, row, errors) else {
            continue;
        };
        match source.backs.trim() {
            BACKS_RECORD => provenance.sources.push(read),
            // A source given without any figure supports the record.
            "" | BACKS_VALUE if provenance.value.is_none() => provenance.sources.push(read),
            "" | BACKS_VALUE => provenance.value_sources.push(read),
            other => {
                let index = other
                    .strip_prefix(AlternativeForm::PREFIX)
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| alternative_rows.iter().position(|r| *r == n));
                match index {
                    Some(index) => provenance.alternatives[index].sources.push(read),
                    None => errors.add(
                        &SourceForm::key(row, "backs"),
                        "That alternative figure is empty; choose what this source supports.",
                    ),
                }
            }
        }
    }
    provenance.identifiers = identifiers(&form.identifiers, errors);
    provenance
}

/// The identifiers typed, each checked for its kind; the same one twice is a mistake.
fn identifiers(
    rows: &[IdentifierForm],
    errors: &mut FieldErrors,
) -> Vec<crate::domain::identifier::Identifier> {
    let mut read: Vec<crate::domain::identifier::Identifier> = Vec::new();
    for (row, form) in rows.iter().enumerate() {
        if form.is_blank() {
            continue;
        }
        let key = |name: &str| IdentifierForm::key(row, name);
        let kind = errors.check(
            &key("kind"),
            crate::domain::IdentifierKind::parse(&form.kind),
        );
        // Without its register the value is still read as text, so its own problems show too.
        let value = errors.check(
            &key("value"),
            crate::domain::identifier::Identifier::parse(
                kind.unwrap_or(crate::domain::IdentifierKind::Other),
                &form.value,
            ),
        );
        let (Some(_), Some(identifier)) = (kind, value) else {
            continue;
        };
        if read.contains(&identifier) {
            errors.add(&key("value"), "This identifier is already listed above.");
            continue;
        }
        read.push(identifier);
    }
    read
}

/// The chosen value with its confidence and basis; none without an amount.
fn value(form: &ValueForm, errors: &mut FieldErrors) -> Option<Figure> {
    let (money, currency) = optional_money(&form.amount, &form.currency);
    let money = errors.check(ValueForm::AMOUNT, money).flatten();
    errors.check(ValueForm::CURRENCY, currency);
    // A confidence belongs to a value: without one there is nothing to be sure of.
    let confidence = match money {
        Some(_) => errors.check(ValueForm::CONFIDENCE, Confidence::parse(&form.confidence)),
        None => None,
    };
    let basis = errors
        .check(ValueForm::BASIS, Basis::parse(&form.basis))
        .unwrap_or_default();
    money.zip(confidence).map(|(money, confidence)| Figure {
        money,
        confidence,
        basis: basis.into_string(),
    })
}

/// Another figure of row `row`; none for a blank row or one with problems.
fn other_figure(
    form: &AlternativeForm,
    row: usize,
    errors: &mut FieldErrors,
) -> Option<Alternative> {
    if form.is_blank() {
        return None;
    }
    let key = |name: &str| AlternativeForm::key(row, name);
    let (money, currency) = optional_money(&form.amount, &form.currency);
    let money = errors.check(&key("amount"), money).flatten();
    errors.check(&key("currency"), currency);
    if money.is_none() && errors.get(&key("amount")).is_none() {
        errors.add(&key("amount"), "Enter the other figure, or clear this row.");
    }
    let confidence = errors.check(&key("confidence"), Confidence::parse(&form.confidence));
    let basis = errors
        .check(&key("basis"), Basis::parse(&form.basis))
        .unwrap_or_default();
    Some(Alternative {
        figure: Figure {
            money: money?,
            confidence: confidence?,
            basis: basis.into_string(),
        },
        sources: Vec::new(),
    })
}

/// The source of row `row`; none for a blank row (a row with no title but other fields is a
/// problem at its title).
pub fn source_ref(form: &SourceForm, row: usize, errors: &mut FieldErrors) -> Option<SourceRef> {
    let key = |name: &str| SourceForm::key(row, name);
    let title = errors
        .check(&key("title"), Title::parse(&form.title))
        .unwrap_or_default();
    let publisher = errors
        .check(&key("publisher"), Publisher::parse(&form.publisher))
        .unwrap_or_default();
    let url = errors
        .check(&key("url"), Website::parse(&form.url))
        .flatten()
        .map(|w| w.as_str().to_owned());
    let published_on = errors
        .check(&key("date"), optional_date(&form.date))
        .flatten();
    if title.is_empty() {
        if url.is_some() || !publisher.is_empty() || published_on.is_some() {
            errors.add(
                &key("title"),
                "Give the source a title (the article or document).",
            );
        }
        return None;
    }
    Some(SourceRef {
        title: title.into_string(),
        publisher: publisher.into_string(),
        url,
        published_on,
    })
}

/// The form rows of a stored value and its sources and alternatives (for an edit form).
pub fn provenance_form(provenance: &Provenance) -> ProvenanceForm {
    let mut form = ProvenanceForm::default();
    if let Some(value) = &provenance.value {
        form.value = ValueForm {
            amount: value.money.grouped(),
            currency: value.money.currency().as_str().to_owned(),
            confidence: value.confidence.as_str().to_owned(),
            basis: value.basis.clone(),
        };
    }
    let source_form = |source: &SourceRef, backs: String| SourceForm {
        title: source.title.clone(),
        publisher: source.publisher.clone(),
        url: source.url.clone().unwrap_or_default(),
        date: source
            .published_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        backs,
    };
    for source in &provenance.value_sources {
        form.sources
            .push(source_form(source, BACKS_VALUE.to_owned()));
    }
    for (row, alternative) in provenance.alternatives.iter().enumerate() {
        form.alternatives.push(AlternativeForm {
            amount: alternative.figure.money.grouped(),
            currency: alternative.figure.money.currency().as_str().to_owned(),
            confidence: alternative.figure.confidence.as_str().to_owned(),
            basis: alternative.figure.basis.clone(),
        });
        for source in &alternative.sources {
            form.sources
                .push(source_form(source, AlternativeForm::backs(row)));
        }
    }
    for source in &provenance.sources {
        form.sources
            .push(source_form(source, BACKS_RECORD.to_owned()));
    }
    form.identifiers = provenance
        .identifiers
        .iter()
        .map(|i| IdentifierForm {
            kind: i.kind().as_str().to_owned(),
            value: i.value().to_owned(),
        })
        .collect();
    form
}
