//! Demo data for a brand-new database: the real deals of `seed/deals.json` (transcribed from the
//! project's reference material), with their sources, confidence and disagreements.
//!
//! Every value goes through the same parsers as user input, so a mistake in the seed file stops
//! the start with a message naming the record.

use app::domain::register::{
    AgreementDraft, Alternative, CeilingDraft, ContractDraft, DeliveryDraft, Figure, LineDraft,
    Provenance, SourceRef, SystemDraft,
};
use app::domain::{
    AgreementStatus, Category, Confidence, ContractStatus, CountryCode, CurrencyCode, FirmFields,
    FormOutcome, Money, PartialDate, Quantity,
};
use app::firms::service;
use app::storage::{Db, agreements, contracts, deliveries, firms, systems};
use serde::Deserialize;
use std::collections::HashMap;

const DEALS: &str = include_str!("../seed/deals.json");
const RATES: &str = include_str!("../seed/rates.json");

#[derive(Deserialize)]
struct RateSeed {
    rates: Vec<SeedRate>,
}

#[derive(Deserialize)]
struct SeedRate {
    currency: String,
    date: String,
    usd_per_unit: String,
    source: String,
}

#[derive(Deserialize)]
struct Seed {
    firms: Vec<SeedFirm>,
    systems: Vec<SeedSystem>,
    agreements: Vec<SeedAgreement>,
    contracts: Vec<SeedContract>,
}

#[derive(Deserialize)]
struct SeedFirm {
    key: String,
    #[serde(flatten)]
    fields: FirmFields,
    parent: Option<String>,
}

#[derive(Deserialize)]
struct SeedSystem {
    key: String,
    designation: String,
    description: String,
    category: String,
    maker: String,
    variant_of: Option<String>,
}

#[derive(Deserialize)]
struct SeedSource {
    title: String,
    publisher: String,
    url: String,
    date: Option<String>,
}

#[derive(Deserialize)]
struct SeedFigure {
    amount: String,
    currency: String,
    confidence: String,
    basis: String,
    sources: Vec<SeedSource>,
}

#[derive(Deserialize)]
struct SeedCeiling {
    system: String,
    quantity: i64,
    value: Option<SeedFigure>,
    confidence: String,
    basis: String,
    notes: String,
}

#[derive(Deserialize)]
struct SeedAgreement {
    key: String,
    title: String,
    buyer: String,
    agency: String,
    suppliers: Vec<String>,
    signed_on: Option<String>,
    status: String,
    value: Option<SeedFigure>,
    alternatives: Vec<SeedFigure>,
    ceilings: Vec<SeedCeiling>,
    sources: Vec<SeedSource>,
    notes: String,
}

#[derive(Deserialize)]
struct SeedLine {
    system: String,
    quantity: Option<i64>,
    value: Option<SeedFigure>,
    confidence: String,
    notes: String,
}

#[derive(Deserialize)]
struct SeedDelivery {
    line: usize,
    date: String,
    units: i64,
    confidence: String,
    notes: String,
}

#[derive(Deserialize)]
struct SeedContract {
    key: String,
    title: String,
    agreement: Option<String>,
    supplier: Option<String>,
    buyer: String,
    agency: String,
    signed_on: Option<String>,
    status: String,
    value: Option<SeedFigure>,
    alternatives: Vec<SeedFigure>,
    delivery_period: String,
    local_production: String,
    lines: Vec<SeedLine>,
    deliveries: Vec<SeedDelivery>,
    sources: Vec<SeedSource>,
    notes: String,
}

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

fn key(map: &HashMap<String, i64>, key: &str, what: &str) -> Result<i64, String> {
    map.get(key)
        .copied()
        .ok_or_else(|| format!("unknown {what} key {key:?}"))
}

fn source(s: &SeedSource) -> Result<SourceRef, String> {
    Ok(SourceRef {
        title: s.title.clone(),
        publisher: s.publisher.clone(),
        url: (!s.url.is_empty()).then(|| s.url.clone()),
        published_on: s.date.as_deref().map(PartialDate::parse).transpose()?,
    })
}

fn sources(list: &[SeedSource]) -> Result<Vec<SourceRef>, String> {
    list.iter().map(source).collect()
}

fn money(amount: &str, currency: &str) -> Result<Money, String> {
    Money::parse(amount, CurrencyCode::parse(currency)?)
}

