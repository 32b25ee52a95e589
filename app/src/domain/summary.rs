//! Totals of the deal register: the portfolio by buyer, supplier, system, category and signed
//! year, each row with the contract filter that lists what it adds up.

use super::filter::ContractFilter;
use super::{Confidence, Money};
use serde::{Deserialize, Serialize};

/// What a portfolio is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dimension {
    Buyer,
    Supplier,
    System,
    Category,
    Year,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Buyer,
        Dimension::Supplier,
        Dimension::System,
        Dimension::Category,
        Dimension::Year,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Dimension::Buyer => "By buyer",
            Dimension::Supplier => "By supplier",
            Dimension::System => "By system (with its variants)",
            Dimension::Category => "By category",
            Dimension::Year => "By signed year",
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            Dimension::Buyer => "Buyer",
            Dimension::Supplier => "Supplier",
            Dimension::System => "System",
            Dimension::Category => "Category",
            Dimension::Year => "Year",
        }
    }
}

/// One group's totals. Values are summed per currency (amounts in different currencies are
/// never added); `valued` counts the contracts whose value is counted at the chosen confidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTotal {
    pub label: String,
    /// The contract list behind this row.
    pub drill: ContractFilter,
    pub contracts: i64,
    pub valued: i64,
    pub values: Vec<Money>,
    /// The counted values in US dollars, each at the rate of its contract's signing date
    /// (`None` for an empty summary).
    pub usd: Option<Money>,
    /// Counted values without a USD equivalent (no rate on or before their signing date): per
    /// contract, or by system and category per line value.
    pub without_usd: i64,
    pub units_ordered: i64,
    pub units_delivered: i64,
}

impl GroupTotal {
    /// The USD total as shown: none when no value is counted in the group (as in the value
    /// column) or none of them has a USD equivalent, rather than "USD 0.00".
    pub fn usd_shown(&self) -> Option<Money> {
        self.usd
            .filter(|usd| self.valued > 0 && !(usd.to_minor() == 0 && self.without_usd > 0))
    }

    pub fn units_outstanding(&self) -> i64 {
        (self.units_ordered - self.units_delivered).max(0)
    }
}

/// Values by year, stacked by buyer or supplier: the years, and each series' value per year
/// (US dollars, in cents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearStacks {
    pub stacked_by: String,
    pub years: Vec<i32>,
    pub series: Vec<(String, Vec<i64>)>,
}

/// The portfolio: every dimension's groups and the grand total, for one filter and confidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Portfolio {
    pub filter: ContractFilter,
    /// `None`: everything, estimates included.
    pub level: Option<Confidence>,
    pub total: GroupTotal,
    pub groups: Vec<(Dimension, Vec<GroupTotal>)>,
    pub by_year: YearStacks,
}

/// What a summary counts at `level`, in words ("confirmed and reported figures").
pub fn level_text(level: Option<Confidence>) -> &'static str {
    match level {
        Some(Confidence::Confirmed) => "confirmed figures only",
        Some(Confidence::Reported) => "confirmed and reported figures (estimates left out)",
        _ => "every figure, estimates included",
    }
}
