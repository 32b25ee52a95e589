//! List filters, carried in the URL (`/contracts?buyer=PL&year_from=2022&sort=value`): a
//! filtered view is a link to share, the back button works, and no JavaScript is needed.

mod agreement;
mod contract;
mod list_query;

pub use agreement::AgreementFilter;
pub use contract::{BEHIND, ContractFilter};
pub use list_query::ListQuery;

use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 25;

/// `supplier=none`, `signed=none`: the contracts without a supplier or a signing date on record.
pub const NOT_RECORDED: &str = "none";

/// `dir=asc|desc` of a list's address: whether it sorts descending.
fn descending(value: &str) -> Option<bool> {
    match value {
        "asc" => Some(false),
        "desc" => Some(true),
        _ => None,
    }
}

/// `page=N` of a list's address, from 1.
fn page(value: &str) -> Option<u32> {
    value.parse::<u32>().ok().filter(|p| *p >= 1)
}

/// Columns the contract, agreement and delivery lists sort by (`signed` is a delivery's date
/// there, `title` its contract's, `units` its units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealSort {
    #[default]
    Signed,
    Title,
    Buyer,
    Supplier,
    Status,
    Value,
    Units,
}

impl DealSort {
    pub const ALL: &'static [(DealSort, &'static str)] = &[
        (DealSort::Signed, "signed"),
        (DealSort::Title, "title"),
        (DealSort::Buyer, "buyer"),
        (DealSort::Supplier, "supplier"),
        (DealSort::Status, "status"),
        (DealSort::Value, "value"),
        (DealSort::Units, "units"),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("signed", |(_, n)| n)
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == text).map(|(s, _)| *s)
    }

    /// Newest and largest first by default; names A to Z.
    pub fn descending_by_default(self) -> bool {
        matches!(self, DealSort::Signed | DealSort::Value | DealSort::Units)
    }
}
