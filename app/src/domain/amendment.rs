//! Amendments: dated events that change a signed deal's figures (units per line, options, the
//! value), each with its kind, its reason and its sources.
//!
//! A record keeps its current figures, which every total, list and export reads. What it was
//! originally is the current figures less all its amendments; what it was "as of" a day is the
//! current figures less the amendments (and deliveries) dated after that day. Correcting a
//! figure directly (a typo) changes the original as well: it was never different.

use super::quantity::MAX_QUANTITY;
use super::rate::usd_equivalent;
use super::register::{Agreement, Contract, SourceRef};
use super::{AmendmentKind, Confidence, CurrencyCode, Money, PartialDate, Quantity};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A signed change of an amount in a currency (`+PLN 1,200,000.00`, `−USD 50,000,000.00`),
/// exact in the currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyChange {
    minor: i64,
    currency: CurrencyCode,
}

impl MoneyChange {
    /// Parses `+1,200,000`, `-50000000.00`, `−3 000` (a minus sign as typed or as typeset); a
    /// change of zero is no change, and refused as one.
    pub fn parse(input: &str, currency: CurrencyCode) -> Result<Self, String> {
        let (negative, amount) = split_sign(input);
        let money = Money::parse(amount, currency)?;
        if money.to_minor() == 0 {
            return Err("A change of zero changes nothing: leave the field empty.".into());
        }
        Ok(Self::from_minor(
            if negative {
                -money.to_minor()
            } else {
                money.to_minor()
            },
            currency,
        ))
    }

    pub fn from_minor(minor: i64, currency: CurrencyCode) -> Self {
        Self { minor, currency }
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> CurrencyCode {
        self.currency
    }

    /// `money` with this change, or why it cannot take it (another currency, below zero).
    pub fn applied_to(&self, money: Money) -> Result<Money, String> {
        if money.currency() != self.currency {
            return Err(format!(
                "The value is in {}: give the change in {} too.",
                money.currency(),
                money.currency()
            ));
        }
        let minor = money.to_minor() + self.minor;
        if minor < 0 {
            return Err(format!(
                "The value is {money}: it cannot fall by more than that."
            ));
        }
        Ok(Money::from_minor(minor, self.currency))
    }

    /// The same change the other way (taking an amendment back out).
    pub fn reversed(&self) -> Self {
        Self::from_minor(-self.minor, self.currency)
    }
}

/// `+PLN 1,200,000.00`; a fall with a true minus sign.
impl fmt::Display for MoneyChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = Money::from_minor(self.minor.abs(), self.currency);
        let sign = if self.minor < 0 { '−' } else { '+' };
        write!(f, "{sign}{size}")
    }
}

/// A typed change without its sign, and whether it was a minus (`-`, or `−` as typeset).
fn split_sign(input: &str) -> (bool, &str) {
    let text = input.trim();
    if let Some(rest) = text.strip_prefix(['-', '−']) {
        (true, rest)
    } else {
        (false, text.strip_prefix('+').unwrap_or(text))
    }
}

/// A signed number of units typed in a form: empty is no change (0), `+12`, `-6`, `−6`.
pub fn parse_units_change(input: &str) -> Result<i64, String> {
    if input.trim().is_empty() {
        return Ok(0);
    }
    let (negative, digits) = split_sign(input);
    if digits.trim().is_empty() {
        return Err("Give a number of units after the sign, e.g. +12 or -6.".into());
    }
    let size = Quantity::parse(digits).map_err(|message| {
        if digits.trim() == "0" {
            "A change of 0 changes nothing: leave the field empty.".to_owned()
        } else {
            message
        }
    })?;
    Ok(if negative { -size.get() } else { size.get() })
}

/// What one amendment changed on one contract line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    pub line_id: i64,
    /// The line's place in its contract (0 for the first).
    pub position: i64,
    /// The line's system, for showing the change ("K9PL").
    pub system: String,
    /// Firm units ordered (+) or cancelled (−).
    pub units: i64,
    /// Option units granted (+) or withdrawn (−).
    pub options: i64,
    /// Options exercised: they leave the options and join the quantity.
    pub exercised: i64,
}

impl LineChange {
    /// How the line's quantity moves: its firm units and the options exercised.
    pub fn quantity_change(&self) -> i64 {
        self.units + self.exercised
    }

    /// How the line's unexercised options move.
    pub fn options_change(&self) -> i64 {
        self.options - self.exercised
    }
}

/// An amendment as stored: when, what kind, why, what it changed, how sure and who says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub id: i64,
    pub amended_on: PartialDate,
    pub kind: AmendmentKind,
    pub reason: String,
    pub value_change: Option<MoneyChange>,
    pub confidence: Confidence,
    pub changes: Vec<LineChange>,
    pub sources: Vec<SourceRef>,
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub recorded_at: DateTime<Utc>,
}

