//! Matching the names a file uses (firms, agreements, systems, countries) to stored records.

use super::problem;
use crate::domain::CountryCode;
use crate::error::AppError;
use crate::storage::Db;
use crate::storage::keys::key;
use crate::transfer::Problem;
use std::collections::HashMap;

/// The stored names a file is matched against, by their [`key`] (case and Unicode
/// normalisation do not matter).
pub(super) struct Names {
    firms: HashMap<String, i64>,
    systems: HashMap<String, i64>,
    agreements: HashMap<String, Vec<i64>>,
    countries: HashMap<String, CountryCode>,
    /// What the pages call each record, for the changes an update lists.
    pub(super) firm_names: HashMap<i64, String>,
    pub(super) system_names: HashMap<i64, String>,
    pub(super) agreement_titles: HashMap<i64, String>,
}

/// A name that matches no record: the problem at its cell, and the name as the preview's list
/// of unknown names shows it.
pub(super) struct Unmatched {
    pub(super) problem: Problem,
    pub(super) what: String,
}

/// The record a cell names: `None` for an empty cell.
type Matched<T> = Result<Option<T>, Unmatched>;

impl Names {
    pub(super) async fn load(db: &Db) -> Result<Self, AppError> {
        let firms = crate::storage::firms::ids_by_key(db)
            .await?
            .into_iter()
            .collect();
        let systems = crate::storage::systems::ids_by_key(db)
            .await?
            .into_iter()
            .collect();
        let firm_names = crate::storage::firms::list(db)
            .await?
            .into_iter()
            .map(|f| (f.id, f.name))
            .collect();
        let system_names = crate::storage::systems::list(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.designation))
            .collect();
        let mut agreement_titles = HashMap::new();
        let mut agreements: HashMap<String, Vec<i64>> = HashMap::new();
        for choice in crate::storage::agreements::choices(db).await? {
            agreement_titles.insert(choice.id, choice.title.clone());
            agreements
                .entry(key(&choice.title))
                .or_default()
                .push(choice.id);
        }
        let countries = CountryCode::all()
            .map(|(code, name)| (name.to_lowercase(), code))
            .collect();
        Ok(Self {
            firms,
            systems,
            agreements,
            countries,
            firm_names,
            system_names,
            agreement_titles,
        })
    }

    /// The name of record `id` in `names`, "" for none.
    pub(super) fn label(&self, names: &HashMap<i64, String>, id: Option<i64>) -> String {
        id.map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
            .unwrap_or_default()
    }

    /// The firm a `supplier` cell on `row` names.
    pub(super) fn supplier(&self, supplier: &str, row: u64) -> Matched<i64> {
        match self.firms.get(&key(supplier)) {
            Some(id) => Ok(Some(*id)),
            None if supplier.is_empty() => Ok(None),
            None => Err(Unmatched {
                problem: problem(
                    row,
                    "supplier",
                    format!(
                        "No firm is named \u{201c}{supplier}\u{201d}. Add it on the Firms page first, or correct the name."
                    ),
                ),
                what: format!("supplier \u{201c}{supplier}\u{201d}"),
            }),
        }
    }

    /// The framework agreement an `agreement` cell on `row` names: one title, one agreement.
    pub(super) fn agreement(&self, agreement: &str, row: u64) -> Matched<i64> {
        match self.agreements.get(&key(agreement)).map(Vec::as_slice) {
            Some([id]) => Ok(Some(*id)),
            _ if agreement.is_empty() => Ok(None),
            Some(_) => Err(Unmatched {
                problem: problem(
                    row,
                    "agreement",
                    format!(
                        "Several agreements are titled \u{201c}{agreement}\u{201d}: rename one so the title says which."
                    ),
                ),
                what: format!("agreement \u{201c}{agreement}\u{201d} (ambiguous)"),
            }),
            None => Err(Unmatched {
                problem: problem(
                    row,
                    "agreement",
                    format!(
                        "No framework agreement is titled \u{201c}{agreement}\u{201d}. Add it first (Agreements), or correct the title."
                    ),
                ),
                what: format!("agreement \u{201c}{agreement}\u{201d}"),
            }),
        }
    }

    /// The country a `buyer` cell on `row` names, by its ISO code or its English name.
    pub(super) fn buyer(&self, buyer: &str, row: u64) -> Matched<CountryCode> {
        let country = CountryCode::parse(buyer)
            .ok()
            .or_else(|| self.countries.get(&buyer.to_lowercase()).copied());
        match country {
            Some(code) => Ok(Some(code)),
            None if buyer.is_empty() => Ok(None),
            None => Err(Unmatched {
                problem: problem(
                    row,
                    "buyer",
                    format!(
                        "\u{201c}{buyer}\u{201d} is not a country: use its ISO code (PL) or its English name (Poland)."
                    ),
                ),
                what: format!("buyer \u{201c}{buyer}\u{201d}"),
            }),
        }
    }

    /// The system a `system` cell on `row` names.
    pub(super) fn system(&self, system: &str, row: u64) -> Matched<i64> {
        match self.systems.get(&key(system)) {
            Some(id) => Ok(Some(*id)),
            None if system.is_empty() => Ok(None),
            None => Err(Unmatched {
                problem: problem(
                    row,
                    "system",
                    format!(
                        "No system is called \u{201c}{system}\u{201d}. Add it on the Systems page first, or correct the designation."
                    ),
                ),
                what: format!("system \u{201c}{system}\u{201d}"),
            }),
        }
    }
}
