//! Planned deliveries: a contract line's units per period, as the sources give the schedule, and
//! what is late against them (units planned in a period that has ended and not delivered).

use super::register::Delivery;
use super::text::{Lines, clean};
use super::{Confidence, Quantity, Website};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The period a plan puts units in: a year, a quarter, a month, or a span of years when the
/// source gives no more ("2026–2027": never split into years nobody gave).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PlanPeriod {
    Year(i32),
    Quarter(i32, u32),
    Month(i32, u32),
    Years(i32, i32),
}

/// The years a plan may name.
const FIRST_YEAR: i32 = super::date::EARLIEST_YEAR;
const LAST_YEAR: i32 = 2100;
/// The longest span of years one plan row may cover.
const MAX_SPAN: i32 = 30;
/// The longest period as written (`2026–2027`).
pub const PERIOD_MAX: usize = 9;

impl PlanPeriod {
    /// Reads `2026`, `2026-Q3` (or `Q3 2026`), `2026-07`, or `2026–2027` (en dash or hyphen).
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err("Enter the period: a year (2026), a quarter (2026-Q3), a month (2026-07) or years (2026–2027).".into());
        }
        if text.chars().count() > PERIOD_MAX {
            return Err(format!(
                "A period has at most {PERIOD_MAX} characters: a year (2026), a quarter (2026-Q3), a month (2026-07) or years (2026–2027)."
            ));
        }
        let bad = || {
            format!(
                "“{text}” is not a period: use a year (2026), a quarter (2026-Q3), a month (2026-07) or years (2026–2027)."
            )
        };
        let year = |digits: &str| -> Result<i32, String> {
            if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let year: i32 = digits.parse().map_err(|_| bad())?;
            if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
                return Err(format!(
                    "A planned year is between {FIRST_YEAR} and {LAST_YEAR}."
                ));
            }
            Ok(year)
        };
        let upper = text.to_ascii_uppercase();
        if let Some((q, y)) = upper.split_once(' ')
            && let Some(quarter) = q.strip_prefix('Q')
        {
            return Self::quarter(year(y.trim())?, quarter).ok_or_else(bad);
        }
        let (first, rest) = match upper.find(['-', '–']) {
            Some(at) => {
                let dash = upper[at..].chars().next().map_or(1, char::len_utf8);
                (&upper[..at], Some(&upper[at + dash..]))
            }
            None => (upper.as_str(), None),
        };
        let first = year(first)?;
        match rest {
            None => Ok(PlanPeriod::Year(first)),
            Some(rest) if rest.starts_with('Q') => Self::quarter(first, &rest[1..]).ok_or_else(bad),
            Some(rest) if rest.len() == 2 => {
                let month: u32 = rest.parse().map_err(|_| bad())?;
                if (1..=12).contains(&month) {
                    Ok(PlanPeriod::Month(first, month))
                } else {
                    Err(format!("“{text}”: a month is 01 to 12."))
                }
            }
            Some(rest) => {
                let last = year(rest)?;
                if last < first {
                    Err(format!("“{text}”: the last year comes after the first."))
                } else if last == first {
                    Ok(PlanPeriod::Year(first))
                } else if last - first > MAX_SPAN {
                    Err(format!("A planned period spans at most {MAX_SPAN} years."))
                } else {
                    Ok(PlanPeriod::Years(first, last))
                }
            }
        }
    }

    fn quarter(year: i32, digit: &str) -> Option<Self> {
        let quarter: u32 = digit.trim().parse().ok()?;
        (1..=4)
            .contains(&quarter)
            .then_some(PlanPeriod::Quarter(year, quarter))
    }

    /// Its first day.
    pub fn starts_on(self) -> NaiveDate {
        let (year, month) = match self {
            PlanPeriod::Year(y) | PlanPeriod::Years(y, _) => (y, 1),
            PlanPeriod::Quarter(y, q) => (y, 3 * q - 2),
            PlanPeriod::Month(y, m) => (y, m),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its last day.
    pub fn ends_on(self) -> NaiveDate {
        let (year, month) = match self {
            PlanPeriod::Year(y) | PlanPeriod::Years(_, y) => (y, 12),
            PlanPeriod::Quarter(y, q) => (y, 3 * q),
            PlanPeriod::Month(y, m) => (y, m),
        };
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        next.and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
    }

    /// The years it falls in: one, or the span.
    pub fn years(self) -> (i32, i32) {
        match self {
            PlanPeriod::Years(from, to) => (from, to),
            other => {
                let year = other.starts_on().year();
                (year, year)
            }
        }
    }

    /// Whether it ended before `today`: what was planned in it is due.
    pub fn is_past(self, today: NaiveDate) -> bool {
        self.ends_on() < today
    }
}

impl fmt::Display for PlanPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanPeriod::Year(y) => write!(f, "{y}"),
            PlanPeriod::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            PlanPeriod::Month(y, m) => write!(f, "{y}-{m:02}"),
            PlanPeriod::Years(from, to) => write!(f, "{from}–{to}"),
        }
    }
}

