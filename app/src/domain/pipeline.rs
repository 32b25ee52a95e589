//! A deal before signature: the stage it is at (its status), when it may be signed and how
//! likely that is, and why it fell through when it did. The rules that tie these to the status
//! are [`Outlook::check`]'s, one message per field.

use super::deal::Standing;
use super::text::{Basis, Prose};
use super::{Confidence, PartialDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A probability of being signed, in whole percent (0–100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Percent(u8);

impl Percent {
    /// `35`, `35%` or `35 %`.
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        let digits = text.strip_suffix('%').unwrap_or(text).trim_end();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "“{text}” is not a probability: enter a whole percent from 0 to 100, e.g. 40."
            ));
        }
        digits
            .parse::<i64>()
            .map_err(|_| "A probability is at most 100 %.".to_owned())
            .and_then(Self::new)
    }

    pub fn new(value: i64) -> Result<Self, String> {
        u8::try_from(value)
            .ok()
            .filter(|v| *v <= 100)
            .map(Self)
            .ok_or_else(|| "A probability is a whole percent from 0 to 100.".to_owned())
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.0)
    }
}

impl TryFrom<i64> for Percent {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, String> {
        Self::new(value)
    }
}

impl From<Percent> for i64 {
    fn from(value: Percent) -> Self {
        value.get()
    }
}

/// How likely a pipeline deal is to be signed, and when: a figure like any other, with how sure
/// it is and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probability {
    pub percent: Percent,
    pub confidence: Confidence,
    /// Who estimates it, or on what ("Janes forecast, 2025-06").
    pub basis: String,
}

/// What a record expects before signature, and why it lapsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outlook {
    pub expected_signing: Option<PartialDate>,
    pub probability: Option<Probability>,
    /// Why a pipeline deal fell through (only when it lapsed).
    pub lapsed_reason: String,
}

/// The outlook as a form reads it, before it is checked against the status.
#[derive(Debug, Clone)]
pub struct OutlookInput {
    pub expected_signing: Option<PartialDate>,
    pub percent: Option<Percent>,
    pub confidence: Confidence,
    pub basis: Basis,
    pub lapsed_reason: Prose,
}

/// A rule of the outlook broken: which input it is about, and the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutlookField {
    SignedOn,
    ExpectedSigning,
    Probability,
    LapsedReason,
}

impl Default for OutlookInput {
    fn default() -> Self {
        Self {
            expected_signing: None,
            percent: None,
            confidence: Confidence::Estimated,
            basis: Basis::default(),
            lapsed_reason: Prose::default(),
        }
    }
}

impl Outlook {
    /// The year a record signed on `signed_on` counts in: its signing year, or before signature
    /// the year it is expected to be signed (stored as `signed_year`, which the year filters and
    /// the summary's years read).
    pub fn counted_year(&self, signed_on: Option<PartialDate>) -> Option<i32> {
        signed_on.or(self.expected_signing).map(|d| d.year())
    }

    /// The outlook of a record at `standing`, signed on `signed_on`, or every rule it breaks:
    /// a probability only before signature (or on a lapsed deal, which keeps its last one) and
    /// required there; an expected signing date and no signing date before signature; a lapsed
    /// deal says why, and only a lapsed one has a reason. (A deal signed out of the pipeline
    /// must get its signing date: [`signing_date_needed`], which knows the stored record.)
    pub fn check(
        standing: Standing,
        signed_on: Option<PartialDate>,
        input: OutlookInput,
    ) -> Result<Outlook, Vec<(OutlookField, &'static str)>> {
        let mut broken = Vec::new();
        let before_signature = matches!(standing, Standing::Pipeline | Standing::Lapsed);
        match (standing, input.percent) {
            (Standing::Pipeline, None) => broken.push((
                OutlookField::Probability,
                "Give the probability that it is signed, 0–100 %: estimate it, and say how sure the estimate is.",
            )),
            (Standing::InForce | Standing::Cancelled, Some(_)) => broken.push((
                OutlookField::Probability,
                "Only a deal not signed yet has a probability: clear it, or choose a stage before signature.",
            )),
            _ => {}
        }
        if !before_signature && input.expected_signing.is_some() {
            broken.push((
                OutlookField::ExpectedSigning,
                "Only a deal not signed yet has an “Expected signing” date: put the date it was signed under “Signed on”.",
            ));
        }
        if standing == Standing::Pipeline && signed_on.is_some() {
            broken.push((
                OutlookField::SignedOn,
                "A deal not signed yet has no signing date: clear it (put the date it may be signed under “Expected signing”), or choose “signed”.",
            ));
        }
        match (standing, input.lapsed_reason.is_empty()) {
            (Standing::Lapsed, true) => broken.push((
                OutlookField::LapsedReason,
                "Say why the deal fell through (e.g. “buyer chose the K2 instead”).",
            )),
            (Standing::Lapsed, false) => {}
            (_, false) => broken.push((
                OutlookField::LapsedReason,
                "Only a lapsed deal has a reason for lapsing: clear it, or choose “lapsed”.",
            )),
            _ => {}
        }
        if !broken.is_empty() {
            return Err(broken);
        }
        Ok(Outlook {
            expected_signing: input.expected_signing,
            probability: input.percent.map(|percent| Probability {
                percent,
                confidence: input.confidence,
                basis: input.basis.into_string(),
            }),
            lapsed_reason: input.lapsed_reason.into_string(),
        })
    }
}

