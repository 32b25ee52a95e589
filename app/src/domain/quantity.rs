//! Whole, positive numbers of units (tanks, howitzers, aircraft).

use serde::{Deserialize, Serialize};
use std::fmt;

/// At most a million units on one line: more is a typing mistake, not a deal.
pub const MAX_QUANTITY: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(i64);

impl Quantity {
    pub fn parse(input: &str) -> Result<Self, String> {
        let cleaned = super::number::plain_decimal(input, super::number::Grouping::Thousands)?;
        if cleaned.is_empty() {
            return Err("Enter a number of units.".into());
        }
        let value: i64 = cleaned
            .parse()
            .map_err(|_| format!("“{}” is not a whole number of units.", input.trim()))?;
        Self::new(value)
    }

    pub fn new(value: i64) -> Result<Self, String> {
        if value <= 0 {
            Err("The number of units must be at least 1.".into())
        } else if value > MAX_QUANTITY {
            Err(format!("At most {MAX_QUANTITY} units on one line."))
        } else {
            Ok(Self(value))
        }
    }

    pub fn get(&self) -> i64 {
        self.0
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::components::format::thousands(self.0))
    }
}

impl TryFrom<i64> for Quantity {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Quantity> for i64 {
    fn from(value: Quantity) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_positive_numbers_only() {
        assert_eq!(Quantity::parse(" 1,000 ").unwrap().get(), 1000);
        assert!(Quantity::parse("0").unwrap_err().contains("at least 1"));
        assert!(Quantity::parse("-5").is_err());
        assert!(Quantity::parse("2.5").unwrap_err().contains("whole number"));
        assert!(
            Quantity::parse("1,5")
                .unwrap_err()
                .contains("decimal separator")
        );
        assert!(Quantity::parse("").is_err());
        assert!(Quantity::parse("1000001").is_err());
        assert!(serde_json::from_str::<Quantity>("0").is_err());
    }
}
