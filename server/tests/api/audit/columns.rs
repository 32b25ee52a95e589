//! The stored columns of the snapshots and the labels a reader must see them under.

use app::domain::audit::{AuditEntry, RecordKind, Shape};

/// A stored column of a snapshot: its part ("" for the record's own row), its name, and
/// whether any snapshot holds a value in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stored {
    pub(super) part: String,
    pub(super) name: String,
}

/// Every column the snapshots of `entries` hold (with a value somewhere), read off the
/// snapshots themselves: a column added to a table is in this list without a test change.
pub(super) fn stored_columns(entries: &[AuditEntry]) -> Vec<Stored> {
    let mut out: Vec<Stored> = Vec::new();
    let mut add = |part: &str, name: &str| {
        let column = Stored {
            part: part.to_owned(),
            name: name.to_owned(),
        };
        if !out.contains(&column) {
            out.push(column);
        }
    };
    for entry in entries {
        for snapshot in [&entry.before, &entry.after].into_iter().flatten() {
            for (key, value) in snapshot.as_object().unwrap() {
                match value {
                    serde_json::Value::Array(items) => {
                        for item in items {
                            for (name, cell) in item.as_object().unwrap() {
                                if !cell.is_null() {
                                    add(key, name);
                                }
                            }
                        }
                    }
                    serde_json::Value::Null => {}
                    _ => add("", key),
                }
            }
        }
    }
    out
}

/// The label each shown column must have where a history lists it; `None` for columns
/// that are not shown on their own (hidden, or a currency shown with its amount). Panics for
/// a column the audit layout does not know.
fn expected_label(kind: RecordKind, column: &Stored) -> Option<String> {
    let known = kind.column(&column.part, &column.name).unwrap_or_else(|| {
        panic!(
            "{} column {:?} of part {:?} has no label in app/src/domain/audit.rs",
            kind.as_str(),
            column.name,
            column.part
        )
    });
    if matches!(known.shape, Shape::Hidden | Shape::CurrencyOf(_)) {
        return None;
    }
    if column.part.is_empty() {
        return Some(known.label.to_owned());
    }
    let part = kind.parts().iter().find(|p| p.key == column.part).unwrap();
    Some(if known.label.is_empty() {
        format!("{} 1", part.item)
    } else {
        format!("{} 1 · {}", part.item, known.label)
    })
}

/// The field labels of a page's change lists.
pub(super) fn page_labels(page: &str) -> Vec<String> {
    page.split("<span class=\"change-field\">")
        .skip(1)
        .map(|rest| rest.split("</span>").next().unwrap().to_owned())
        .collect()
}

/// The field labels of the audit CSV's `changes` cells.
pub(super) fn csv_labels(csv: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let changes = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "changes")
        .unwrap();
    reader
        .records()
        .flat_map(|row| {
            row.unwrap()[changes]
                .lines()
                .map(|line| line.split(": ").next().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// What a reader sees of `kind`'s columns in `labels` (from `source`, a page or the CSV): no
/// stored column name, and each shown column under its label.
pub(super) fn assert_labelled(
    kind: RecordKind,
    columns: &[Stored],
    labels: &[String],
    source: &str,
) {
    assert!(!labels.is_empty(), "{source}: no changes listed");
    for column in columns {
        for label in labels {
            assert!(
                label != &column.name
                    && !(column.name.contains('_') && label.contains(&column.name))
                    && (column.part.is_empty()
                        || !label.starts_with(&format!("{} · ", column.part))),
                "{source}: {} column {:?} ({:?}) is shown by its stored name: {label:?}",
                kind.as_str(),
                column.name,
                column.part,
            );
        }
        if let Some(label) = expected_label(kind, column) {
            assert!(
                labels.contains(&label),
                "{source}: {} column {:?} ({:?}) is not listed as {label:?}: {labels:?}",
                kind.as_str(),
                column.name,
                column.part,
            );
        }
    }
}
