//! The agreement list's filter.

use super::{DealSort, descending, page};
use crate::domain::{AgreementStatus, CountryCode, StatusGroup, text};
use serde::{Deserialize, Serialize};

/// Filters of the agreement list (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementFilter {
    pub q: Option<String>,
    pub buyer: Option<CountryCode>,
    pub status: Option<AgreementStatus>,
    /// Agreements of some standings together (`status=in force`, `pipeline`, or both).
    pub group: Option<StatusGroup>,
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
            group: None,
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
                "q" => text::clean(value, text::Lines::One)
                    .map(|q| filter.q = Some(q.chars().take(200).collect()))
                    .is_ok(),
                "buyer" => CountryCode::parse(value)
                    .map(|c| filter.buyer = Some(c))
                    .is_ok(),
                "status" if StatusGroup::parse(value).is_some() => {
                    filter.group = StatusGroup::parse(value);
                    true
                }
                "status" => AgreementStatus::parse(value)
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
        if let Some(group) = self.group {
            serializer.append_pair("status", group.as_str());
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
