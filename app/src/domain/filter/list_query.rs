//! Search, sort and page of the short reference lists.

use super::{PER_PAGE, descending, page};
use crate::domain::{Category, CountryCode, text};
use serde::{Deserialize, Serialize};

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
                "q" => text::clean(value, text::Lines::One)
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
        crate::domain::register::Page::counted(rows, total, page, PER_PAGE)
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
