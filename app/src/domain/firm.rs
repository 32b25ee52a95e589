//! Supplier firms: the parsed input (`FirmDraft`) and the record as the pages see it (`Firm`).

use super::{CountryCode, FieldErrors, limits};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A firm's name: trimmed, inner runs of white space folded, 1 to `FIRM_NAME_MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmName(String);

impl FirmName {
    pub fn parse(input: &str) -> Result<Self, String> {
        let name = super::text::clean(input, super::text::Lines::One)?;
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let length = name.chars().count();
        if length == 0 {
            Err("Enter the firm's name.".into())
        } else if length > limits::FIRM_NAME_MAX {
            Err(format!(
                "Use at most {} characters (this has {length}).",
                limits::FIRM_NAME_MAX
            ))
        } else {
            Ok(Self(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An http(s) web address. A bare host ("hanwha.com") gets `https://` in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Website(String);

impl Website {
    /// Empty input means "no website".
    pub fn parse(input: &str) -> Result<Option<Self>, String> {
        let input = super::text::clean(input, super::text::Lines::One)?;
        let input = input.as_str();
        if input.is_empty() {
            return Ok(None);
        }
        if input.chars().count() > limits::WEBSITE_MAX {
            return Err(format!("Use at most {} characters.", limits::WEBSITE_MAX));
        }
        let with_scheme = if input.contains("://") {
            input.to_owned()
        } else {
            format!("https://{input}")
        };
        let bad =
            || format!("“{input}” is not a web address; use one like https://www.hanwha.com.");
        let url = url::Url::parse(&with_scheme).map_err(|_| bad())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("Use an http:// or https:// address.".into());
        }
        match url.host_str() {
            // A host needs a dot ("localhost" and "foo" are not a firm's website).
            Some(host) if host.contains('.') && !host.starts_with('.') && !host.ends_with('.') => {
                Ok(Some(Self(url.to_string())))
            }
            _ => Err(bad()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free-text notes, at most `NOTES_MAX` characters; line breaks are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notes(String);

impl Notes {
    pub fn parse(input: &str) -> Result<Self, String> {
        let notes = super::text::clean(input, super::text::Lines::Many)?;
        let length = notes.chars().count();
        if length > limits::NOTES_MAX {
            Err(format!(
                "Use at most {} characters (this has {length}).",
                limits::NOTES_MAX
            ))
        } else {
            Ok(Self(notes))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The raw text of the firm form, as typed. Field names match the form's `name` attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmFields {
    pub name: String,
    pub country: String,
    pub website: String,
    pub notes: String,
}

/// A firm's fields after parsing: ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirmDraft {
    pub name: FirmName,
    pub country: CountryCode,
    pub website: Option<Website>,
    pub notes: Notes,
}

impl FirmDraft {
    /// Parses every field and reports every problem at once, each at its field.
    pub fn parse(fields: &FirmFields) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", FirmName::parse(&fields.name));
        let country = errors.check("country", CountryCode::parse(&fields.country));
        let website = errors.check("website", Website::parse(&fields.website));
        let notes = errors.check("notes", Notes::parse(&fields.notes));
        match (name, country, website, notes) {
            (Some(name), Some(country), Some(website), Some(notes)) => Ok(Self {
                name,
                country,
                website,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

/// A stored firm, as pages and server functions exchange it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firm {
    pub id: i64,
    pub name: String,
    pub country: CountryCode,
    pub website: Option<String>,
    pub notes: String,
    /// Bumped by every save; an update must name the version it started from.
    pub version: i64,
    /// Sent as microseconds since 1970: decoding that in the browser needs none of chrono's
    /// date-string parser.
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub updated_at: DateTime<Utc>,
}

impl Firm {
    pub fn fields(&self) -> FirmFields {
        FirmFields {
            name: self.name.clone(),
            country: self.country.to_string(),
            website: self.website.clone().unwrap_or_default(),
            notes: self.notes.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_folded_and_bounded() {
        assert_eq!(
            FirmName::parse("  Hyundai   Rotem ").unwrap().as_str(),
            "Hyundai Rotem"
        );
        assert_eq!(
            FirmName::parse(" \t ").unwrap_err(),
            "Enter the firm's name."
        );
        let at_limit = "x".repeat(limits::FIRM_NAME_MAX);
        assert!(FirmName::parse(&at_limit).is_ok());
        let over = "é".repeat(limits::FIRM_NAME_MAX + 1);
        assert!(FirmName::parse(&over).unwrap_err().contains("at most 200"));
    }

    #[test]
    fn websites_accept_bare_hosts_and_refuse_junk() {
        assert_eq!(Website::parse("").unwrap(), None);
        assert_eq!(
            Website::parse("hanwha.com").unwrap().unwrap().as_str(),
            "https://hanwha.com/"
        );
        assert_eq!(
            Website::parse("http://www.kai.co.kr/en")
                .unwrap()
                .unwrap()
                .as_str(),
            "http://www.kai.co.kr/en"
        );
        assert!(Website::parse("not a url").is_err());
        assert!(Website::parse("localhost").is_err());
        assert!(
            Website::parse("ftp://files.example.com")
                .unwrap_err()
                .contains("http")
        );
        assert!(Website::parse("javascript:alert(1)").is_err());
    }

    #[test]
    fn notes_keep_lines_and_are_bounded() {
        assert_eq!(Notes::parse(" a\r\nb ").unwrap().as_str(), "a\nb");
        assert!(Notes::parse(&"n".repeat(limits::NOTES_MAX + 1)).is_err());
    }

    #[test]
    fn draft_reports_every_bad_field_at_once() {
        let errors = FirmDraft::parse(&FirmFields {
            name: String::new(),
            country: "XX".into(),
            website: "no such thing".into(),
            notes: String::new(),
        })
        .unwrap_err();
        assert!(errors.get("name").is_some());
        assert!(errors.get("country").is_some());
        assert!(errors.get("website").is_some());
        assert!(errors.get("notes").is_none());
    }

    #[test]
    fn draft_parses_good_input() {
        let draft = FirmDraft::parse(&FirmFields {
            name: "Korea Aerospace Industries".into(),
            country: "kr".into(),
            website: "www.koreaaero.com".into(),
            notes: "FA-50 maker".into(),
        })
        .unwrap();
        assert_eq!(draft.country.as_str(), "KR");
        assert_eq!(
            draft.website.unwrap().as_str(),
            "https://www.koreaaero.com/"
        );
    }
}
