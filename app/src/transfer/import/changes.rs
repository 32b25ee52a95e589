//! What an update changes, as the preview lists it: each field of the contract page with its
//! value before and after.

use super::names::Names;
use crate::domain::audit::FieldChange;
use crate::domain::register::{ContractDraft, LineDraft, SourceRef};

/// What a stored contract and its update differ in: `field: before → after` with the labels
/// of the contract page, names for ids and money with its currency ("—" for nothing).
pub(super) fn changes(
    before: &ContractDraft,
    after: &ContractDraft,
    names: &Names,
) -> Vec<FieldChange> {
    let shown = |text: String| {
        if text.trim().is_empty() {
            "\u{2014}".to_owned()
        } else {
            text
        }
    };
    let mut out = Vec::new();
    let mut push = |field: String, before: String, after: String| {
        let (before, after) = (shown(before), shown(after));
        if before != after {
            out.push(FieldChange {
                field,
                before,
                after,
            });
        }
    };
    let (old, new) = (contract_facts(before, names), contract_facts(after, names));
    let mut labels: Vec<&String> = old.iter().map(|(l, _)| l).collect();
    labels.extend(
        new.iter()
            .map(|(l, _)| l)
            .filter(|l| !old.iter().any(|(o, _)| o == *l)),
    );
    let value = |facts: &[(String, String)], label: &str| {
        facts
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    for label in labels {
        push(label.clone(), value(&old, label), value(&new, label));
    }
    for (i, line) in before.lines.iter().enumerate() {
        let number = i + 1;
        match after
            .lines
            .iter()
            .find(|l| l.id.is_some() && l.id == line.id)
        {
            Some(kept) => {
                for ((label, b), (_, a)) in line_facts(line, names)
                    .into_iter()
                    .zip(line_facts(kept, names))
                {
                    push(format!("Line {number}: {label}"), b, a);
                }
            }
            None => push(
                format!("Line {number}"),
                line_summary(line, names),
                "(removed)".to_owned(),
            ),
        }
    }
    for (k, line) in after.lines.iter().enumerate() {
        if line.id.is_none() {
            push(
                format!("Line {} (new)", k + 1),
                String::new(),
                line_summary(line, names),
            );
        }
    }
    out
}

/// The contract's own fields as the contract page labels and shows them.
fn contract_facts(draft: &ContractDraft, names: &Names) -> Vec<(String, String)> {
    let value = draft.provenance.value.as_ref();
    let mut facts: Vec<(String, String)> = [
        ("Title", draft.title.to_string()),
        (
            "Framework agreement",
            names.label(&names.agreement_titles, draft.agreement_id),
        ),
        (
            "Supplier",
            names.label(&names.firm_names, draft.supplier_id),
        ),
        ("Buyer", draft.buyer.name().to_owned()),
        ("Buying agency", draft.agency.to_string()),
        (
            "Signed on",
            draft.signed_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("Status", draft.status.to_string()),
        (
            "Value",
            value.map(|f| f.money.to_string()).unwrap_or_default(),
        ),
        (
            "Value confidence",
            value.map(|f| f.confidence.to_string()).unwrap_or_default(),
        ),
        (
            "Value basis",
            value.map(|f| f.basis.clone()).unwrap_or_default(),
        ),
        ("Delivery period", draft.delivery_period.to_string()),
        ("Local production", draft.local_production.to_string()),
        ("Notes", draft.notes.as_str().to_owned()),
    ]
    .into_iter()
    .map(|(label, value)| (label.to_owned(), value))
    .collect();
    for (n, other) in draft.provenance.alternatives.iter().enumerate() {
        let figure = &other.figure;
        let mut text = format!("{} ({}", figure.money, figure.confidence);
        if !figure.basis.is_empty() {
            text.push_str(&format!(", {}", figure.basis));
        }
        text.push(')');
        facts.push((format!("Other figure {}", n + 1), text));
        facts.push((
            format!("Sources of other figure {}", n + 1),
            sources(&other.sources),
        ));
    }
    facts.push((
        "Sources of the value".to_owned(),
        sources(&draft.provenance.value_sources),
    ));
    facts.push((
        "Sources of the record".to_owned(),
        sources(&draft.provenance.sources),
    ));
    facts.push((
        "In other registers".to_owned(),
        draft
            .provenance
            .identifiers
            .iter()
            .map(|i| format!("{}: {}", i.kind(), i.value()))
            .collect::<Vec<_>>()
            .join("; "),
    ));
    facts
}

/// "Title, publisher, address, date" of each source (the parts it has), "; " between them.
fn sources(list: &[SourceRef]) -> String {
    let source = |s: &SourceRef| {
        let mut parts = vec![s.title.clone()];
        parts.extend(
            [
                s.publisher.clone(),
                s.url.clone().unwrap_or_default(),
                s.published_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
            .into_iter()
            .filter(|p| !p.is_empty()),
        );
        parts.join(", ")
    };
    list.iter().map(source).collect::<Vec<_>>().join("; ")
}

/// A line's fields as the contract page labels and shows them.
fn line_facts(line: &LineDraft, names: &Names) -> [(&'static str, String); 7] {
    [
        (
            "system",
            names.label(&names.system_names, Some(line.system_id)),
        ),
        (
            "quantity",
            line.quantity
                .map(|q| q.get().to_string())
                .unwrap_or_default(),
        ),
        ("quantity confidence", line.quantity_confidence.to_string()),
        (
            "value",
            line.value.map(|m| m.to_string()).unwrap_or_default(),
        ),
        ("notes", line.notes.to_string()),
        ("options not exercised", line.options.to_string()),
        ("options exercised", line.exercised.to_string()),
    ]
}

/// "K2PL × 5": a line in a few words.
fn line_summary(line: &LineDraft, names: &Names) -> String {
    let system = names.label(&names.system_names, Some(line.system_id));
    match line.quantity {
        Some(q) => format!("{system} \u{d7} {}", q.get()),
        None => system,
    }
}
