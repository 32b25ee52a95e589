//! The contract list's filter (the delivery list and the summary read the same one).

use super::{DealSort, NOT_RECORDED, descending, page};
use crate::domain::summary::Counting;
use crate::domain::{Category, Confidence, ContractStatus, CountryCode, StatusGroup, text};
use serde::{Deserialize, Serialize};

/// `schedule=behind`: the contracts behind their delivery plan.
pub const BEHIND: &str = "behind";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractFilter {
    pub q: Option<String>,
    pub buyer: Option<CountryCode>,
    pub supplier: Option<i64>,
    /// Only contracts without a supplier on record (`supplier=none`).
    pub no_supplier: bool,
    pub system: Option<i64>,
    pub category: Option<Category>,
    pub status: Option<ContractStatus>,
    /// The contracts of some standings together (`status=in force`: signed and not
    /// cancelled, what a summary adds up; `status=pipeline`: not signed yet; or both).
    pub group: Option<StatusGroup>,
    /// What a summary counts: signed deals (the default), or the pipeline too, at face value or
    /// weighted by probability (`count=pipeline`, `count=weighted`).
    pub counting: Counting,
    pub agreement: Option<i64>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// Only contracts without a signing date on record (`signed=none`).
    pub undated: bool,
    /// Only contracts behind schedule (`schedule=behind`): a line with more units planned in
    /// periods that have ended than are delivered.
    pub behind: bool,
    /// The confidence level: which contracts, values and units count (see
    /// [`crate::domain::summary::Level`]).
    pub confidence: Option<Confidence>,
    pub sort: DealSort,
    pub descending: bool,
    pub page: u32,
    /// The last contract of the page before (`after=ID`, in the list's "Next" link): the page
    /// starts right after it in the order's index, however deep, instead of counting past
    /// `(page - 1) × 25` rows. `page` still numbers it.
    pub after: Option<i64>,
}

/// Everything, newest first, first page.
impl Default for ContractFilter {
    fn default() -> Self {
        Self {
            q: None,
            buyer: None,
            supplier: None,
            no_supplier: false,
            system: None,
            category: None,
            status: None,
            group: None,
            counting: Counting::Signed,
            agreement: None,
            year_from: None,
            year_to: None,
            undated: false,
            behind: false,
            confidence: None,
            sort: DealSort::default(),
            descending: DealSort::default().descending_by_default(),
            page: 1,
            after: None,
        }
    }
}

