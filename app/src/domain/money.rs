//! Money: an exact decimal amount in an ISO 4217 currency, never a float.
//!
//! Stored as integer minor units of its currency (cents for USD, won for KRW): sums are exact
//! integers on SQLite and PostgreSQL alike.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Currencies deals are signed in, with their ISO 4217 minor units (decimal places).
const CURRENCIES: &[(&str, u32, &str)] = &[
    ("AED", 2, "UAE dirham"),
    ("AUD", 2, "Australian dollar"),
    ("CAD", 2, "Canadian dollar"),
    ("CHF", 2, "Swiss franc"),
    ("CZK", 2, "Czech koruna"),
    ("EGP", 2, "Egyptian pound"),
    ("EUR", 2, "Euro"),
    ("GBP", 2, "Pound sterling"),
    ("IDR", 2, "Indonesian rupiah"),
    ("INR", 2, "Indian rupee"),
    ("JPY", 0, "Japanese yen"),
    ("KRW", 0, "South Korean won"),
    ("MYR", 2, "Malaysian ringgit"),
    ("NOK", 2, "Norwegian krone"),
    ("PHP", 2, "Philippine peso"),
    ("PLN", 2, "Polish złoty"),
    ("RON", 2, "Romanian leu"),
    ("SAR", 2, "Saudi riyal"),
    ("SEK", 2, "Swedish krona"),
    ("TRY", 2, "Turkish lira"),
    ("USD", 2, "US dollar"),
];

/// A currency on the allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CurrencyCode([u8; 3]);

impl CurrencyCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("Choose a currency.".into());
        }
        CURRENCIES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(c, _, _)| Self::from_listed(c))
            .ok_or_else(|| format!("“{}” is not a currency this tracker knows (ISO 4217 codes such as USD, EUR, PLN, KRW).", input.trim()))
    }

    fn from_listed(code: &str) -> Self {
        let b = code.as_bytes();
        Self([b[0], b[1], b[2]])
    }

    fn entry(&self) -> &'static (&'static str, u32, &'static str) {
        CURRENCIES
            .iter()
            .find(|(c, _, _)| c.as_bytes() == self.0)
            .unwrap_or(&("???", 2, ""))
    }

    pub fn as_str(&self) -> &'static str {
        self.entry().0
    }

    /// Decimal places of the currency's minor unit: 2 for USD, 0 for KRW.
    pub fn minor_units(&self) -> u32 {
        self.entry().1
    }

    /// Decimal places of a listed code exactly as stored (`USD`), without the allocation of
    /// [`CurrencyCode::parse`]: the export asks this for every row.
    pub fn minor_units_of(code: &str) -> Option<u32> {
        CURRENCIES
            .iter()
            .find(|(listed, _, _)| *listed == code)
            .map(|(_, units, _)| *units)
    }

    pub fn name(&self) -> &'static str {
        self.entry().2
    }

    pub fn all() -> impl Iterator<Item = CurrencyCode> {
        CURRENCIES.iter().map(|(c, _, _)| Self::from_listed(c))
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CurrencyCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CurrencyCode> for String {
    fn from(value: CurrencyCode) -> Self {
        value.as_str().to_owned()
    }
}

/// The largest amount accepted, in currency units (a quadrillion): far above any deal (the
/// largest framework is about KRW 20 trillion), and with two decimals still 10,000 times inside
/// an i64 of minor units.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// An exact, non-negative amount of money in a currency, with no more decimals than the
/// currency has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    amount: Decimal,
    currency: CurrencyCode,
}

impl Money {
    /// Parses what a person types: `3370000000`, `3,370,000,000.00`, `3 370 000 000`. Commas
    /// and spaces only between thousands; the decimal separator is a point, and a comma that
    /// could be a decimal comma (`1234,56`) is refused, never guessed (see [`super::number`]).
    pub fn parse(amount: &str, currency: CurrencyCode) -> Result<Self, String> {
        let cleaned = super::number::plain_decimal(amount, super::number::Grouping::Thousands)?;
        if cleaned.is_empty() {
            return Err("Enter an amount.".into());
        }
        if cleaned.contains(['e', 'E']) {
            return Err("Write the amount in full digits (no exponent).".into());
        }
        let value = Decimal::from_str(&cleaned).map_err(|_| {
            format!(
                "“{}” is not an amount; use digits, e.g. 3370000000 or 3,370,000,000.50.",
                amount.trim()
            )
        })?;
        Self::new(value, currency)
    }

