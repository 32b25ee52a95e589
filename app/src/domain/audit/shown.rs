//! An entry as its readers see it: its changes with the record page's labels, money with its
//! currency, rates as rates and references by their records' current names.

use super::layout::{Column, Part, RefTo, Shape};
use super::{AuditAction, AuditEntry, RecordKind};
use crate::domain::{CountryCode, CurrencyCode, Money};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// A value as a reader sees it, and the page of the record it names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub text: String,
    pub href: Option<String>,
}

impl Shown {
    fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: None,
        }
    }
}

/// A field a change touched, labelled and formatted ("Line 2 · Value": "USD 1,000.00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownChange {
    pub field: String,
    pub before: Shown,
    pub after: Shown,
}

/// An entry as its readers see it: its changes labelled, formatted and with names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub record: Option<(RecordKind, i64)>,
    pub detail: String,
    pub client: String,
    pub changes: Vec<ShownChange>,
}

/// The current names of referenced records; one that is missing has been deleted.
#[derive(Debug, Clone, Default)]
pub struct Names(HashMap<(RefTo, i64), Shown>);

impl Names {
    pub fn insert(&mut self, to: RefTo, id: i64, name: String, href: String) {
        self.0.insert(
            (to, id),
            Shown {
                text: name,
                href: Some(href),
            },
        );
    }

    fn get(&self, to: RefTo, id: i64) -> Shown {
        self.0
            .get(&(to, id))
            .cloned()
            .unwrap_or_else(|| Shown::text(format!("#{id} (deleted)")))
    }
}

/// A JSON cell's text: "" for null.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `value` of `column` as a reader sees it; `row` holds the columns it reads with it (a
/// currency). `None` for a column that is not shown.
fn shown_cell(
    column: Option<&Column>,
    value: &Value,
    row: &serde_json::Map<String, Value>,
    names: &Names,
) -> Option<Shown> {
    let Some(column) = column else {
        return Some(Shown::text(plain(value)));
    };
    if value.is_null() {
        return match column.shape {
            Shape::Hidden | Shape::CurrencyOf(_) => None,
            _ => Some(Shown::default()),
        };
    }
    let shown = match column.shape {
        Shape::Hidden | Shape::CurrencyOf(_) => return None,
        Shape::Text => Shown::text(plain(value)),
        Shape::Money(currency) => {
            let code = row.get(currency).map(plain).unwrap_or_default();
            match (value.as_i64(), CurrencyCode::parse(&code)) {
                (Some(minor), Ok(code)) => Shown::text(Money::from_minor(minor, code).to_string()),
                _ => Shown::text(format!("{code} {} (minor units)", plain(value))),
            }
        }
        Shape::MoneyChange(currency) => {
            let code = row.get(currency).map(plain).unwrap_or_default();
            match (value.as_i64(), CurrencyCode::parse(&code)) {
                (Some(minor), Ok(code)) => Shown::text(
                    crate::domain::amendment::MoneyChange::from_minor(minor, code).to_string(),
                ),
                _ => Shown::text(format!("{code} {} (minor units)", plain(value))),
            }
        }
        Shape::Rate => match value.as_i64() {
            Some(nanos) => Shown::text(crate::domain::rate::from_nanos(nanos).to_string()),
            None => Shown::text(plain(value)),
        },
        Shape::Ref(to) => match value.as_i64() {
            Some(id) => names.get(to, id),
            None => Shown::text(plain(value)),
        },
        Shape::Country => {
            let code = plain(value);
            Shown::text(
                CountryCode::parse(&code)
                    .map(|c| c.name().to_owned())
                    .unwrap_or(code),
            )
        }
        Shape::Flag => Shown::text(match value {
            Value::Bool(true) => "yes",
            Value::Bool(false) => "no",
            other if other.as_i64() == Some(0) => "no",
            other if other.as_i64().is_some() => "yes",
            _ => return Some(Shown::text(plain(value))),
        }),
    };
    Some(shown)
}

