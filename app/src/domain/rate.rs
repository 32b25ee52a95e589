//! Exchange rates to US dollars, and the USD equivalent of a value at a rate.

use super::{CurrencyCode, Money, PartialDate};
use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Rates are stored as US dollars per unit times 10^9: nine decimals, exact.
pub const RATE_DECIMALS: u32 = 9;

/// US dollars for one unit of a currency (0.000774024 per KRW), parsed from the form.
pub fn parse_usd_per_unit(input: &str) -> Result<Decimal, String> {
    let text = super::number::plain_decimal(input, super::number::Grouping::NoCommas)?;
    if text.is_empty() {
        return Err(
            "Enter the rate: US dollars for one unit of the currency, e.g. 0.000774 for KRW."
                .into(),
        );
    }
    let rate: Decimal = text.parse().map_err(|_| {
        format!(
            "“{}” is not a number; write it like 0.000774 or 1.0813.",
            input.trim()
        )
    })?;
    if rate <= Decimal::ZERO {
        return Err("A rate is more than zero.".into());
    }
    if rate.normalize().scale() > RATE_DECIMALS {
        return Err(format!("Use at most {RATE_DECIMALS} decimal places."));
    }
    if rate > Decimal::from(1_000_000) {
        return Err("That is more than a million dollars for one unit; check the rate's direction (US dollars per unit).".into());
    }
    Ok(rate.normalize())
}

pub fn to_nanos(rate: Decimal) -> i64 {
    let mut scaled = rate * Decimal::from(1_000_000_000i64);
    scaled.rescale(0);
    i64::try_from(scaled).unwrap_or(i64::MAX)
}

pub fn from_nanos(nanos: i64) -> Decimal {
    Decimal::new(nanos, RATE_DECIMALS).normalize()
}

/// `money` in US dollars at `usd_per_unit`, rounded to the cent (half to even).
pub fn usd_equivalent(money: Money, usd_per_unit: Decimal) -> Money {
    let usd = CurrencyCode::parse("USD").expect("USD is on the list");
    let amount = (money.amount() * usd_per_unit)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
    Money::new(amount, usd).expect("a rounded, non-negative USD amount")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRate {
    pub id: i64,
    pub currency: CurrencyCode,
    pub date: PartialDate,
    pub usd_per_unit: Decimal,
    pub source: String,
    /// How many contracts take their USD equivalent from this rate.
    pub contracts: i64,
    pub version: i64,
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateDraft {
    pub currency: CurrencyCode,
    /// A whole date (a rate is of a day).
    pub date: PartialDate,
    pub usd_per_unit: Decimal,
    pub source: String,
}

/// A value's USD equivalent and the rate it was taken at (`None` for a value in USD).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsdValue {
    pub money: Money,
    pub rate: Option<RateRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRef {
    pub id: i64,
    pub date: PartialDate,
    pub usd_per_unit: Decimal,
    pub source: String,
}

/// `money` in US dollars at the latest of `rates` (any currencies) for its currency on or before
/// `on`, as the stored contract values are converted; `None` without such a rate.
pub fn usd_on(rates: &[ExchangeRate], money: Money, on: super::PartialDate) -> Option<Money> {
    if money.currency().as_str() == "USD" {
        return Some(money);
    }
    let day = on.earliest().format("%Y-%m-%d").to_string();
    rates
        .iter()
        .filter(|r| r.currency == money.currency() && r.date.to_string() <= day)
        .max_by_key(|r| r.date)
        .map(|r| usd_equivalent(money, r.usd_per_unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_exactly_and_refuse_what_cannot_be_stored() {
        let krw = parse_usd_per_unit("0.000774024").unwrap();
        assert_eq!(to_nanos(krw), 774_024);
        assert_eq!(from_nanos(774_024), krw);
        assert!(
            parse_usd_per_unit("0.0007740241")
                .unwrap_err()
                .contains("9 decimal")
        );
        assert!(parse_usd_per_unit("-1").is_err());
        assert!(parse_usd_per_unit("0").is_err());
        assert!(parse_usd_per_unit("1300").is_ok());
        assert!(
            parse_usd_per_unit("1300000.5")
                .unwrap_err()
                .contains("direction")
        );
        assert!(
            parse_usd_per_unit("abc")
                .unwrap_err()
                .contains("not a number")
        );
    }

    #[test]
    fn usd_equivalents_round_half_to_even_cents() {
        let krw = CurrencyCode::parse("KRW").unwrap();
        let eur = CurrencyCode::parse("EUR").unwrap();
        let k9 = Money::parse("5,040,000,000,000", krw).unwrap();
        // 5,040,000,000,000 × 0.000774024 = 3,901,080,960.
        assert_eq!(
            usd_equivalent(k9, Decimal::new(774_024, 9)).to_string(),
            "USD 3,901,080,960.00"
        );
        // 0.05 × 1.1 = 0.055 → 0.06 (the 5 after an odd 5 rounds up to even 6).
        let tiny = Money::parse("0.05", eur).unwrap();
        assert_eq!(
            usd_equivalent(tiny, Decimal::new(11, 1)).to_string(),
            "USD 0.06"
        );
        // 0.25 × 0.1 = 0.025 → 0.02 (half to even).
        let quarter = Money::parse("0.25", eur).unwrap();
        assert_eq!(
            usd_equivalent(quarter, Decimal::new(1, 1)).to_string(),
            "USD 0.02"
        );
    }
}
