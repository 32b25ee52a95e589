//! The audit page's filter.

use super::{AuditAction, RecordKind};
use crate::domain::text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const AUDIT_PER_PAGE: u32 = 50;

/// The audit page's filter, carried in its address like the lists' filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
    pub kind: Option<RecordKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: u32,
}

impl AuditFilter {
    /// Reads the address's query; values that do not parse are named in the second list.
    pub fn from_query(pairs: &[(String, String)]) -> (Self, Vec<String>) {
        let mut filter = Self {
            page: 1,
            ..Self::default()
        };
        let mut bad = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let ok = match key.as_str() {
                "actor" => text::clean(value, text::Lines::One)
                    .map(|actor| filter.actor = Some(actor))
                    .is_ok(),
                "action" => {
                    filter.action = AuditAction::parse(value);
                    filter.action.is_some()
                }
                "kind" => {
                    filter.kind = RecordKind::parse(value);
                    filter.kind.is_some()
                }
                "from" => {
                    filter.from = value.parse().ok();
                    filter.from.is_some()
                }
                "to" => {
                    filter.to = value.parse().ok();
                    filter.to.is_some()
                }
                "page" => match value.parse::<u32>() {
                    Ok(page) if page >= 1 => {
                        filter.page = page;
                        true
                    }
                    _ => false,
                },
                _ => true,
            };
            if !ok {
                bad.push(format!("{key}={value}"));
            }
        }
        (filter, bad)
    }

    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(actor) = &self.actor {
            pairs.push(("actor", actor.clone()));
        }
        if let Some(action) = self.action {
            pairs.push(("action", action.as_str().to_owned()));
        }
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.as_str().to_owned()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    pub fn limit(&self) -> u32 {
        AUDIT_PER_PAGE
    }

    pub fn offset(&self) -> u32 {
        (self.page.max(1) - 1) * AUDIT_PER_PAGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_read_their_address_and_name_bad_values() {
        let pairs: Vec<(String, String)> = [
            ("actor", "anna"),
            ("action", "update"),
            ("kind", "contract"),
            ("from", "2026-01-01"),
            ("to", "2026-13-01"),
            ("page", "2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (filter, bad) = AuditFilter::from_query(&pairs);
        assert_eq!(filter.actor.as_deref(), Some("anna"));
        assert_eq!(filter.action, Some(AuditAction::Update));
        assert_eq!(filter.kind, Some(RecordKind::Contract));
        assert_eq!(filter.from, NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(filter.to, None);
        assert_eq!(bad, vec!["to=2026-13-01".to_owned()]);
        assert_eq!(filter.offset(), AUDIT_PER_PAGE);
        assert_eq!(
            filter.to_query(),
            "actor=anna&action=update&kind=contract&from=2026-01-01"
        );
    }
}
