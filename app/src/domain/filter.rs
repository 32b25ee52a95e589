//! List filters, carried in the URL (`/contracts?buyer=PL&year_from=2022&sort=value`): a
//! filtered view is a link to share, the back button works, and no JavaScript is needed.

use super::{Category, Confidence, ContractStatus, CountryCode};
use serde::{Deserialize, Serialize};

pub const PER_PAGE: u32 = 25;

/// `supplier=none`, `signed=none`: the contracts without a supplier or a signing date on record.
pub const NOT_RECORDED: &str = "none";

/// `status=not cancelled`: every status but cancelled.
pub const NOT_CANCELLED: &str = "not cancelled";

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
    /// Cancelled contracts left out (`status=not cancelled`): what a summary adds up.
    pub not_cancelled: bool,
    pub agreement: Option<i64>,
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// Only contracts without a signing date on record (`signed=none`).
    pub undated: bool,
    /// The confidence level: which contracts, values and units count (see
    /// [`super::summary::Level`]).
    pub confidence: Option<Confidence>,
    pub sort: DealSort,
    pub descending: bool,
    pub page: u32,
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
            not_cancelled: false,
            agreement: None,
            year_from: None,
            year_to: None,
            undated: false,
            confidence: None,
            sort: DealSort::default(),
            descending: DealSort::default().descending_by_default(),
            page: 1,
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
                "q" => super::text::clean(value, super::text::Lines::One)
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
                "status" if value == NOT_CANCELLED => {
                    filter.not_cancelled = true;
                    true
                }
                "status" => ContractStatus::parse(value)
                    .map(|s| filter.status = Some(s))
                    .is_ok(),
                "signed" if value == NOT_RECORDED => {
                    filter.undated = true;
                    true
                }
                "signed" => false,
                "confidence" => Confidence::parse(value)
                    .map(|c| filter.confidence = Some(c))
                    .is_ok(),
                "year_from" => value.parse().map(|y| filter.year_from = Some(y)).is_ok(),
                "year_to" => value.parse().map(|y| filter.year_to = Some(y)).is_ok(),
                "sort" => DealSort::parse(value).map(|s| filter.sort = s).is_some(),
                "dir" => descending(value).map(|d| direction = Some(d)).is_some(),
                "page" => page(value).map(|p| filter.page = p).is_some(),
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
        if self.not_cancelled {
            pairs.push(("status", NOT_CANCELLED.to_owned()));
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
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    /// The same filter on another page.
    pub fn with_page(&self, page: u32) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    /// The contracts a summary of this filter adds up, and its rows link to: cancelled ones
    /// left out unless the filter asks for a status.
    pub fn summed(&self) -> Self {
        Self {
            not_cancelled: self.not_cancelled || self.status.is_none(),
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
            ..self.clone()
        }
    }

    pub fn is_filtered(&self) -> bool {
        Self {
            sort: self.sort,
            descending: self.descending,
            page: self.page,
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
        assert!(filter.no_supplier && filter.undated && filter.not_cancelled);
        assert_eq!(filter.supplier, None);
        assert_eq!(
            ContractFilter::from_query(&pairs(&filter.to_query())).0,
            filter
        );
        assert!(ContractFilter::default().summed().not_cancelled);
        let cancelled = ContractFilter {
            status: Some(ContractStatus::Cancelled),
            ..ContractFilter::default()
        };
        assert!(
            !cancelled.summed().not_cancelled,
            "a status asked for is kept"
        );
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

/// Filters of the agreement list (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementFilter {
    pub q: Option<String>,
    pub buyer: Option<CountryCode>,
    pub status: Option<super::AgreementStatus>,
    pub sort: DealSort,
    pub descending: bool,
    pub page: u32,
}

impl Default for AgreementFilter {
    fn default() -> Self {
        Self {
            q: None,
            buyer: None,
            status: None,
            sort: DealSort::default(),
            descending: DealSort::default().descending_by_default(),
            page: 1,
        }
    }
}

impl AgreementFilter {
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
                "q" => super::text::clean(value, super::text::Lines::One)
                    .map(|q| filter.q = Some(q.chars().take(200).collect()))
                    .is_ok(),
                "buyer" => CountryCode::parse(value)
                    .map(|c| filter.buyer = Some(c))
                    .is_ok(),
                "status" => super::AgreementStatus::parse(value)
                    .map(|s| filter.status = Some(s))
                    .is_ok(),
                "sort" => DealSort::parse(value).map(|s| filter.sort = s).is_some(),
                "dir" => descending(value).map(|d| direction = Some(d)).is_some(),
                "page" => page(value).map(|p| filter.page = p).is_some(),
                _ => true,
            };
            if !ok {
                ignored.push(format!("{key}={value}"));
            }
        }
        filter.descending = direction.unwrap_or(filter.sort.descending_by_default());
        (filter, ignored)
    }

    /// The same list sorted by `sort`: reversed when it is already the sort, from page 1.
    pub fn sorted_by(&self, sort: DealSort) -> Self {
        Self {
            descending: if self.sort == sort {
                !self.descending
            } else {
                sort.descending_by_default()
            },
            sort,
            page: 1,
            ..self.clone()
        }
    }

    pub fn to_query(&self) -> String {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        if let Some(q) = &self.q {
            serializer.append_pair("q", q);
        }
        if let Some(buyer) = self.buyer {
            serializer.append_pair("buyer", buyer.as_str());
        }
        if let Some(status) = self.status {
            serializer.append_pair("status", status.as_str());
        }
        if self.sort != DealSort::default() {
            serializer.append_pair("sort", self.sort.as_str());
        }
        if self.descending != self.sort.descending_by_default() {
            serializer.append_pair("dir", if self.descending { "desc" } else { "asc" });
        }
        if self.page > 1 {
            serializer.append_pair("page", &self.page.to_string());
        }
        serializer.finish()
    }

    pub fn with_page(&self, page: u32) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }
}