impl Amendment {
    /// Whether the amendment had happened by the end of `day`: a date given only as a month or
    /// a year counts once all of it is past (it may be its last day).
    pub fn known_by(&self, day: NaiveDate) -> bool {
        self.amended_on.latest() <= day
    }
}

/// An amendment read from its form against the record it amends, ready to store: every rule
/// of the record (its lines, deliveries, options and value) is already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentDraft {
    pub amended_on: PartialDate,
    pub kind: AmendmentKind,
    pub reason: super::text::Prose,
    pub value_change: Option<MoneyChange>,
    pub confidence: Confidence,
    /// `system` unused: the stored line says it.
    pub changes: Vec<LineChange>,
    pub sources: Vec<SourceRef>,
}

/// A number of units a line may hold after a change: 1 to [`MAX_QUANTITY`].
pub fn units_after(now: i64, change: i64) -> Result<i64, String> {
    match now + change {
        n if n < 1 => Err(format!(
            "The line has {now}: at least 1 must remain (cancel the whole contract by its status)."
        )),
        n if n > MAX_QUANTITY => Err(format!("At most {MAX_QUANTITY} units on one line.")),
        n => Ok(n),
    }
}

/// A record that amendments change: it can be read back without the amendments after a day,
/// or without all of them.
pub trait Amends: Clone {
    fn amendments(&self) -> &[Amendment];
    fn keep_amendments(&mut self, kept: Vec<Amendment>);
    /// Removes `amendment`'s changes from the figures.
    fn take_out(&mut self, amendment: &Amendment);

    /// The record less the amendments not known by the end of `day` (see
    /// [`Amendment::known_by`]).
    fn without_amendments_after(&self, day: NaiveDate) -> Self {
        let mut then = self.clone();
        let (known, later): (Vec<_>, Vec<_>) = self
            .amendments()
            .iter()
            .cloned()
            .partition(|a| a.known_by(day));
        for amendment in &later {
            then.take_out(amendment);
        }
        then.keep_amendments(known);
        then
    }

    /// The record before any amendment: its original figures.
    fn original(&self) -> Self {
        let mut then = self.clone();
        for amendment in self.amendments() {
            then.take_out(amendment);
        }
        then.keep_amendments(Vec::new());
        then
    }
}

/// The value before `amendment` changed it, where it did.
fn value_before(
    amendment: &Amendment,
    value: Option<&mut super::register::Figure>,
) -> Option<Money> {
    let (change, value) = (amendment.value_change?, value?);
    let before = change.reversed().applied_to(value.money).ok()?;
    value.money = before;
    Some(before)
}

impl Amends for Contract {
    fn amendments(&self) -> &[Amendment] {
        &self.amendments
    }

    fn keep_amendments(&mut self, kept: Vec<Amendment>) {
        self.amendments = kept;
    }

    fn take_out(&mut self, amendment: &Amendment) {
        for change in &amendment.changes {
            if let Some(line) = self.lines.iter_mut().find(|l| l.id == change.line_id) {
                line.quantity = line
                    .quantity
                    .and_then(|q| Quantity::new(q.get() - change.quantity_change()).ok());
                line.options -= change.options_change();
                line.exercised -= change.exercised;
            }
        }
        if let Some(before) = value_before(amendment, self.provenance.value.as_mut())
            && let Some(usd) = self.usd.as_mut()
            && let Some(rate) = &usd.rate
        {
            usd.money = usd_equivalent(before, rate.usd_per_unit);
        }
    }
}

impl Contract {
    /// The contract as it stood at the end of `day`: its current figures less the amendments
    /// dated after it, without the deliveries dated after it. Edits made directly (corrections)
    /// are not undone: they are what the record should always have said.
    pub fn as_of(&self, day: NaiveDate) -> Contract {
        let mut then = self.without_amendments_after(day);
        let (kept, unknown): (Vec<_>, Vec<_>) = self
            .deliveries
            .iter()
            .cloned()
            .partition(|d| d.delivered_on.latest() <= day);
        for delivery in &unknown {
            if let Some(line) = then.lines.iter_mut().find(|l| l.id == delivery.line_id) {
                line.delivered -= delivery.units.get();
            }
        }
        then.deliveries = kept;
        then
    }
}

impl Amends for Agreement {
    fn amendments(&self) -> &[Amendment] {
        &self.amendments
    }

    fn keep_amendments(&mut self, kept: Vec<Amendment>) {
        self.amendments = kept;
    }

    fn take_out(&mut self, amendment: &Amendment) {
        for change in &amendment.changes {
            if let Some(line) = self.ceilings.iter_mut().find(|l| l.id == change.line_id)
                && let Ok(before) = Quantity::new(line.quantity.get() - change.units)
            {
                line.quantity = before;
            }
        }
        value_before(amendment, self.provenance.value.as_mut());
    }
}

