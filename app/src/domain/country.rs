//! ISO 3166-1 alpha-2 country codes: never free text.

use serde::{Deserialize, Serialize};
use std::fmt;

#[path = "country_list.rs"]
mod list;

/// A country code that is on the ISO 3166-1 list, stored upper case (`KR`, `PL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts a code in any case with surrounding spaces ("kr", " PL ").
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err("Choose a country.".into());
        }
        match Self::all().find(|(c, _)| c.as_str() == code) {
            Some((c, _)) => Ok(c),
            None => Err(format!(
                "“{}” is not an ISO 3166-1 country code.",
                input.trim()
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ever built from the ASCII list below.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The English short name ("South Korea").
    pub fn name(&self) -> &'static str {
        list::COUNTRIES
            .iter()
            .find(|(c, _)| c.as_bytes() == self.0)
            .map(|(_, n)| *n)
            .unwrap_or("Unknown country")
    }

    /// Every country, sorted by code.
    pub fn all() -> impl Iterator<Item = (CountryCode, &'static str)> {
        list::COUNTRIES.iter().map(|(c, n)| {
            let b = c.as_bytes();
            (CountryCode([b[0], b[1]]), *n)
        })
    }

    /// Every country, sorted by English name, for pick lists.
    pub fn all_by_name() -> Vec<(CountryCode, &'static str)> {
        let mut all: Vec<_> = Self::all().collect();
        all.sort_by_key(|(_, n)| *n);
        all
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    #[cfg(feature = "ssr")]
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }

    /// In the browser a code only ever comes from our own server, which checked it against the
    /// list; checking it again would compile the 249-country list into the wasm.
    #[cfg(not(feature = "ssr"))]
    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(CountryCode([*a, *b])),
            _ => Err(format!("“{value}” is not a country code.")),
        }
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_codes_in_any_case() {
        assert_eq!(CountryCode::parse("kr").unwrap().as_str(), "KR");
        assert_eq!(CountryCode::parse(" PL ").unwrap().name(), "Poland");
    }

    #[test]
    fn rejects_unknown_and_empty_codes() {
        assert!(CountryCode::parse("XX").unwrap_err().contains("XX"));
        assert!(CountryCode::parse("KOR").is_err());
        assert_eq!(CountryCode::parse("  ").unwrap_err(), "Choose a country.");
    }

    #[test]
    fn list_is_complete_sorted_and_unique() {
        let codes: Vec<_> = CountryCode::all().map(|(c, _)| c).collect();
        assert_eq!(codes.len(), 249);
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn serde_round_trips_and_refuses_bad_codes() {
        let kr: CountryCode = serde_json::from_str("\"KR\"").unwrap();
        assert_eq!(serde_json::to_string(&kr).unwrap(), "\"KR\"");
        #[cfg(feature = "ssr")]
        assert!(serde_json::from_str::<CountryCode>("\"ZZ\"").is_err());
        assert!(serde_json::from_str::<CountryCode>("\"K\"").is_err());
    }
}
