//! The programme waterfall of a framework agreement: from its headline figure to its ceilings,
//! what is signed under it, the options exercised and what is delivered, in units and in value.

use super::Money;
use serde::{Deserialize, Serialize};

/// One step of the chain, with the records behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// "Headline", "Ceilings", "Signed", "Options exercised", "Delivered".
    pub name: String,
    /// What it counts, in a sentence.
    pub counts: String,
    pub units: Option<i64>,
    /// The value in each original currency.
    pub values: Vec<Money>,
    /// The value in US dollars, where every part of it has a rate (see `unconverted`).
    pub usd: Option<Money>,
    /// How many values have no USD equivalent (no rate at their date): `usd` leaves them out.
    pub unconverted: usize,
    /// The page that lists what the step adds up.
    pub href: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waterfall {
    pub agreement_id: i64,
    pub title: String,
    pub steps: Vec<Step>,
}

/// Sums of the signed contracts under an agreement, as storage reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignedSums {
    pub units: i64,
    pub exercised: i64,
    pub open_options: i64,
    pub delivered: i64,
    pub contracts: i64,
    /// Per value currency: the sum, the sum in USD, and how many values had no USD equivalent.
    pub values: Vec<(Money, Option<Money>, usize)>,
}