    pub fn new(amount: Decimal, currency: CurrencyCode) -> Result<Self, String> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err("An amount cannot be negative.".into());
        }
        let amount = amount.normalize();
        let minor = currency.minor_units();
        if amount.scale() > minor {
            return Err(match minor {
                0 => format!("{currency} has no minor unit: use a whole number."),
                n => format!("{currency} has {n} decimal places at most."),
            });
        }
        if amount > Decimal::from(MAX_AMOUNT) {
            return Err("That amount is too large to be a deal value.".into());
        }
        Ok(Self { amount, currency })
    }

    /// From stored integer minor units.
    pub fn from_minor(minor: i64, currency: CurrencyCode) -> Self {
        Self {
            amount: Decimal::new(minor, currency.minor_units()).normalize(),
            currency,
        }
    }

    /// To integer minor units for storage (exact: `new` refused more decimals than fit).
    pub fn to_minor(&self) -> i64 {
        let scaled = self.amount * Decimal::from(10_i64.pow(self.currency.minor_units()));
        i64::try_from(scaled.trunc()).unwrap_or(i64::MAX)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> CurrencyCode {
        self.currency
    }

    /// The amount as plain text with all the currency's decimals: `3370000000.00`.
    pub fn plain(&self) -> String {
        let mut amount = self.amount;
        amount.rescale(self.currency.minor_units());
        amount.to_string()
    }
}

impl Money {
    /// The amount with thousands separators and all the currency's decimals, without the
    /// currency: `3,370,000,000.00` (what an edit form shows; `parse` reads it back).
    pub fn grouped(&self) -> String {
        let text = self.to_string();
        text.split_once(' ')
            .map_or(text.clone(), |(_, amount)| amount.to_owned())
    }
}

/// `USD 3,370,000,000.00`, `KRW 5,040,000,000,000`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = self.plain();
        let (whole, fraction) = plain
            .split_once('.')
            .map_or((plain.as_str(), None), |(w, f)| (w, Some(f)));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        match fraction {
            Some(fraction) => write!(f, "{} {grouped}.{fraction}", self.currency),
            None => write!(f, "{} {grouped}", self.currency),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_amounts_parse_back() {
        let usd = CurrencyCode::parse("USD").unwrap();
        let money = Money::parse("3370000000.5", usd).unwrap();
        assert_eq!(money.grouped(), "3,370,000,000.50");
        assert_eq!(Money::parse(&money.grouped(), usd), Ok(money));
    }

    fn usd() -> CurrencyCode {
        CurrencyCode::parse("usd").unwrap()
    }
    fn krw() -> CurrencyCode {
        CurrencyCode::parse("KRW").unwrap()
    }

    #[test]
    fn currencies_come_from_the_list_with_their_minor_units() {
        assert_eq!(usd().minor_units(), 2);
        assert_eq!(krw().minor_units(), 0);
        assert!(CurrencyCode::parse("XYZ").unwrap_err().contains("XYZ"));
        assert_eq!(CurrencyCode::parse("").unwrap_err(), "Choose a currency.");
    }

    #[test]
    fn parses_grouped_amounts_exactly() {
        let money = Money::parse("3,370,000,000.5", usd()).unwrap();
        assert_eq!(money.to_minor(), 337_000_000_050);
        assert_eq!(money.to_string(), "USD 3,370,000,000.50");
        assert_eq!(
            Money::parse("5 040 000 000 000", krw())
                .unwrap()
                .to_string(),
            "KRW 5,040,000,000,000"
        );
        assert_eq!(Money::parse("0", usd()).unwrap().to_minor(), 0);
    }

    #[test]
    fn refuses_negatives_extra_decimals_and_junk() {
        assert!(Money::parse("-1", usd()).unwrap_err().contains("negative"));
        assert!(
            Money::parse("1.001", usd())
                .unwrap_err()
                .contains("2 decimal places")
        );
        assert!(
            Money::parse("1000.5", krw())
                .unwrap_err()
                .contains("no minor unit")
        );
        assert!(Money::parse("1e9", usd()).is_err());
        assert!(Money::parse("3.37bn", usd()).is_err());
        assert!(Money::parse("", usd()).is_err());
        assert!(Money::parse("99999999999999999999999", usd()).is_err());
    }

    #[test]
    fn a_decimal_comma_is_refused_not_multiplied() {
        for text in ["1234,56", "1.234,56", "6500000000,00", "0,5"] {
            let message = Money::parse(text, usd()).unwrap_err();
            assert!(message.contains("decimal"), "{text}: {message}");
        }
        assert_eq!(Money::parse("1,234.56", usd()).unwrap().to_minor(), 123_456);
    }

    #[test]
    fn trailing_zeros_do_not_count_as_decimals() {
        assert_eq!(Money::parse("1000.00", krw()).unwrap().to_minor(), 1000);
    }

    #[test]
    fn minor_units_round_trip() {
        for (minor, currency) in [
            (1, usd()),
            (337_000_000_000, usd()),
            (5_040_000_000_000, krw()),
            (0, krw()),
        ] {
            let money = Money::from_minor(minor, currency);
            assert_eq!(money.to_minor(), minor);
            assert_eq!(Money::parse(&money.plain(), currency).unwrap(), money);
        }
    }

    #[test]
    fn serde_keeps_the_amount_as_a_string() {
        let money = Money::parse("705000000", usd()).unwrap();
        let json = serde_json::to_string(&money).unwrap();
        assert_eq!(json, r#"{"amount":"705000000","currency":"USD"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
    }
}