/// The message when a deal that was in the pipeline is marked signed without its signing date
/// (a year will do). Records entered as signed may leave the date out when no source gives it:
/// the summary counts them under "date not recorded".
pub fn signing_date_needed(
    was: Standing,
    now: Standing,
    signed_on: Option<PartialDate>,
) -> Option<&'static str> {
    (matches!(was, Standing::Pipeline | Standing::Lapsed)
        && now == Standing::InForce
        && signed_on.is_none())
    .then_some(
        "It was in the pipeline and is signed now: enter the signing date (a year or a month will do).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(percent: Option<i64>, reason: &str) -> OutlookInput {
        OutlookInput {
            percent: percent.map(|p| Percent::new(p).unwrap()),
            lapsed_reason: Prose::parse(reason).unwrap(),
            ..OutlookInput::default()
        }
    }

    #[test]
    fn percent_reads_whole_percents_only() {
        assert_eq!(Percent::parse("40").unwrap().get(), 40);
        assert_eq!(Percent::parse(" 40 % ").unwrap().get(), 40);
        assert_eq!(Percent::parse("100%").unwrap().get(), 100);
        assert_eq!(Percent::parse("0").unwrap().get(), 0);
        for bad in ["101", "-5", "40.5", "forty", "", "99999999999999999999"] {
            assert!(Percent::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_standing_takes_what_it_may_and_nothing_else() {
        let year = Some(PartialDate::parse("2024").unwrap());
        assert!(Outlook::check(Standing::Pipeline, None, input(Some(40), "")).is_ok());
        assert!(Outlook::check(Standing::InForce, year, input(None, "")).is_ok());
        assert!(Outlook::check(Standing::Lapsed, None, input(Some(40), "chose K2")).is_ok());
        let fields = |standing, signed_on, input| {
            Outlook::check(standing, signed_on, input)
                .unwrap_err()
                .into_iter()
                .map(|(field, _)| field)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(Standing::Pipeline, year, input(None, "x")),
            [
                OutlookField::Probability,
                OutlookField::SignedOn,
                OutlookField::LapsedReason
            ]
        );
        assert_eq!(
            fields(Standing::InForce, None, input(Some(10), "")),
            [OutlookField::Probability]
        );
        assert!(signing_date_needed(Standing::Pipeline, Standing::InForce, None).is_some());
        assert!(signing_date_needed(Standing::Pipeline, Standing::InForce, year).is_none());
        assert!(signing_date_needed(Standing::InForce, Standing::InForce, None).is_none());
        assert!(signing_date_needed(Standing::Pipeline, Standing::Pipeline, None).is_none());
        assert_eq!(
            fields(Standing::Lapsed, None, input(None, "")),
            [OutlookField::LapsedReason]
        );
        let mut expecting = input(None, "");
        expecting.expected_signing = Some(PartialDate::parse("2027").unwrap());
        assert_eq!(
            fields(Standing::Cancelled, year, expecting),
            [OutlookField::ExpectedSigning]
        );
    }
}
