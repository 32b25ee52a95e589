//! The pipeline columns that agreements and contracts share (expected signing date, probability
//! with its confidence and basis, reason for lapsing): read into an [`Outlook`], written from one.

use super::provenance::partial_date;
use super::{Result, StorageError};
use crate::domain::Confidence;
use crate::domain::pipeline::{Outlook, Percent, Probability};

/// The columns as `SELECT` lists them, for the table aliased `alias`.
pub fn columns(alias: &str) -> String {
    [
        "likely_signed_on",
        "probability",
        "probability_confidence",
        "probability_basis",
        "lapsed_reason",
    ]
    .map(|c| format!("{alias}.{c}"))
    .join(", ")
}

/// The columns of a row, flattened into the row types that read them.
#[derive(Debug, sqlx::FromRow)]
pub struct OutlookRow {
    likely_signed_on: Option<String>,
    probability: Option<i64>,
    probability_confidence: Option<String>,
    probability_basis: String,
    lapsed_reason: String,
}

impl OutlookRow {
    pub fn outlook(self) -> Result<Outlook> {
        let probability = match (self.probability, self.probability_confidence) {
            (Some(percent), Some(confidence)) => Some(Probability {
                percent: Percent::new(percent).map_err(StorageError::Corrupt)?,
                confidence: Confidence::parse(&confidence).map_err(StorageError::Corrupt)?,
                basis: self.probability_basis,
            }),
            _ => None,
        };
        Ok(Outlook {
            expected_signing: partial_date(self.likely_signed_on)?,
            probability,
            lapsed_reason: self.lapsed_reason,
        })
    }
}

/// What an [`Outlook`] binds, in [`columns`]' order.
pub type Binds<'a> = (
    Option<String>,
    Option<i64>,
    Option<&'a str>,
    &'a str,
    &'a str,
);

pub fn binds(outlook: &Outlook) -> Binds<'_> {
    let probability = outlook.probability.as_ref();
    (
        outlook.expected_signing.map(|d| d.to_string()),
        probability.map(|p| p.percent.get()),
        probability.map(|p| p.confidence.as_str()),
        probability.map_or("", |p| p.basis.as_str()),
        outlook.lapsed_reason.as_str(),
    )
}