impl TryFrom<String> for PlanPeriod {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PlanPeriod> for String {
    fn from(value: PlanPeriod) -> Self {
        value.to_string()
    }
}

/// Years as a summary row names them: `2026` or `2026–2027`.
pub fn years_label(from: i32, to: i32) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    }
}

/// Where a plan comes from: a title in words ("Polish MoD, delivery schedule of 2023"), and an
/// address when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSource {
    pub title: String,
    pub url: Option<String>,
}

/// The longest source title of a plan.
pub const PLAN_SOURCE_MAX: usize = 300;

impl PlanSource {
    /// A required title and an optional web address, each checked as the form's fields.
    pub fn parse(
        title: &str,
        url: &str,
    ) -> (Result<String, String>, Result<Option<String>, String>) {
        let title = clean(title, Lines::One).and_then(|t| {
            let t = t.trim().to_owned();
            if t.is_empty() {
                Err("Give the plan's source: the contract's announcement, the ministry's schedule, a report.".into())
            } else if t.chars().count() > PLAN_SOURCE_MAX {
                Err(format!("Use at most {PLAN_SOURCE_MAX} characters."))
            } else {
                Ok(t)
            }
        });
        let url = Website::parse(url).map(|w| w.map(|w| w.as_str().to_owned()));
        (title, url)
    }
}

/// One row of a line's plan, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedDelivery {
    pub id: i64,
    pub line_id: i64,
    pub period: PlanPeriod,
    pub units: Quantity,
    pub confidence: Confidence,
    pub source: PlanSource,
}

/// One row of a line's plan, as a form or an import gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDraft {
    /// The stored line it is of.
    pub line_id: i64,
    pub period: PlanPeriod,
    pub units: Quantity,
    pub confidence: Confidence,
    pub source: PlanSource,
}

/// One period of a line's schedule: what was planned in it, and what had been delivered by its
/// end against everything planned until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    pub period: PlanPeriod,
    pub planned: i64,
    pub confidence: Confidence,
    pub source: PlanSource,
    /// Planned in this period and the ones that end before it.
    pub planned_by_end: i64,
    /// Delivered by the period's last day (a delivery dated only by its year or month counts at
    /// that year's or month's end: it is not known to be earlier).
    pub delivered_by_end: i64,
    /// Delivered on the line to date.
    pub delivered_to_date: i64,
    /// The period has ended.
    pub past: bool,
}

/// Where a period of a plan stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodState {
    /// It has not ended.
    ToCome,
    /// Everything planned by its end was delivered by then.
    OnSchedule,
    /// It ended short, and the units came since.
    DeliveredLate,
    /// It ended short by this many units that have not come yet.
    Late(i64),
}

impl PeriodState {
    /// The state's word, as the plans file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodState::ToCome => "to come",
            PeriodState::OnSchedule => "on schedule",
            PeriodState::DeliveredLate => "delivered late",
            PeriodState::Late(_) => "late",
        }
    }
}

impl ScheduleRow {
    /// Where the period stands today.
    pub fn state(&self) -> PeriodState {
        match (self.past, self.short_at_end(), self.still_late()) {
            (false, ..) => PeriodState::ToCome,
            (true, 0, _) => PeriodState::OnSchedule,
            (true, _, 0) => PeriodState::DeliveredLate,
            (true, _, late) => PeriodState::Late(late),
        }
    }

    /// Units planned by the end of this (ended) period and not delivered by then.
    pub fn short_at_end(&self) -> i64 {
        if self.past {
            (self.planned_by_end - self.delivered_by_end).max(0)
        } else {
            0
        }
    }

    /// Units planned by the end of this (ended) period and still not delivered today.
    pub fn still_late(&self) -> i64 {
        if self.past {
            (self.planned_by_end - self.delivered_to_date).max(0)
        } else {
            0
        }
    }
}

/// A line's plan against its deliveries, on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSchedule {
    pub line_id: i64,
    pub rows: Vec<ScheduleRow>,
    /// Units in the plan, in all periods.
    pub planned: i64,
    /// Units planned in periods that have ended.
    pub due: i64,
    /// Units delivered on the line, whenever.
    pub delivered: i64,
}