/// Search, sort and page of a short reference list (systems, firms), in the URL:
/// `/systems?q=k9&category=artillery&sort=maker&dir=desc&page=2`. These lists hold hundreds
/// of rows at most (and the forms' selects need them whole), so they are sorted and paged from
/// the whole list rather than by the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub category: Option<Category>,
    pub country: Option<CountryCode>,
    /// One of the list's columns; the first column when the address names none.
    pub sort: String,
    pub descending: bool,
    pub page: u32,
}

impl ListQuery {
    /// Reads the URL query for a list whose sortable columns are `columns` (the first is the
    /// default). Values that do not parse are dropped and reported back.
    pub fn from_query(pairs: &[(String, String)], columns: &[&str]) -> (Self, Vec<String>) {
        let mut query = ListQuery {
            q: None,
            category: None,
            country: None,
            sort: columns.first().copied().unwrap_or_default().to_owned(),
            descending: false,
            page: 1,
        };
        let mut ignored = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let ok = match key.as_str() {
                // A search for text no record can hold (a NUL) is not applied.
                "q" => super::text::clean(value, super::text::Lines::One)
                    .map(|q| query.q = Some(q.chars().take(200).collect()))
                    .is_ok(),
                "category" => Category::parse(value)
                    .map(|c| query.category = Some(c))
                    .is_ok(),
                "country" => CountryCode::parse(value)
                    .map(|c| query.country = Some(c))
                    .is_ok(),
                "sort" if columns.contains(&value) => {
                    query.sort = value.to_owned();
                    true
                }
                "sort" => false,
                "dir" => descending(value).map(|d| query.descending = d).is_some(),
                "page" => page(value).map(|p| query.page = p).is_some(),
                _ => true,
            };
            if !ok {
                ignored.push(format!("{key}={value}"));
            }
        }
        (query, ignored)
    }

    pub fn to_query(&self) -> String {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        if let Some(q) = &self.q {
            serializer.append_pair("q", q);
        }
        if let Some(category) = self.category {
            serializer.append_pair("category", category.as_str());
        }
        if let Some(country) = self.country {
            serializer.append_pair("country", country.as_str());
        }
        serializer.append_pair("sort", &self.sort);
        if self.descending {
            serializer.append_pair("dir", "desc");
        }
        if self.page > 1 {
            serializer.append_pair("page", &self.page.to_string());
        }
        serializer.finish()
    }

    /// The same list sorted by `column`: reversed when it is already the sort, from page 1.
    pub fn sorted_by(&self, column: &str) -> Self {
        Self {
            descending: self.sort == column && !self.descending,
            sort: column.to_owned(),
            page: 1,
            ..self.clone()
        }
    }

    pub fn with_page(&self, page: u32) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    pub fn is_filtered(&self) -> bool {
        self.q.is_some() || self.category.is_some() || self.country.is_some()
    }

    /// Whether `text` contains the search, ignoring case.
    pub fn matches(&self, texts: &[&str]) -> bool {
        match &self.q {
            None => true,
            Some(q) => {
                let q = q.to_lowercase();
                texts.iter().any(|t| t.to_lowercase().contains(&q))
            }
        }
    }

    /// Sorts `rows` by the key of the chosen column and cuts out the page.
    pub fn page_of<T>(
        &self,
        rows: Vec<T>,
        key: impl Fn(&T, &str) -> String,
    ) -> crate::domain::register::Page<T> {
        self.page_showing(rows, key, |_| false)
    }

    /// As `page_of`, but on the first page of the address shows instead the page that holds
    /// the row `focus` picks (a record just added, so the user sees it in the list).
    pub fn page_showing<T>(
        &self,
        rows: Vec<T>,
        key: impl Fn(&T, &str) -> String,
        focus: impl Fn(&T) -> bool,
    ) -> crate::domain::register::Page<T> {
        self.page_of_sorted(self.sorted(rows, key), focus)
    }

    /// `rows` in the order of the chosen column (what the whole list, or its export, shows).
    pub fn sorted<T>(&self, mut rows: Vec<T>, key: impl Fn(&T, &str) -> String) -> Vec<T> {
        rows.sort_by_cached_key(|row| key(row, &self.sort).to_lowercase());
        if self.descending {
            rows.reverse();
        }
        rows
    }

    /// The page of already sorted `rows` (see `page_showing` for `focus`).
    pub fn page_of_sorted<T>(
        &self,
        rows: Vec<T>,
        focus: impl Fn(&T) -> bool,
    ) -> crate::domain::register::Page<T> {
        let total = rows.len() as i64;
        let focused = rows.iter().position(focus).map(|i| i as u32 / PER_PAGE + 1);
        let page = match (self.page, focused) {
            (1, Some(page)) => page,
            (page, _) => page.max(1),
        };
        let rows = rows
            .into_iter()
            .skip(((page - 1) * PER_PAGE) as usize)
            .take(PER_PAGE as usize)
            .collect();
        crate::domain::register::Page {
            rows,
            total,
            page,
            per_page: PER_PAGE,
        }
    }
}

