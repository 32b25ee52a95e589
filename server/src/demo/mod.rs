//! Demo data for a brand-new database: the real deals of `seed/deals.json` (transcribed from the
//! project's reference material), with their sources, confidence and disagreements.
//!
//! Every value goes through the same parsers as user input, so a mistake in the seed file stops
//! the start with a message naming the record ([`DemoError`]).

mod error;
mod seed;

use app::domain::FormOutcome;
use app::firms::service;
use app::storage::{Db, agreements, contracts, deliveries, firms, systems};
pub use error::{DemoError, Problem, Record};
use seed::{
    Ids, Keys, RateSeed, Seed, SeedAgreement, SeedContract, SeedFirm, SeedRate, SeedSystem,
    agreement_draft, contract_draft, delivery_draft, key, plan_draft, rate_draft, system_draft,
};
use std::collections::HashMap;

const DEALS: &str = include_str!("../../seed/deals.json");
const DEALS_FILE: &str = "seed/deals.json";
const RATES: &str = include_str!("../../seed/rates.json");
const RATES_FILE: &str = "seed/rates.json";

/// How much was loaded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    pub rates: usize,
    pub firms: usize,
    pub systems: usize,
    pub agreements: usize,
    pub contracts: usize,
    pub deliveries: usize,
}

/// Loads the whole demo dataset; stops at the first record that does not load.
pub async fn load(db: &Db) -> Result<Loaded, DemoError> {
    let seed: Seed = parse(DEALS, DEALS_FILE)?;
    let rates: RateSeed = parse(RATES, RATES_FILE)?;
    // Rates first: each contract takes its USD equivalent as it is stored.
    let rates = load_rates(db, &rates.rates).await?;
    let firms = load_firms(db, &seed.firms).await?;
    let systems = load_systems(db, &seed.systems, &firms).await?;
    let agreements = load_agreements(db, &seed.agreements, &firms, &systems).await?;
    let keys = Keys {
        firms,
        systems,
        agreements,
    };
    let mut loaded = Loaded {
        rates,
        firms: keys.firms.len(),
        systems: keys.systems.len(),
        agreements: keys.agreements.len(),
        ..Loaded::default()
    };
    for contract in &seed.contracts {
        loaded.deliveries += load_contract(db, contract, &keys).await?;
        loaded.contracts += 1;
    }
    Ok(loaded)
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, file: &'static str) -> Result<T, DemoError> {
    serde_json::from_str(text).map_err(|source| DemoError::Unreadable { file, source })
}

async fn load_rates(db: &Db, rates: &[SeedRate]) -> Result<usize, DemoError> {
    for rate in rates {
        let record = || Record::Rate(format!("{} {}", rate.currency, rate.date));
        let draft = rate_draft(rate).map_err(|e| record().error(e))?;
        app::storage::rates::insert(db, &draft)
            .await
            .map_err(|e| record().error(e))?;
    }
    Ok(rates.len())
}

/// Stores the firms, then the groups they are part of (a parent may come after its part).
async fn load_firms(db: &Db, seed: &[SeedFirm]) -> Result<Ids, DemoError> {
    let mut ids = HashMap::new();
    for firm in seed {
        let record = || Record::Firm(firm.key.clone());
        match service::create(db, &firm.fields).await {
            Ok(FormOutcome::Saved(saved)) => {
                ids.insert(firm.key.clone(), saved.id);
            }
            Ok(other) => return Err(record().error(Problem::Refused(format!("{other:?}")))),
            Err(error) => return Err(record().error(error)),
        }
    }
    for firm in seed {
        if let Some(parent) = &firm.parent {
            let record = || Record::Firm(firm.key.clone());
            let parent = key(&ids, parent, "firm").map_err(|e| record().error(e))?;
            firms::set_parent(db, ids[&firm.key], Some(parent))
                .await
                .map_err(|e| record().error(e))?;
        }
    }
    Ok(ids)
}

async fn load_systems(db: &Db, seed: &[SeedSystem], firms: &Ids) -> Result<Ids, DemoError> {
    let mut ids = HashMap::new();
    for system in seed {
        let record = || Record::System(system.key.clone());
        let draft = system_draft(system, firms, &ids).map_err(|e| record().error(e))?;
        let id = systems::insert(db, &draft)
            .await
            .map_err(|e| record().error(e))?;
        ids.insert(system.key.clone(), id);
    }
    Ok(ids)
}

async fn load_agreements(
    db: &Db,
    seed: &[SeedAgreement],
    firms: &Ids,
    systems: &Ids,
) -> Result<Ids, DemoError> {
    let mut ids = HashMap::new();
    for agreement in seed {
        let record = || Record::Agreement(agreement.key.clone());
        let draft = agreement_draft(agreement, firms, systems).map_err(|e| record().error(e))?;
        let id = agreements::insert(db, &draft)
            .await
            .map_err(|e| record().error(e))?;
        ids.insert(agreement.key.clone(), id);
    }
    Ok(ids)
}

/// Stores a contract and then its deliveries; the number of deliveries recorded.
async fn load_contract(db: &Db, contract: &SeedContract, keys: &Keys) -> Result<usize, DemoError> {
    let record = || Record::Contract(contract.key.clone());
    let draft = contract_draft(contract, keys).map_err(|e| record().error(e))?;
    let written = contracts::insert(db, &draft)
        .await
        .map_err(|e| record().error(e))?;
    let id = match written {
        app::storage::Inserted::Done(id) => id,
        other => return Err(record().error(Problem::Refused(format!("{other:?}")))),
    };
    let lines = contracts::line_ids(db, id)
        .await
        .map_err(|e| record().error(e))?;
    for (index, delivery) in contract.deliveries.iter().enumerate() {
        let record = || Record::Delivery {
            contract: contract.key.clone(),
            number: index + 1,
        };
        let draft = delivery_draft(delivery, &lines).map_err(|e| record().error(e))?;
        match deliveries::record(db, &draft)
            .await
            .map_err(|e| record().error(e))?
        {
            deliveries::Recorded::Done { .. } => {}
            other => return Err(record().error(Problem::Refused(format!("{other:?}")))),
        }
    }
    if !contract.plans.is_empty() {
        let plans = contract
            .plans
            .iter()
            .map(|plan| plan_draft(plan, &lines))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| record().error(e))?;
        let version = contracts::get(db, id)
            .await
            .map_err(|e| record().error(e))?
            .map_or(0, |c| c.version);
        match app::storage::plans::replace(db, id, version, &plans)
            .await
            .map_err(|e| record().error(e))?
        {
            app::storage::plans::Saved::Done => {}
            other => return Err(record().error(Problem::Refused(format!("{other:?}")))),
        }
    }
    Ok(contract.deliveries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_seed_names_its_file() {
        let Err(error) = parse::<Seed>("{", DEALS_FILE) else {
            panic!("an unfinished file does not parse");
        };
        assert!(
            error.to_string().starts_with("seed/deals.json: "),
            "{error}"
        );
    }
}