impl ContractFilter {
    /// Reads the URL query. Values that do not parse are dropped (a stale or hand-edited link
    /// still shows a list), and reported back so the page can say so.
    pub fn from_query(pairs: &[(String, String)]) -> (Self, Vec<String>) {
        let mut filter = Self { ..Self::default() };
        let mut ignored = Vec::new();
        let mut direction = None;
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let ok = match key.as_str() {
                // A search for text no record can hold (a NUL) is not applied.
                "q" => text::clean(value, text::Lines::One)
                    .map(|q| filter.q = Some(q.chars().take(200).collect()))
                    .is_ok(),
                "buyer" => CountryCode::parse(value)
                    .map(|c| filter.buyer = Some(c))
                    .is_ok(),
                "supplier" if value == NOT_RECORDED => {
                    filter.no_supplier = true;
                    true
                }
                "supplier" => value.parse().map(|v| filter.supplier = Some(v)).is_ok(),
                "system" => value.parse().map(|v| filter.system = Some(v)).is_ok(),
                "agreement" => value.parse().map(|v| filter.agreement = Some(v)).is_ok(),
                "category" => Category::parse(value)
                    .map(|c| filter.category = Some(c))
                    .is_ok(),
                "status" if StatusGroup::parse(value).is_some() => {
                    filter.group = StatusGroup::parse(value);
                    true
                }
                "count" => Counting::parse(value)
                    .map(|c| filter.counting = c)
                    .is_some(),
                "status" => ContractStatus::parse(value)
                    .map(|s| filter.status = Some(s))
                    .is_ok(),
                "signed" if value == NOT_RECORDED => {
                    filter.undated = true;
                    true
                }
                "signed" => false,
                "schedule" if value == BEHIND => {
                    filter.behind = true;
                    true
                }
                "schedule" => false,
                "confidence" => Confidence::parse(value)
                    .map(|c| filter.confidence = Some(c))
                    .is_ok(),
                "year_from" => value.parse().map(|y| filter.year_from = Some(y)).is_ok(),
                "year_to" => value.parse().map(|y| filter.year_to = Some(y)).is_ok(),
                "sort" => DealSort::parse(value).map(|s| filter.sort = s).is_some(),
                "dir" => descending(value).map(|d| direction = Some(d)).is_some(),
                "page" => page(value).map(|p| filter.page = p).is_some(),
                "after" => value.parse().map(|id| filter.after = Some(id)).is_ok(),
                _ => true,
            };
            if !ok {
                ignored.push(format!("{key}={value}"));
            }
        }
        filter.descending = direction.unwrap_or(filter.sort.descending_by_default());
        if let (Some(from), Some(to)) = (filter.year_from, filter.year_to)
            && from > to
        {
            filter.year_from = Some(to);
            filter.year_to = Some(from);
        }
        (filter, ignored)
    }

    /// The query string for this filter (without `?`), leaving out defaults.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        if let Some(v) = self.buyer {
            pairs.push(("buyer", v.to_string()));
        }
        if let Some(v) = self.supplier {
            pairs.push(("supplier", v.to_string()));
        }
        if self.no_supplier {
            pairs.push(("supplier", NOT_RECORDED.to_owned()));
        }
        if let Some(v) = self.system {
            pairs.push(("system", v.to_string()));
        }
        if let Some(v) = self.agreement {
            pairs.push(("agreement", v.to_string()));
        }
        if let Some(v) = self.category {
            pairs.push(("category", v.to_string()));
        }
        if let Some(v) = self.status {
            pairs.push(("status", v.to_string()));
        }
        if let Some(group) = self.group {
            pairs.push(("status", group.as_str().to_owned()));
        }
        if self.counting != Counting::Signed {
            pairs.push(("count", self.counting.as_str().to_owned()));
        }
        if let Some(v) = self.year_from {
            pairs.push(("year_from", v.to_string()));
        }
        if let Some(v) = self.year_to {
            pairs.push(("year_to", v.to_string()));
        }
        if self.undated {
            pairs.push(("signed", NOT_RECORDED.to_owned()));
        }
        if self.behind {
            pairs.push(("schedule", BEHIND.to_owned()));
        }
        if let Some(v) = self.confidence {
            pairs.push(("confidence", v.to_string()));
        }
        if self.sort != DealSort::default() {
            pairs.push(("sort", self.sort.as_str().to_owned()));
        }
        if self.descending != self.sort.descending_by_default() {
            pairs.push((
                "dir",
                if self.descending { "desc" } else { "asc" }.to_owned(),
            ));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if let Some(after) = self.after.filter(|_| self.page > 1) {
            pairs.push(("after", after.to_string()));
        }
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    /// The same filter on another page.
    pub fn with_page(&self, page: u32) -> Self {
        Self {
            page,
            after: None,
            ..self.clone()
        }
    }

    /// The page after this one, which follows contract `last` (this page's last row).
    pub fn next_after(&self, last: i64) -> Self {
        Self {
            page: self.page + 1,
            after: Some(last),
            ..self.clone()
        }
    }

    /// The contracts a summary of this filter adds up, and its rows link to: those in force
    /// (signed, not cancelled), and those in the pipeline when it counts them, unless the
    /// filter asks for a status or a group of them.
    pub fn summed(&self) -> Self {
        let group = match (self.status, self.group, self.counting) {
            (None, None, Counting::Signed) => Some(StatusGroup::InForce),
            (None, None, _) => Some(StatusGroup::InForceOrPipeline),
            (_, group, _) => group,
        };
        Self {
            group,
            after: None,
            ..self.clone()
        }
    }

    /// The same filter sorted by `sort`: a second click on the current column reverses it.
    pub fn sorted_by(&self, sort: DealSort) -> Self {
        let descending = if self.sort == sort {
            !self.descending
        } else {
            sort.descending_by_default()
        };
        Self {
            sort,
            descending,
            page: 1,
            after: None,
            ..self.clone()
        }
    }

    pub fn is_filtered(&self) -> bool {
        Self {
            sort: self.sort,
            descending: self.descending,
            page: self.page,
            after: self.after,
            ..Self::default()
        } != *self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn round_trips_through_the_url() {
        let query = "q=K2+tank&buyer=PL&supplier=3&category=armoured+vehicles&status=in+delivery&year_from=2022&year_to=2025&confidence=reported&sort=value&dir=asc&page=2";
        let (filter, ignored) = ContractFilter::from_query(&pairs(query));
        assert!(ignored.is_empty());
        assert_eq!(filter.buyer.unwrap().as_str(), "PL");
        assert_eq!(filter.category, Some(Category::ArmouredVehicles));
        assert_eq!(filter.sort, DealSort::Value);
        assert!(!filter.descending);
        assert_eq!(
            ContractFilter::from_query(&pairs(&filter.to_query())).0,
            filter
        );
    }

    #[test]
    fn what_is_not_recorded_and_not_cancelled_round_trips() {
        let (filter, ignored) =
            ContractFilter::from_query(&pairs("supplier=none&signed=none&status=not+cancelled"));
        assert!(ignored.is_empty());
        assert!(filter.no_supplier && filter.undated);
        assert_eq!(
            filter.group,
            Some(StatusGroup::InForce),
            "old links read as before"
        );
        assert!(filter.to_query().contains("status=in+force"));
        for group in StatusGroup::ALL {
            let query = format!("status={}", group.as_str());
            let (read, ignored) = ContractFilter::from_query(&pairs(&query));
            assert!(ignored.is_empty());
            assert_eq!(read.group, Some(group));
            assert_eq!(
                read.summed().group,
                Some(group),
                "a group asked for is kept"
            );
        }
        for (count, group) in [
            ("pipeline", StatusGroup::InForceOrPipeline),
            ("weighted", StatusGroup::InForceOrPipeline),
            ("signed", StatusGroup::InForce),
        ] {
            let (read, ignored) = ContractFilter::from_query(&pairs(&format!("count={count}")));
            assert!(ignored.is_empty());
            assert_eq!(read.summed().group, Some(group), "count={count}");
            assert_eq!(ContractFilter::from_query(&pairs(&read.to_query())).0, read);
        }
        assert_eq!(filter.supplier, None);
        assert_eq!(
            ContractFilter::from_query(&pairs(&filter.to_query())).0,
            filter
        );
        assert_eq!(
            ContractFilter::default().summed().group,
            Some(StatusGroup::InForce)
        );
        let cancelled = ContractFilter {
            status: Some(ContractStatus::Cancelled),
            ..ContractFilter::default()
        };
        assert_eq!(cancelled.summed().group, None, "a status asked for is kept");
    }

    #[test]
    fn bad_values_are_dropped_and_reported() {
        let (filter, ignored) =
            ContractFilter::from_query(&pairs("buyer=XX&year_from=soon&page=0&sort=nonsense"));
        assert_eq!(
            filter,
            ContractFilter {
                ..ContractFilter::default()
            }
        );
        assert_eq!(ignored.len(), 4);
    }

    #[test]
    fn reversed_year_range_is_swapped_and_sorting_toggles() {
        let (filter, _) = ContractFilter::from_query(&pairs("year_from=2025&year_to=2022"));
        assert_eq!((filter.year_from, filter.year_to), (Some(2022), Some(2025)));
        let by_title = filter.sorted_by(DealSort::Title);
        assert!(!by_title.descending);
        assert!(by_title.sorted_by(DealSort::Title).descending);
        assert_eq!(filter.to_query(), "year_from=2022&year_to=2025");
        assert!(filter.is_filtered());
        assert!(
            !ContractFilter::from_query(&pairs("sort=title&page=3"))
                .0
                .is_filtered()
        );
    }
}