/// The cells of `row` in the order of `columns`, then those `columns` does not know (under
/// their stored names, so a column added to a table without a label here still shows).
fn ordered<'a>(
    columns: &'static [Column],
    row: &'a serde_json::Map<String, Value>,
) -> Vec<(&'a str, Option<&'static Column>, &'a Value)> {
    let mut out: Vec<_> = columns
        .iter()
        .filter_map(|c| row.get(c.name).map(|v| (c.name, Some(c), v)))
        .collect();
    out.extend(
        row.iter()
            .filter(|(name, value)| {
                !value.is_array() && !columns.iter().any(|c| c.name == name.as_str())
            })
            .map(|(name, value)| (name.as_str(), None, value)),
    );
    out
}

/// Each shown field of a snapshot of `kind` with its labelled path, in the layout's order.
fn shown_fields(kind: RecordKind, snapshot: &Value, names: &Names) -> Vec<(String, Shown)> {
    let mut out = Vec::new();
    let Value::Object(record) = snapshot else {
        return out;
    };
    let parts = kind.parts();
    let own = parts
        .iter()
        .find(|p| p.key.is_empty())
        .map_or(&[][..], |p| p.columns);
    for (name, column, cell) in ordered(own, record) {
        if let Some(shown) = shown_cell(column, cell, record, names) {
            out.push((column.map_or(name, |c| c.label).to_owned(), shown));
        }
    }
    let mut lists: Vec<(&str, Option<&Part>, &Vec<Value>)> = parts
        .iter()
        .filter_map(|p| match record.get(p.key) {
            Some(Value::Array(items)) => Some((p.key, Some(p), items)),
            _ => None,
        })
        .collect();
    lists.extend(record.iter().filter_map(|(key, value)| match value {
        Value::Array(items) if !parts.iter().any(|p| p.key == key.as_str()) => {
            Some((key.as_str(), None, items))
        }
        _ => None,
    }));
    for (key, part, items) in lists {
        let item = part.map_or(key, |p| p.item);
        let columns = part.map_or(&[][..], |p| p.columns);
        for (n, row) in items.iter().enumerate() {
            let prefix = format!("{item} {}", n + 1);
            let Value::Object(row) = row else {
                out.push((prefix, Shown::text(plain(row))));
                continue;
            };
            for (name, column, cell) in ordered(columns, row) {
                if let Some(shown) = shown_cell(column, cell, row, names) {
                    let label = match column.map(|c| c.label) {
                        Some("") => prefix.clone(),
                        Some(label) => format!("{prefix} · {label}"),
                        None => format!("{prefix} · {name}"),
                    };
                    out.push((label, shown));
                }
            }
        }
    }
    out
}

/// Every reference id a snapshot of `kind` holds.
fn references(kind: RecordKind, snapshot: &Value, out: &mut Vec<(RefTo, i64)>) {
    let Value::Object(record) = snapshot else {
        return;
    };
    let mut take = |key: &str, row: &serde_json::Map<String, Value>| {
        for (name, cell) in row {
            if let Some(Column {
                shape: Shape::Ref(to),
                ..
            }) = kind.column(key, name)
                && let Some(id) = cell.as_i64()
            {
                out.push((*to, id));
            }
        }
    };
    take("", record);
    for (key, value) in record {
        if let Value::Array(items) = value {
            for item in items {
                if let Value::Object(row) = item {
                    take(key, row);
                }
            }
        }
    }
}

impl AuditEntry {
    /// The records this entry's values refer to, for [`AuditEntry::shown`]'s names.
    pub fn references(&self) -> Vec<(RefTo, i64)> {
        let mut out = Vec::new();
        if let Some((kind, _)) = self.record {
            for snapshot in [&self.before, &self.after].into_iter().flatten() {
                references(kind, snapshot, &mut out);
            }
        }
        out
    }

