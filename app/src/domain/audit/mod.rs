//! The audit trail as pages read it: entries, their filter, and a record's change as a list of
//! fields with their values before and after.

mod filter;
mod layout;
mod shown;

pub use filter::{AUDIT_PER_PAGE, AuditFilter};
pub use layout::{Column, Part, RefTo, Shape};
pub use shown::{Names, Shown, ShownChange, ShownEntry};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    SignIn,
    SignInFailed,
    SignOut,
    Refused,
}

impl AuditAction {
    pub const ALL: [AuditAction; 7] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::SignIn => "sign-in",
            AuditAction::SignInFailed => "sign-in failed",
            AuditAction::SignOut => "sign-out",
            AuditAction::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// The kinds of record whose changes are on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordKind {
    Contract,
    Agreement,
    Firm,
    System,
    Delivery,
    Amendment,
    Rate,
    User,
}

impl RecordKind {
    pub const ALL: [RecordKind; 8] = [
        RecordKind::Contract,
        RecordKind::Agreement,
        RecordKind::Firm,
        RecordKind::System,
        RecordKind::Delivery,
        RecordKind::Amendment,
        RecordKind::Rate,
        RecordKind::User,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Contract => "contract",
            RecordKind::Agreement => "agreement",
            RecordKind::Firm => "firm",
            RecordKind::System => "system",
            RecordKind::Delivery => "delivery",
            RecordKind::Amendment => "amendment",
            RecordKind::Rate => "rate",
            RecordKind::User => "user",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// "Contract 7": how a message names the record.
    pub fn title(self, id: i64) -> String {
        let kind = self.as_str();
        let mut chars = kind.chars();
        let first = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .unwrap_or_default();
        format!("{first}{} {id}", chars.as_str())
    }

    /// The record's page, where it has one.
    pub fn href(self, id: i64) -> Option<String> {
        let base = match self {
            RecordKind::Contract => "contracts",
            RecordKind::Agreement => "agreements",
            RecordKind::Firm => "firms",
            RecordKind::System => "systems",
            RecordKind::Rate => "rates",
            RecordKind::Delivery | RecordKind::Amendment | RecordKind::User => return None,
        };
        Some(format!("/{base}/{id}"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub record: Option<(RecordKind, i64)>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub detail: String,
    pub client: String,
}

/// One field that a change touched: its path ("lines 2 · quantity") and its values as text
/// ("" where it had none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// `Value: USD 1,000.00 → USD 1,200.00`, as the import's preview and its command line list it.
impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} \u{2192} {}", self.field, self.before, self.after)
    }
}

impl AuditEntry {
    /// The fields whose values differ between before and after, in the record's column order.
    pub fn changes(&self) -> Vec<FieldChange> {
        let mut before = Vec::new();
        let mut after = Vec::new();
        if let Some(value) = &self.before {
            flatten("", value, &mut before);
        }
        if let Some(value) = &self.after {
            flatten("", value, &mut after);
        }
        let mut fields: Vec<&String> = before.iter().map(|(f, _)| f).collect();
        for (field, _) in &after {
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
        let find = |list: &[(String, String)], field: &str| {
            list.iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        fields
            .into_iter()
            .map(|field| FieldChange {
                field: field.clone(),
                before: find(&before, field),
                after: find(&after, field),
            })
            .filter(|change| change.before != change.after)
            .collect()
    }
}

/// Leaf values of `value` with their paths; list items are numbered from 1.
fn flatten(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path} · {key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                flatten(&join(key), value, out);
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                flatten(&join(&(n + 1).to_string()), item, out);
            }
        }
        Value::Null => out.push((path.to_owned(), String::new())),
        Value::String(text) => out.push((path.to_owned(), text.clone())),
        other => out.push((path.to_owned(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    pub(super) fn entry(before: Option<Value>, after: Option<Value>) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: Utc::now(),
            actor: "anna".into(),
            action: AuditAction::Update,
            record: Some((RecordKind::Contract, 7)),
            before,
            after,
            detail: String::new(),
            client: String::new(),
        }
    }

    #[test]
    fn changes_list_only_the_fields_that_differ() {
        let before = json!({"title": "K2", "value_minor": 100, "lines": [{"quantity": 180}]});
        let after = json!({"title": "K2", "value_minor": 250, "lines": [{"quantity": 180}, {"quantity": 64}]});
        let changes = entry(Some(before), Some(after)).changes();
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "value_minor".into(),
                    before: "100".into(),
                    after: "250".into()
                },
                FieldChange {
                    field: "lines · 2 · quantity".into(),
                    before: String::new(),
                    after: "64".into()
                },
            ]
        );
    }

    #[test]
    fn a_create_shows_every_field_with_a_value() {
        let changes = entry(None, Some(json!({"title": "K9", "notes": null}))).changes();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "title");
        assert_eq!(changes[0].after, "K9");
    }
}
