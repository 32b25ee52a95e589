//! Why the demo data did not load, naming the seed file and the record.

use super::{DEALS_FILE, RATES_FILE};
use app::error::AppError;
use app::storage::StorageError;

/// Why the demo data did not load: the seed file, the record in it, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{file}: {source}")]
    Unreadable {
        file: &'static str,
        source: serde_json::Error,
    },
    #[error("{}, {record}: {problem}", record.file())]
    Record { record: Record, problem: Problem },
}

/// A record of the seed files, as a message names it.
#[derive(Debug)]
pub enum Record {
    /// A rate, by its currency and date.
    Rate(String),
    Firm(String),
    System(String),
    Agreement(String),
    Contract(String),
    /// A delivery (numbered from 1) of the contract with this key.
    Delivery {
        contract: String,
        number: usize,
    },
}

impl Record {
    fn file(&self) -> &'static str {
        match self {
            Record::Rate(_) => RATES_FILE,
            _ => DEALS_FILE,
        }
    }

    /// `problem` with this record named.
    pub(super) fn error(self, problem: impl Into<Problem>) -> DemoError {
        DemoError::Record {
            record: self,
            problem: problem.into(),
        }
    }
}

impl std::fmt::Display for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Record::Rate(name) => write!(f, "rate {name}"),
            Record::Firm(key) => write!(f, "firm {key:?}"),
            Record::System(key) => write!(f, "system {key:?}"),
            Record::Agreement(key) => write!(f, "agreement {key:?}"),
            Record::Contract(key) => write!(f, "contract {key:?}"),
            Record::Delivery { contract, number } => {
                write!(f, "delivery {number} of contract {contract:?}")
            }
        }
    }
}

/// What is wrong with a seed record.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// A value the app's parsers refuse, in their words.
    #[error("{0}")]
    Invalid(String),
    #[error("unknown {what} key {key:?}")]
    UnknownKey { what: &'static str, key: String },
    #[error("delivery names a line the contract does not have")]
    NoSuchLine,
    /// The storage would not take it (the outcome it gave, as `Debug` shows it).
    #[error("refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<String> for Problem {
    fn from(message: String) -> Self {
        Problem::Invalid(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_names_the_file_and_the_record() {
        let unknown = Record::Firm("pgz".into()).error(Problem::UnknownKey {
            what: "firm",
            key: "hsw".into(),
        });
        assert_eq!(
            unknown.to_string(),
            r#"seed/deals.json, firm "pgz": unknown firm key "hsw""#
        );
        let rate = Record::Rate("KRW 2024-01".into()).error("Not a date.".to_owned());
        assert_eq!(
            rate.to_string(),
            "seed/rates.json, rate KRW 2024-01: Not a date."
        );
        let delivery = Record::Delivery {
            contract: "k2-first".into(),
            number: 2,
        }
        .error(Problem::NoSuchLine);
        assert_eq!(
            delivery.to_string(),
            r#"seed/deals.json, delivery 2 of contract "k2-first": delivery names a line the contract does not have"#
        );
    }
}