    /// The entry with its changes as a reader sees them: the record page's labels, money with
    /// its currency, rates as rates, and references by their current `names`. Fields whose
    /// shown values are the same before and after are left out.
    pub fn shown(&self, names: &Names) -> ShownEntry {
        let changes = match self.record {
            Some((kind, _)) => {
                let fields = |snapshot: &Option<Value>| {
                    snapshot
                        .as_ref()
                        .map(|s| shown_fields(kind, s, names))
                        .unwrap_or_default()
                };
                let (before, after) = (fields(&self.before), fields(&self.after));
                let mut labels: Vec<&String> = before.iter().map(|(f, _)| f).collect();
                for (field, _) in &after {
                    if !labels.contains(&field) {
                        labels.push(field);
                    }
                }
                let find = |list: &[(String, Shown)], field: &str| {
                    list.iter()
                        .find(|(f, _)| f == field)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                labels
                    .into_iter()
                    .map(|field| ShownChange {
                        field: field.clone(),
                        before: find(&before, field),
                        after: find(&after, field),
                    })
                    .filter(|change| change.before != change.after)
                    .collect()
            }
            None => Vec::new(),
        };
        ShownEntry {
            id: self.id,
            at: self.at,
            actor: self.actor.clone(),
            action: self.action,
            record: self.record,
            detail: self.detail.clone(),
            client: self.client.clone(),
            changes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::tests::entry;
    use serde_json::json;

    fn shown_changes(entry: &AuditEntry, names: &Names) -> Vec<(String, String, String)> {
        entry
            .shown(names)
            .changes
            .into_iter()
            .map(|c| (c.field, c.before.text, c.after.text))
            .collect()
    }

    #[test]
    fn shown_changes_use_labels_money_rates_and_names() {
        let before = json!({
            "id": 7, "title": "K2", "supplier_id": 2, "buyer_code": "PL", "signed_year": 2022,
            "value_minor": 337_000_000_000_i64, "value_currency": "USD",
            "lines": [{"position": 0, "system_id": 5, "value_minor": 100, "value_currency": "USD"}],
        });
        let after = json!({
            "id": 7, "title": "K2", "supplier_id": 3, "buyer_code": "PL", "signed_year": 2023,
            "value_minor": 337_000_000_000_i64, "value_currency": "KRW",
            "lines": [{"position": 0, "system_id": 5, "value_minor": 100, "value_currency": "KRW"}],
        });
        let mut names = Names::default();
        names.insert(RefTo::Firm, 3, "Hanwha Aerospace".into(), "/firms/3".into());
        names.insert(RefTo::System, 5, "K2".into(), "/systems/5".into());
        let entry = entry(Some(before), Some(after));
        let mut refs = entry.references();
        refs.sort();
        refs.dedup();
        assert_eq!(
            refs,
            vec![(RefTo::Firm, 2), (RefTo::Firm, 3), (RefTo::System, 5)]
        );
        assert_eq!(
            shown_changes(&entry, &names),
            vec![
                (
                    "Supplier".into(),
                    "#2 (deleted)".into(),
                    "Hanwha Aerospace".into()
                ),
                (
                    "Value".into(),
                    "USD 3,370,000,000.00".into(),
                    "KRW 337,000,000,000".into()
                ),
                ("Line 1 · Value".into(), "USD 1.00".into(), "KRW 100".into()),
            ],
            "a currency change shows on its amount; the derived year is not shown"
        );
        let supplier = &entry.shown(&names).changes[0].after;
        assert_eq!(supplier.href.as_deref(), Some("/firms/3"));
    }

    #[test]
    fn rates_flags_and_unknown_columns_read_plainly() {
        let rate = AuditEntry {
            record: Some((RecordKind::Rate, 1)),
            ..entry(
                Some(json!({"usd_nanos": 680_000, "currency": "KRW"})),
                Some(json!({"usd_nanos": 1_081_300_000, "currency": "KRW", "new_column": "x"})),
            )
        };
        assert_eq!(
            shown_changes(&rate, &Names::default()),
            vec![
                (
                    "US dollars per unit".into(),
                    "0.00068".into(),
                    "1.0813".into()
                ),
                ("new_column".into(), String::new(), "x".into()),
            ],
            "a column without a label still shows, under its stored name"
        );
        let user = AuditEntry {
            record: Some((RecordKind::User, 1)),
            ..entry(
                Some(json!({"disabled": 0})),
                Some(json!({"disabled": true})),
            )
        };
        assert_eq!(
            shown_changes(&user, &Names::default()),
            vec![("Disabled".into(), "no".into(), "yes".into())]
        );
    }
}
