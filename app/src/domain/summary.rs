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
    /// Units planned and delivered by year (a plan over a span of years in its own row).
    pub schedule: Vec<ScheduleYear>,
}

/// Units planned in a year (or a span of years) and delivered in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleYear {
    pub from_year: i32,
    pub to_year: i32,
    pub planned: i64,
    pub delivered: i64,
}

/// A confidence level: what a summary (its "Count"), the contract list it links to (its
/// "Values") and that list's CSV export count. One meaning for all three, so every total of the
/// summary is what its link lists:
///
/// - a **contract** counts when its value is at least that sure: "confirmed only", "confirmed
///   and reported", or "everything including estimates" (no level, or `estimated`), where every
///   contract counts, one whose value is not disclosed too;
/// - of a contract that counts, its **value** counts (and so do its lines' own values);
/// - and a line's **units**, ordered and delivered, count when the line's quantity is at least
///   that sure as well: "confirmed figures only" never adds a reported quantity.
///
/// A list or summary row by system or category adds up only the lines of that system (with its
/// variants) or category; cancelled contracts are left out of a summary unless its status
/// filter asks for them ([`ContractFilter::summed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level(pub Option<Confidence>);

impl Level {
    /// The value confidences of the contracts that count; `None` when every contract counts.
    pub fn contract_confidences(self) -> Option<&'static [Confidence]> {
        match self.0 {
            None | Some(Confidence::Estimated) => None,
            Some(level) => Some(level.at_least()),
        }
    }

    /// The quantity confidences whose units count (of a contract that counts).
    pub fn quantity_confidences(self) -> &'static [Confidence] {
        self.0.map_or(Confidence::ALL, Confidence::at_least)
    }

    /// Whether a contract whose value has `value_confidence` (none: no value) counts.
    pub fn counts_contract(self, value_confidence: Option<Confidence>) -> bool {
        self.contract_confidences()
            .is_none_or(|counted| value_confidence.is_some_and(|c| counted.contains(&c)))
    }

    /// Whether the units of a line whose quantity has `quantity_confidence` count (when its
    /// contract does).
    pub fn counts_units(self, quantity_confidence: Confidence) -> bool {
        self.quantity_confidences().contains(&quantity_confidence)
    }
}

/// What a summary counts of the deals' life: signed deals (the default), or the pipeline too,
/// at face value or weighted by each deal's probability of being signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Counting {
    #[default]
    Signed,
    Pipeline,
    Weighted,
}

impl Counting {
    pub const ALL: [Counting; 3] = [Counting::Signed, Counting::Pipeline, Counting::Weighted];

    /// The word in the address (`count=weighted`).
    pub fn as_str(self) -> &'static str {
        match self {
            Counting::Signed => "signed",
            Counting::Pipeline => "pipeline",
            Counting::Weighted => "weighted",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The choice as the summary's filter bar offers it (short: its columns are narrow; the
    /// line above the totals says it in full).
    pub fn label(self) -> &'static str {
        match self {
            Counting::Signed => "Signed only",
            Counting::Pipeline => "With pipeline",
            Counting::Weighted => "Pipeline weighted",
        }
    }

    /// What the summary counts, in words.
    pub fn text(self) -> &'static str {
        match self {
            Counting::Signed => "signed deals only (the pipeline is left out)",
            Counting::Pipeline => "signed deals and the pipeline, at face value",
            Counting::Weighted => {
                "signed deals and the pipeline, each pipeline deal's values times its probability of signing (rounded to the cent per deal; counts and units at face value)"
            }
        }
    }
}

/// What a summary counts at `level`, in words ("confirmed and reported figures").
pub fn level_text(level: Option<Confidence>) -> &'static str {
    match level {
        Some(Confidence::Confirmed) => "confirmed figures only",
        Some(Confidence::Reported) => "confirmed and reported figures (estimates left out)",
        _ => "every figure, estimates included",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_counts_contracts_by_value_and_units_by_quantity() {
        use Confidence::{Confirmed, Estimated, Reported};
        let reported = Level(Some(Reported));
        assert!(
            reported.counts_contract(Some(Confirmed)) && reported.counts_contract(Some(Reported))
        );
        assert!(!reported.counts_contract(Some(Estimated)) && !reported.counts_contract(None));
        assert!(reported.counts_units(Reported) && !reported.counts_units(Estimated));
        let confirmed = Level(Some(Confirmed));
        assert!(!confirmed.counts_contract(Some(Reported)) && !confirmed.counts_units(Reported));
        // Everything: every contract, one without a value too, and every unit.
        for everything in [Level(None), Level(Some(Estimated))] {
            assert!(
                everything.counts_contract(None) && everything.counts_contract(Some(Estimated))
            );
            assert!(everything.counts_units(Estimated));
            assert_eq!(everything.contract_confidences(), None);
        }
    }
}
