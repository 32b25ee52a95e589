//! Identifiers of a deal in other registers: a SIPRI deal id, a US 36(b) transmittal number,
//! the buyer's or the supplier's contract number, a USAspending award, a press release.

use super::{IdentifierKind, limits};
use serde::{Deserialize, Serialize};

/// One identifier: its kind and its value, checked for the kind (a press release is a web
/// address; a USAspending award id is the one its address uses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    kind: IdentifierKind,
    value: String,
}

impl Identifier {
    pub fn parse(kind: IdentifierKind, value: &str) -> Result<Self, String> {
        let value = super::text::clean(value, super::text::Lines::One)?;
        if value.is_empty() {
            return Err(format!("Give the {kind}, or clear the row."));
        }
        if value.chars().count() > limits::IDENTIFIER_MAX {
            return Err(format!(
                "Use at most {} characters.",
                limits::IDENTIFIER_MAX
            ));
        }
        let value = match kind {
            IdentifierKind::SupplierRelease | IdentifierKind::BuyerRelease => {
                super::Website::parse(&value)
                    .map_err(|_| {
                        format!("A {kind} is given by its web address, e.g. https://www.hanwha.com/newsroom/….")
                    })?
                    .map(|w| w.as_str().to_owned())
                    .unwrap_or_default()
            }
            IdentifierKind::UsaSpending
                if !value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')) =>
            {
                return Err(
                    "A USAspending award id has letters, digits, _, - and . only, e.g. CONT_AWD_N0001924C0001_9700_-NONE-_-NONE-."
                        .into(),
                );
            }
            _ => value,
        };
        Ok(Self { kind, value })
    }

    pub fn kind(&self) -> IdentifierKind {
        self.kind
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where the identifier can be looked up, for the kinds that have an address.
    pub fn href(&self) -> Option<String> {
        match self.kind {
            IdentifierKind::SupplierRelease | IdentifierKind::BuyerRelease => {
                Some(self.value.clone())
            }
            IdentifierKind::UsaSpending => {
                Some(format!("https://www.usaspending.gov/award/{}", self.value))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_reads_its_value_and_the_ones_with_an_address_link_to_it() {
        let sipri = Identifier::parse(IdentifierKind::Sipri, " 12345 ").unwrap();
        assert_eq!((sipri.value(), sipri.href()), ("12345", None));
        let release = Identifier::parse(
            IdentifierKind::SupplierRelease,
            "www.hanwha.com/en/news/k9.do",
        )
        .unwrap();
        assert_eq!(
            release.href().as_deref(),
            Some("https://www.hanwha.com/en/news/k9.do")
        );
        assert!(
            Identifier::parse(IdentifierKind::BuyerRelease, "not an address")
                .unwrap_err()
                .contains("web address")
        );
        let award = Identifier::parse(IdentifierKind::UsaSpending, "CONT_AWD_X_9700").unwrap();
        assert_eq!(
            award.href().as_deref(),
            Some("https://www.usaspending.gov/award/CONT_AWD_X_9700")
        );
        assert!(Identifier::parse(IdentifierKind::UsaSpending, "a/../b").is_err());
        assert!(
            Identifier::parse(IdentifierKind::Other, "")
                .unwrap_err()
                .contains("Give the other")
        );
        assert!(Identifier::parse(IdentifierKind::Other, "a\u{0}b").is_err());
    }
}
