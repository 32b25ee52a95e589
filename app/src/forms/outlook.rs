//! The "before signature" fields that the agreement and contract forms share: expected
//! signing date, probability (with its confidence and basis) and the reason a deal lapsed,
//! read into the domain's [`Outlook`] and checked against the form's status.

use super::fields::EntryFields;
use super::widgets::{Choice, Entry, vocabulary_options};
use crate::domain::pipeline::{Outlook, OutlookField, OutlookInput, Percent};
use crate::domain::text::{Basis, Prose};
use crate::domain::{Confidence, FieldErrors, PartialDate, Standing, limits};
use leptos::prelude::*;

/// The fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutlookForm {
    pub expected_signing: String,
    pub probability: String,
    pub confidence: String,
    pub basis: String,
    pub lapsed_reason: String,
}

impl OutlookForm {
    pub const EXPECTED_SIGNING: &str = "likely_signed_on";
    pub const PROBABILITY: &str = "probability";
    pub const CONFIDENCE: &str = "probability_confidence";
    pub const BASIS: &str = "probability_basis";
    pub const LAPSED_REASON: &str = "lapsed_reason";
    /// The form's own signing date, which the rules also check.
    const SIGNED_ON: &str = "signed_on";

    pub fn read(fields: &EntryFields) -> Self {
        let get = |name: &str| fields.get(name).to_owned();
        Self {
            expected_signing: get(Self::EXPECTED_SIGNING),
            probability: get(Self::PROBABILITY),
            confidence: get(Self::CONFIDENCE),
            basis: get(Self::BASIS),
            lapsed_reason: get(Self::LAPSED_REASON),
        }
    }

    pub fn write(&self, fields: &mut EntryFields) {
        for (name, value) in [
            (Self::EXPECTED_SIGNING, &self.expected_signing),
            (Self::PROBABILITY, &self.probability),
            (Self::CONFIDENCE, &self.confidence),
            (Self::BASIS, &self.basis),
            (Self::LAPSED_REASON, &self.lapsed_reason),
        ] {
            fields.set(name, value.clone());
        }
    }

    fn key(field: OutlookField) -> &'static str {
        match field {
            OutlookField::SignedOn => Self::SIGNED_ON,
            OutlookField::ExpectedSigning => Self::EXPECTED_SIGNING,
            OutlookField::Probability => Self::PROBABILITY,
            OutlookField::LapsedReason => Self::LAPSED_REASON,
        }
    }

    /// The outlook of a record at `standing` (unknown when its status did not parse: then
    /// only each field's own reading is checked), every problem at its field.
    pub fn parse(
        &self,
        standing: Option<Standing>,
        signed_on: Option<PartialDate>,
        errors: &mut FieldErrors,
    ) -> Option<Outlook> {
        let expected_signing = errors
            .check(
                Self::EXPECTED_SIGNING,
                match self.expected_signing.trim() {
                    "" => Ok(None),
                    text if text.chars().count() > limits::DATE_MAX => Err(format!(
                        "Use at most {} characters: a date is YYYY-MM-DD, YYYY-MM or YYYY.",
                        limits::DATE_MAX
                    )),
                    text => PartialDate::parse(text).map(Some),
                },
            )
            .flatten();
        let percent = errors
            .check(
                Self::PROBABILITY,
                match self.probability.trim() {
                    "" => Ok(None),
                    text => Percent::parse(text).map(Some),
                },
            )
            .flatten();
        let confidence = errors.check(
            Self::CONFIDENCE,
            match self.confidence.trim() {
                "" => Ok(Confidence::Estimated),
                text => Confidence::parse(text),
            },
        );
        let basis = errors.check(Self::BASIS, Basis::parse(&self.basis));
        let lapsed_reason = errors.check(Self::LAPSED_REASON, Prose::parse(&self.lapsed_reason));
        let (Some(standing), Some(confidence), Some(basis), Some(lapsed_reason)) =
            (standing, confidence, basis, lapsed_reason)
        else {
            return None;
        };
        let input = OutlookInput {
            expected_signing,
            percent,
            confidence,
            basis,
            lapsed_reason,
        };
        match Outlook::check(standing, signed_on, input) {
            Ok(outlook) => Some(outlook),
            Err(broken) => {
                for (field, message) in broken {
                    if errors.get(Self::key(field)).is_none() {
                        errors.add(Self::key(field), message);
                    }
                }
                None
            }
        }
    }
}

impl From<&Outlook> for OutlookForm {
    fn from(outlook: &Outlook) -> Self {
        let probability = outlook.probability.as_ref();
        Self {
            expected_signing: outlook
                .expected_signing
                .map(|d| d.to_string())
                .unwrap_or_default(),
            probability: probability
                .map(|p| p.percent.get().to_string())
                .unwrap_or_default(),
            confidence: probability
                .map(|p| p.confidence.as_str().to_owned())
                .unwrap_or_default(),
            basis: probability.map(|p| p.basis.clone()).unwrap_or_default(),
            lapsed_reason: outlook.lapsed_reason.clone(),
        }
    }
}

/// The fieldset of the form: what a deal not signed yet records, and why one lapsed.
#[component]
pub fn OutlookFields(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    let confidences = vocabulary_options(Confidence::ALL.iter().map(|c| c.as_str()));
    view! {
        <fieldset class="form-grid">
            <legend>"Before signature"</legend>
            <p class="hint span-all">"For a deal not signed yet (status announced, memorandum of understanding, letter of intent, notified or negotiating): when it may be signed and how likely that is. Leave empty once it is signed."</p>
            <Entry label="Expected signing" name=OutlookForm::EXPECTED_SIGNING.into() fields=fields.clone() errors=errors.clone() max=limits::DATE_MAX hint="YYYY-MM-DD, YYYY-MM or YYYY" />
            <Entry label="Probability of signing (%)" name=OutlookForm::PROBABILITY.into() fields=fields.clone() errors=errors.clone() max=limits::PERCENT_MAX number=true hint="A whole percent, 0–100: the totals can weight the pipeline by it" />
            <Choice label="Probability confidence" name=OutlookForm::CONFIDENCE.into() fields=fields.clone() errors=errors.clone() options=confidences default="estimated" />
            <Entry label="Probability basis" name=OutlookForm::BASIS.into() fields=fields.clone() errors=errors.clone() max=limits::BASIS_MAX hint="Who estimates it, or on what, e.g. Janes forecast 2025-06" />
            <Entry label="Why it lapsed" name=OutlookForm::LAPSED_REASON.into() fields=fields errors=errors max=limits::PROSE_MAX multiline=true hint="Only for status lapsed: a pipeline deal that fell through, kept with its reason" />
        </fieldset>
    }
}