impl LineSchedule {
    /// Reads `plans` (of one line) against the line's `deliveries` on `today`.
    pub fn of(
        line_id: i64,
        plans: &[&PlannedDelivery],
        deliveries: &[&Delivery],
        today: NaiveDate,
    ) -> Self {
        let mut plans: Vec<&PlannedDelivery> = plans.to_vec();
        plans.sort_by_key(|p| (p.period.ends_on(), p.period.starts_on()));
        let rows = plans
            .iter()
            .map(|plan| {
                let end = plan.period.ends_on();
                ScheduleRow {
                    period: plan.period,
                    planned: plan.units.get(),
                    confidence: plan.confidence,
                    source: plan.source.clone(),
                    planned_by_end: plans
                        .iter()
                        .filter(|p| p.period.ends_on() <= end)
                        .map(|p| p.units.get())
                        .sum(),
                    delivered_by_end: deliveries
                        .iter()
                        .filter(|d| d.delivered_on.latest() <= end)
                        .map(|d| d.units.get())
                        .sum(),
                    delivered_to_date: deliveries.iter().map(|d| d.units.get()).sum(),
                    past: plan.period.is_past(today),
                }
            })
            .collect();
        LineSchedule {
            line_id,
            rows,
            planned: plans.iter().map(|p| p.units.get()).sum(),
            due: plans
                .iter()
                .filter(|p| p.period.is_past(today))
                .map(|p| p.units.get())
                .sum(),
            delivered: deliveries.iter().map(|d| d.units.get()).sum(),
        }
    }

    /// Units due by today and not delivered: what the "behind schedule" filter finds.
    pub fn late(&self) -> i64 {
        (self.due - self.delivered).max(0)
    }

    /// The plan's total against the ordered quantity, when they differ (a warning: sources
    /// disagree, or the plan is partial).
    pub fn mismatch(&self, ordered: Option<i64>) -> Option<String> {
        let ordered = ordered?;
        (self.planned != 0 && self.planned != ordered).then(|| {
            let fmt = crate::components::format::thousands;
            format!(
                "The plan adds up to {} units; {} are ordered.",
                fmt(self.planned),
                fmt(ordered)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_read_as_sources_write_them() {
        for (text, shown, starts, ends) in [
            ("2026", "2026", "2026-01-01", "2026-12-31"),
            ("2026-q3", "2026-Q3", "2026-07-01", "2026-09-30"),
            ("Q4 2025", "2025-Q4", "2025-10-01", "2025-12-31"),
            ("2024-02", "2024-02", "2024-02-01", "2024-02-29"),
            ("2026–2027", "2026–2027", "2026-01-01", "2027-12-31"),
            ("2026-2028", "2026–2028", "2026-01-01", "2028-12-31"),
            ("2026–2026", "2026", "2026-01-01", "2026-12-31"),
        ] {
            let period = PlanPeriod::parse(text).unwrap();
            assert_eq!(period.to_string(), shown, "{text}");
            assert_eq!(period.starts_on(), day(starts), "{text}");
            assert_eq!(period.ends_on(), day(ends), "{text}");
            assert_eq!(PlanPeriod::parse(&period.to_string()), Ok(period));
        }
        assert_eq!(
            PlanPeriod::parse("2026–2027").unwrap().years(),
            (2026, 2027)
        );
        for bad in [
            "",
            "26",
            "2026-13",
            "2026-Q5",
            "2027–2026",
            "1900",
            "2026–2099",
            "by 2027",
            "2026-1",
        ] {
            assert!(PlanPeriod::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_line_is_late_by_what_ended_undelivered() {
        use crate::domain::PartialDate;
        let plan = |id, period: &str, units| PlannedDelivery {
            id,
            line_id: 1,
            period: PlanPeriod::parse(period).unwrap(),
            units: Quantity::new(units).unwrap(),
            confidence: Confidence::Reported,
            source: PlanSource {
                title: "MoD".into(),
                url: None,
            },
        };
        let delivery = |on: &str, units| Delivery {
            id: 0,
            line_id: 1,
            delivered_on: PartialDate::parse(on).unwrap(),
            units: Quantity::new(units).unwrap(),
            confidence: Confidence::Confirmed,
            notes: String::new(),
        };
        let plans = [
            plan(1, "2026", 10),
            plan(2, "2025", 12),
            plan(3, "2027–2028", 8),
        ];
        let deliveries = [delivery("2025-11-02", 10), delivery("2026", 4)];
        let schedule = LineSchedule::of(
            1,
            &plans.iter().collect::<Vec<_>>(),
            &deliveries.iter().collect::<Vec<_>>(),
            day("2027-03-01"),
        );
        let rows: Vec<_> = schedule
            .rows
            .iter()
            .map(|r| {
                (
                    r.period.to_string(),
                    r.planned_by_end,
                    r.delivered_by_end,
                    r.short_at_end(),
                    r.still_late(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("2025".into(), 12, 10, 2, 0),
                ("2026".into(), 22, 14, 8, 8),
                ("2027–2028".into(), 30, 14, 0, 0)
            ]
        );
        assert_eq!(
            (schedule.due, schedule.delivered, schedule.late()),
            (22, 14, 8)
        );
        assert_eq!(
            schedule.mismatch(Some(24)).as_deref(),
            Some("The plan adds up to 30 units; 24 are ordered.")
        );
        assert_eq!(schedule.mismatch(Some(30)), None);
    }
}