fn figure(f: &SeedFigure) -> Result<Figure, String> {
    Ok(Figure {
        money: money(&f.amount, &f.currency)?,
        confidence: Confidence::parse(&f.confidence)?,
        basis: f.basis.clone(),
    })
}

fn provenance(
    value: Option<&SeedFigure>,
    alternatives: &[SeedFigure],
    record: &[SeedSource],
) -> Result<Provenance, String> {
    Ok(Provenance {
        value: value.map(figure).transpose()?,
        value_sources: value.map_or(Ok(Vec::new()), |v| sources(&v.sources))?,
        alternatives: alternatives
            .iter()
            .map(|a| {
                Ok(Alternative {
                    figure: figure(a)?,
                    sources: sources(&a.sources)?,
                })
            })
            .collect::<Result<_, String>>()?,
        sources: sources(record)?,
    })
}

fn date(text: Option<&str>) -> Result<Option<PartialDate>, String> {
    text.map(PartialDate::parse).transpose()
}

/// Loads the whole demo dataset; stops at the first record that does not load.
pub async fn load(db: &Db) -> Result<Loaded, String> {
    let seed: Seed = serde_json::from_str(DEALS).map_err(|e| format!("seed/deals.json: {e}"))?;
    let mut loaded = Loaded::default();
    let fail = |what: &str, key: &str, e: String| format!("seed/deals.json, {what} {key:?}: {e}");

    // Rates first: each contract takes its USD equivalent as it is stored.
    let rates: RateSeed =
        serde_json::from_str(RATES).map_err(|e| format!("seed/rates.json: {e}"))?;
    for rate in &rates.rates {
        let name = format!("{} {}", rate.currency, rate.date);
        let draft = (|| {
            Ok::<_, String>(app::domain::rate::RateDraft {
                currency: CurrencyCode::parse(&rate.currency)?,
                date: PartialDate::parse(&rate.date)?,
                usd_per_unit: app::domain::rate::parse_usd_per_unit(&rate.usd_per_unit)?,
                source: rate.source.clone(),
            })
        })()
        .map_err(|e| format!("seed/rates.json, rate {name}: {e}"))?;
        app::storage::rates::insert(db, &draft)
            .await
            .map_err(|e| format!("seed/rates.json, rate {name}: {e}"))?;
        loaded.rates += 1;
    }

    let mut firm_ids = HashMap::new();
    for firm in &seed.firms {
        match service::create(db, &firm.fields).await {
            Ok(FormOutcome::Saved(saved)) => {
                firm_ids.insert(firm.key.clone(), saved.id);
            }
            Ok(other) => return Err(fail("firm", &firm.key, format!("refused: {other:?}"))),
            Err(error) => return Err(fail("firm", &firm.key, error.to_string())),
        }
    }
    for firm in &seed.firms {
        if let Some(parent) = &firm.parent {
            let parent = key(&firm_ids, parent, "firm").map_err(|e| fail("firm", &firm.key, e))?;
            firms::set_parent(db, firm_ids[&firm.key], Some(parent))
                .await
                .map_err(|e| fail("firm", &firm.key, e.to_string()))?;
        }
    }
    loaded.firms = firm_ids.len();

    let mut system_ids = HashMap::new();
    for system in &seed.systems {
        let draft = (|| {
            Ok::<_, String>(SystemDraft {
                designation: system.designation.clone(),
                description: system.description.clone(),
                category: Category::parse(&system.category)?,
                maker_id: key(&firm_ids, &system.maker, "firm")?,
                variant_of_id: system
                    .variant_of
                    .as_deref()
                    .map(|v| key(&system_ids, v, "system"))
                    .transpose()?,
            })
        })()
        .map_err(|e| fail("system", &system.key, e))?;
        let id = systems::insert(db, &draft)
            .await
            .map_err(|e| fail("system", &system.key, e.to_string()))?;
        system_ids.insert(system.key.clone(), id);
    }
    loaded.systems = system_ids.len();

    let mut agreement_ids = HashMap::new();
    for agreement in &seed.agreements {
        let draft = (|| {
            Ok::<_, String>(AgreementDraft {
                title: agreement.title.clone(),
                buyer: CountryCode::parse(&agreement.buyer)?,
                agency: agreement.agency.clone(),
                signed_on: date(agreement.signed_on.as_deref())?,
                status: AgreementStatus::parse(&agreement.status)?,
                supplier_ids: agreement
                    .suppliers
                    .iter()
                    .map(|s| key(&firm_ids, s, "firm"))
                    .collect::<Result<_, _>>()?,
                provenance: provenance(
                    agreement.value.as_ref(),
                    &agreement.alternatives,
                    &agreement.sources,
                )?,
                ceilings: agreement
                    .ceilings
                    .iter()
                    .map(|c| {
                        Ok(CeilingDraft {
                            system_id: key(&system_ids, &c.system, "system")?,
                            quantity: Quantity::new(c.quantity)?,
                            value: c
                                .value
                                .as_ref()
                                .map(|v| money(&v.amount, &v.currency))
                                .transpose()?,
                            confidence: Confidence::parse(&c.confidence)?,
                            basis: c.basis.clone(),
                            notes: c.notes.clone(),
                        })
                    })
                    .collect::<Result<_, String>>()?,
                notes: agreement.notes.clone(),
            })
        })()
        .map_err(|e| fail("agreement", &agreement.key, e))?;
        let id = agreements::insert(db, &draft)
            .await
            .map_err(|e| fail("agreement", &agreement.key, e.to_string()))?;
        agreement_ids.insert(agreement.key.clone(), id);
    }
    loaded.agreements = agreement_ids.len();

    for contract in &seed.contracts {
        let draft = (|| {
            Ok::<_, String>(ContractDraft {
                title: contract.title.clone(),
                agreement_id: contract
                    .agreement
                    .as_deref()
                    .map(|a| key(&agreement_ids, a, "agreement"))
                    .transpose()?,
                supplier_id: contract
                    .supplier
                    .as_deref()
                    .map(|s| key(&firm_ids, s, "firm"))
                    .transpose()?,
                buyer: CountryCode::parse(&contract.buyer)?,
                agency: contract.agency.clone(),
                signed_on: date(contract.signed_on.as_deref())?,
                status: ContractStatus::parse(&contract.status)?,
                provenance: provenance(
                    contract.value.as_ref(),
                    &contract.alternatives,
                    &contract.sources,
                )?,
                delivery_period: contract.delivery_period.clone(),
                local_production: contract.local_production.clone(),
                lines: contract
                    .lines
                    .iter()
                    .map(|l| {
                        Ok(LineDraft {
                            id: None,
                            system_id: key(&system_ids, &l.system, "system")?,
                            quantity: l.quantity.map(Quantity::new).transpose()?,
                            quantity_confidence: Confidence::parse(&l.confidence)?,
                            value: l
                                .value
                                .as_ref()
                                .map(|v| money(&v.amount, &v.currency))
                                .transpose()?,
                            notes: l.notes.clone(),
                        })
                    })
                    .collect::<Result<_, String>>()?,
                notes: contract.notes.clone(),
            })
        })()
        .map_err(|e| fail("contract", &contract.key, e))?;
        let id = match contracts::insert(db, &draft)
            .await
            .map_err(|e| fail("contract", &contract.key, e.to_string()))?
        {
            contracts::ContractWrite::Done(id) => id,
            other => {
                return Err(fail(
                    "contract",
                    &contract.key,
                    format!("refused: {other:?}"),
                ));
            }
        };
        loaded.contracts += 1;
        let lines = contracts::line_ids(db, id)
            .await
            .map_err(|e| fail("contract", &contract.key, e.to_string()))?;
        for delivery in &contract.deliveries {
            let draft = (|| {
                Ok::<_, String>(DeliveryDraft {
                    line_id: *lines
                        .get(delivery.line)
                        .ok_or("delivery names a line the contract does not have")?,
                    delivered_on: PartialDate::parse(&delivery.date)?,
                    units: Quantity::new(delivery.units)?,
                    confidence: Confidence::parse(&delivery.confidence)?,
                    notes: delivery.notes.clone(),
                })
            })()
            .map_err(|e| fail("delivery of contract", &contract.key, e))?;
            match deliveries::record(db, &draft)
                .await
                .map_err(|e| fail("contract", &contract.key, e.to_string()))?
            {
                deliveries::Recorded::Done { .. } => loaded.deliveries += 1,
                other => {
                    return Err(fail(
                        "delivery of contract",
                        &contract.key,
                        format!("refused: {other:?}"),
                    ));
                }
            }
        }
    }
    Ok(loaded)
}
