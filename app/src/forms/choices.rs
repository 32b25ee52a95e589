//! What the selects of the entry forms choose from.

use super::fields::{BACKS_RECORD, BACKS_VALUE};
use crate::domain::register::{AgreementChoice, SystemRecord};
use crate::domain::{Confidence, CountryCode, Firm};
use crate::error::AppError;

pub fn countries() -> Vec<(String, String)> {
    CountryCode::all_by_name()
        .into_iter()
        .map(|(c, n)| (c.to_string(), n.to_owned()))
        .collect()
}

pub fn confidences() -> Vec<(String, String)> {
    Confidence::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.as_str().to_owned()))
        .collect()
}

/// What the selects of the entry forms choose from.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Choices {
    pub firms: Vec<Firm>,
    pub systems: Vec<SystemRecord>,
    pub agreements: Vec<AgreementChoice>,
}

impl Choices {
    pub async fn load() -> Result<Self, AppError> {
        let firms = crate::firms::api::list_firms().await?;
        let systems = crate::systems::api::list_systems().await?;
        let agreements = crate::agreements::api::agreement_choices().await?;
        Ok(Self {
            firms,
            systems,
            agreements,
        })
    }

    pub fn firm_options(&self) -> Vec<(String, String)> {
        self.firms
            .iter()
            .map(|f| (f.id.to_string(), f.name.clone()))
            .collect()
    }

    pub fn system_options(&self) -> Vec<(String, String)> {
        self.systems
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    format!("{} ({})", s.designation, s.category),
                )
            })
            .collect()
    }

    pub fn agreement_options(&self) -> Vec<(String, String)> {
        self.agreements
            .iter()
            .map(|a| {
                (
                    a.id.to_string(),
                    format!("{} ({})", a.title, a.buyer.name()),
                )
            })
            .collect()
    }

    /// A field's value as the form's select shows it (a firm's name rather than its id).
    pub fn shown(&self, key: &str, value: &str) -> String {
        let field = key.rsplit('_').next().unwrap_or(key);
        let pick = |options: Vec<(String, String)>| {
            options
                .into_iter()
                .find(|(v, _)| v == value)
                .map(|(_, label)| label)
        };
        let label = if value.is_empty() {
            Some("(empty)".to_owned())
        } else if key == "agreement_id" {
            pick(self.agreement_options())
        } else if key == "buyer" {
            pick(countries())
        } else if key.starts_with("supplier") || key == "maker_id" {
            pick(self.firm_options())
        } else if (key.starts_with("line") && field == "system") || key == "variant_of_id" {
            pick(self.system_options())
        } else if field == "backs" {
            Some(backs_label(value))
        } else {
            None
        };
        label.unwrap_or_else(|| value.to_owned())
    }
}

pub fn backs_label(value: &str) -> String {
    match value {
        BACKS_VALUE => "The value above".to_owned(),
        BACKS_RECORD => "The record as a whole".to_owned(),
        other => other
            .strip_prefix("alt")
            .and_then(|n| n.parse::<usize>().ok())
            .map_or_else(|| other.to_owned(), |n| format!("Other figure {}", n + 1)),
    }
}