#[cfg(test)]
mod list_query_tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn a_list_query_round_trips_and_reports_what_it_ignores() {
        let columns = ["designation", "category", "maker"];
        let (query, ignored) = ListQuery::from_query(
            &pairs("q=k9&category=artillery&sort=maker&dir=desc&page=2&sort=size"),
            &columns,
        );
        assert_eq!(ignored, vec!["sort=size".to_owned()]);
        assert_eq!(query.sort, "maker");
        assert!(query.descending);
        let (again, _) = ListQuery::from_query(&pairs(&query.to_query()), &columns);
        assert_eq!(again, query);
        let resorted = query.sorted_by("maker");
        assert!(!resorted.descending && resorted.page == 1);
        assert!(query.matches(&["K9A1", "Hanwha"]));
        assert!(!query.matches(&["K2"]));
    }

    #[test]
    fn pages_are_cut_after_sorting() {
        let (query, _) = ListQuery::from_query(&pairs("dir=desc&page=2"), &["n"]);
        let rows: Vec<i64> = (1..=30).collect();
        let page = query.page_of(rows, |n, _| format!("{n:03}"));
        assert_eq!(page.total, 30);
        assert_eq!(page.rows, vec![5, 4, 3, 2, 1]);
        let (first, _) = ListQuery::from_query(&[], &["n"]);
        let rows: Vec<i64> = (1..=30).collect();
        let shown = first.page_showing(rows, |n, _| format!("{n:03}"), |n| *n == 27);
        assert_eq!(shown.page, 2, "the page that holds the new row");
        assert!(shown.rows.contains(&27));
    }
}
