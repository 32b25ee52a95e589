//! Dates as sources give them: a full day, a month, or only a year ("deliveries in 2023").

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `2022-08-26`, `2025-06` or `2017`. Stored as that ISO text, which sorts chronologically
/// (a year sorts before its months, a month before its days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

pub const EARLIEST_YEAR: i32 = 1945;

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a real date, from 1945 on). Whether it is in the
    /// future is a rule of the record that holds it: see [`PartialDate::check_not_after`].
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        let bad = || {
            format!(
                "“{text}” is not a date: use YYYY-MM-DD, or YYYY-MM or YYYY when the source gives no more."
            )
        };
        if text.is_empty() {
            return Err("Enter a date.".into());
        }
        let mut parts = text.split('-');
        let year_text = parts.next().unwrap_or_default();
        if year_text.len() != 4 {
            return Err(bad());
        }
        let year: i32 = year_text.parse().map_err(|_| bad())?;
        let month = parts
            .next()
            .map(|m| {
                if m.len() == 2 {
                    m.parse::<u32>().map_err(|_| bad())
                } else {
                    Err(bad())
                }
            })
            .transpose()?;
        let day = parts
            .next()
            .map(|d| {
                if d.len() == 2 {
                    d.parse::<u32>().map_err(|_| bad())
                } else {
                    Err(bad())
                }
            })
            .transpose()?;
        if parts.next().is_some() {
            return Err(bad());
        }
        if year < EARLIEST_YEAR {
            return Err(format!("Use a year from {EARLIEST_YEAR} on."));
        }
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("“{text}” has no month {m}."));
        }
        if let (Some(m), Some(d)) = (month, day)
            && NaiveDate::from_ymd_opt(year, m, d).is_none()
        {
            return Err(format!("{text} is not a real date."));
        }
        Ok(Self { year, month, day })
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> Option<u32> {
        self.month
    }

    pub fn day(&self) -> Option<u32> {
        self.day
    }

    /// The first day the date could mean (2025-06 → 2025-06-01).
    pub fn earliest(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(NaiveDate::MIN)
    }

    /// The last day the date could mean (2025-06 → 2025-06-30, 2025 → 2025-12-31).
    pub fn latest(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                NaiveDate::from_ymd_opt(self.year + i32::from(m == 12), m % 12 + 1, 1)
                    .and_then(|first| first.pred_opt())
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// Refuses a date that starts more than a day after `today` (one day of slack for time
    /// zones: a contract signed "today" in Seoul is tomorrow's date in parts of the world).
    pub fn check_not_after(self, today: NaiveDate) -> Result<Self, String> {
        let limit = today.succ_opt().unwrap_or(today);
        if self.earliest() > limit {
            Err(format!(
                "{self} is in the future; enter the date it was signed or delivered."
            ))
        } else {
            Ok(self)
        }
    }

    /// Parses and applies the not-in-the-future rule against today's UTC date.
    pub fn parse_past(input: &str) -> Result<Self, String> {
        Self::parse(input)?.check_not_after(chrono::Utc::now().date_naive())
    }

    pub fn from_date(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: Some(date.month()),
            day: Some(date.day()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PartialDate> for String {
    fn from(value: PartialDate) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_days_months_and_years() {
        assert_eq!(
            PartialDate::parse("2022-08-26").unwrap().to_string(),
            "2022-08-26"
        );
        assert_eq!(
            PartialDate::parse(" 2025-06 ").unwrap().to_string(),
            "2025-06"
        );
        assert_eq!(PartialDate::parse("2017").unwrap().year(), 2017);
    }

    #[test]
    fn refuses_unreal_dates() {
        assert!(
            PartialDate::parse("2023-02-29")
                .unwrap_err()
                .contains("not a real date")
        );
        assert!(PartialDate::parse("2024-02-29").is_ok());
        assert!(PartialDate::parse("2022-13").is_err());
        assert!(PartialDate::parse("22-08-26").is_err());
        assert!(PartialDate::parse("2022-8-26").is_err());
        assert!(PartialDate::parse("26.08.2022").is_err());
        assert!(PartialDate::parse("1900").is_err());
        assert!(PartialDate::parse("").is_err());
    }

    #[test]
    fn future_beyond_a_day_is_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let check = |s: &str| PartialDate::parse(s).unwrap().check_not_after(today);
        assert!(check("2026-11-30").is_ok());
        assert!(check("2026-12-01").is_ok(), "one day of slack");
        assert!(check("2026-12-02").unwrap_err().contains("future"));
        assert!(check("2026-11").is_ok());
        assert!(check("2026").is_ok());
        assert!(check("2027").is_err());
    }

    #[test]
    fn text_order_is_chronological() {
        let mut dates: Vec<String> = ["2025-06", "2017", "2025-06-30", "2025", "2022-11-04"]
            .map(String::from)
            .to_vec();
        dates.sort();
        assert_eq!(
            dates,
            ["2017", "2022-11-04", "2025", "2025-06", "2025-06-30"]
        );
    }
}