impl Agreement {
    /// The agreement as it stood at the end of `day`: its current ceilings and value less the
    /// amendments dated after it (what is executed under it is not recomputed).
    pub fn as_of(&self, day: NaiveDate) -> Agreement {
        self.without_amendments_after(day)
    }
}

/// A record as an amendment form reads it: where it stands, since when, its value and its
/// lines (a contract's lines with their options, or an agreement's ceilings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendable {
    /// "contract" or "framework agreement".
    pub what: String,
    pub status: String,
    pub in_force: bool,
    pub signed_on: Option<PartialDate>,
    pub value: Option<Money>,
    pub lines: Vec<AmendableLine>,
    /// Whether its lines carry options (a contract's do, a ceiling's do not).
    pub options: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendableLine {
    pub id: i64,
    pub system: String,
    pub quantity: Option<Quantity>,
    /// Units that must stay on the line (delivered on a contract line).
    pub floor: i64,
    pub options: i64,
}

impl From<&Contract> for Amendable {
    fn from(c: &Contract) -> Self {
        Self {
            what: "contract".into(),
            status: c.status.to_string(),
            in_force: c.status.standing() == super::Standing::InForce,
            signed_on: c.signed_on,
            value: c.provenance.value.as_ref().map(|f| f.money),
            lines: c
                .lines
                .iter()
                .map(|l| AmendableLine {
                    id: l.id,
                    system: l.system.name.clone(),
                    quantity: l.quantity,
                    floor: l.delivered,
                    options: l.options,
                })
                .collect(),
            options: true,
        }
    }
}

impl From<&Agreement> for Amendable {
    fn from(a: &Agreement) -> Self {
        Self {
            what: "framework agreement".into(),
            status: a.status.to_string(),
            in_force: a.status.standing() == super::Standing::InForce,
            signed_on: a.signed_on,
            value: a.provenance.value.as_ref().map(|f| f.money),
            lines: a
                .ceilings
                .iter()
                .map(|l| AmendableLine {
                    id: l.id,
                    system: l.system.name.clone(),
                    quantity: Some(l.quantity),
                    floor: 0,
                    options: 0,
                })
                .collect(),
            options: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pln() -> CurrencyCode {
        CurrencyCode::parse("PLN").unwrap()
    }

    #[test]
    fn a_money_change_reads_its_sign_and_keeps_the_currency_exact() {
        let up = MoneyChange::parse("+1,200,000.50", pln()).unwrap();
        assert_eq!(up.minor(), 120_000_050);
        assert_eq!(up.to_string(), "+PLN 1,200,000.50");
        let down = MoneyChange::parse("−3 000", pln()).unwrap();
        assert_eq!(down.minor(), -300_000);
        assert_eq!(down.to_string(), "−PLN 3,000.00");
        assert_eq!(MoneyChange::parse("-3000", pln()).unwrap(), down);
        assert!(MoneyChange::parse("0", pln()).unwrap_err().contains("zero"));
        assert!(MoneyChange::parse("1.234", pln()).is_err());
        let value = Money::parse("2000", pln()).unwrap();
        assert!(down.applied_to(value).unwrap_err().contains("cannot fall"));
        let usd = MoneyChange::parse("5", CurrencyCode::parse("USD").unwrap()).unwrap();
        assert!(usd.applied_to(value).unwrap_err().contains("in PLN"));
        assert_eq!(up.applied_to(value).unwrap().to_minor(), 120_200_050);
    }

    #[test]
    fn a_units_change_is_signed_and_whole() {
        assert_eq!(parse_units_change(""), Ok(0));
        assert_eq!(parse_units_change("+12"), Ok(12));
        assert_eq!(parse_units_change("12"), Ok(12));
        assert_eq!(parse_units_change("-6"), Ok(-6));
        assert_eq!(parse_units_change("−6"), Ok(-6));
        assert!(parse_units_change("0").unwrap_err().contains("nothing"));
        assert!(parse_units_change("-").is_err());
        assert!(parse_units_change("1.5").is_err());
        assert!(parse_units_change("+2000000").is_err());
    }

    #[test]
    fn a_date_known_only_by_its_month_counts_once_the_month_is_past() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let month = PartialDate::parse("2026-02").unwrap();
        assert_eq!(month.latest(), day("2026-02-28"));
        assert_eq!(
            PartialDate::parse("2024-02").unwrap().latest(),
            day("2024-02-29")
        );
        assert_eq!(
            PartialDate::parse("2025-12").unwrap().latest(),
            day("2025-12-31")
        );
        assert_eq!(
            PartialDate::parse("2025").unwrap().latest(),
            day("2025-12-31")
        );
        assert_eq!(
            PartialDate::parse("2025-03-04").unwrap().latest(),
            day("2025-03-04")
        );
    }
}
