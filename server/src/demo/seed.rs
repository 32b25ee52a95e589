//! The seed files' records as they are written, and their drafts: each value through the
//! parser that user input goes through, each key to the id of the record stored for it.

use super::error::Problem;
use app::domain::Notes;
use app::domain::pipeline::{Outlook, OutlookInput, Percent};
use app::domain::plan::{PlanDraft, PlanPeriod, PlanSource};
use app::domain::rate::RateDraft;
use app::domain::register::{
    AgreementDraft, Alternative, CeilingDraft, ContractDraft, DeliveryDraft, Figure, LineDraft,
    Provenance, SourceRef, SystemDraft,
};
use app::domain::text::{Agency, Basis, DeliveryPeriod, LineNotes, Prose, Title};
use app::domain::{
    AgreementStatus, Category, Confidence, ContractStatus, CountryCode, CurrencyCode, FirmFields,
    Money, PartialDate, Quantity, Standing,
};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
pub(super) struct RateSeed {
    pub(super) rates: Vec<SeedRate>,
}

#[derive(Deserialize)]
pub(super) struct SeedRate {
    pub(super) currency: String,
    pub(super) date: String,
    pub(super) usd_per_unit: String,
    pub(super) source: String,
}

#[derive(Deserialize)]
pub(super) struct Seed {
    pub(super) firms: Vec<SeedFirm>,
    pub(super) systems: Vec<SeedSystem>,
    pub(super) agreements: Vec<SeedAgreement>,
    pub(super) contracts: Vec<SeedContract>,
}

#[derive(Deserialize)]
pub(super) struct SeedFirm {
    pub(super) key: String,
    #[serde(flatten)]
    pub(super) fields: FirmFields,
    pub(super) parent: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SeedSystem {
    pub(super) key: String,
    pub(super) designation: String,
    pub(super) description: String,
    pub(super) category: String,
    pub(super) maker: String,
    pub(super) variant_of: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SeedSource {
    pub(super) title: String,
    pub(super) publisher: String,
    pub(super) url: String,
    pub(super) date: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SeedFigure {
    pub(super) amount: String,
    pub(super) currency: String,
    pub(super) confidence: String,
    pub(super) basis: String,
    pub(super) sources: Vec<SeedSource>,
}

#[derive(Deserialize)]
pub(super) struct SeedCeiling {
    pub(super) system: String,
    pub(super) quantity: i64,
    pub(super) value: Option<SeedFigure>,
    pub(super) confidence: String,
    pub(super) basis: String,
    pub(super) notes: String,
}

#[derive(Deserialize)]
pub(super) struct SeedAgreement {
    pub(super) key: String,
    pub(super) title: String,
    pub(super) buyer: String,
    pub(super) agency: String,
    pub(super) suppliers: Vec<String>,
    pub(super) signed_on: Option<String>,
    pub(super) status: String,
    pub(super) value: Option<SeedFigure>,
    pub(super) alternatives: Vec<SeedFigure>,
    pub(super) ceilings: Vec<SeedCeiling>,
    pub(super) sources: Vec<SeedSource>,
    pub(super) notes: String,
    #[serde(flatten)]
    pub(super) outlook: SeedOutlook,
}

/// A deal before signature: optional in the seed file, checked by the forms' rules.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SeedOutlook {
    pub(super) likely_signed_on: Option<String>,
    pub(super) probability: Option<i64>,
    pub(super) probability_confidence: Option<String>,
    pub(super) probability_basis: String,
    pub(super) lapsed_reason: String,
}

fn outlook(
    seed: &SeedOutlook,
    standing: Standing,
    signed_on: Option<PartialDate>,
) -> Result<Outlook, Problem> {
    let input = OutlookInput {
        expected_signing: seed
            .likely_signed_on
            .as_deref()
            .map(PartialDate::parse)
            .transpose()?,
        percent: seed.probability.map(Percent::new).transpose()?,
        confidence: seed
            .probability_confidence
            .as_deref()
            .map_or(Ok(Confidence::Estimated), Confidence::parse)?,
        basis: Basis::parse(&seed.probability_basis)?,
        lapsed_reason: Prose::parse(&seed.lapsed_reason)?,
    };
    Outlook::check(standing, signed_on, input).map_err(|broken| {
        let messages: Vec<&str> = broken.iter().map(|(_, message)| *message).collect();
        Problem::Invalid(messages.join(" "))
    })
}

#[derive(Deserialize)]
pub(super) struct SeedLine {
    pub(super) system: String,
    pub(super) quantity: Option<i64>,
    pub(super) value: Option<SeedFigure>,
    pub(super) confidence: String,
    pub(super) notes: String,
    /// Option units not exercised; none when the seed says nothing.
    #[serde(default)]
    pub(super) options: i64,
}

#[derive(Deserialize)]
pub(super) struct SeedDelivery {
    pub(super) line: usize,
    pub(super) date: String,
    pub(super) units: i64,
    pub(super) confidence: String,
    pub(super) notes: String,
}

/// A row of a contract line's delivery plan.
#[derive(Deserialize)]
pub(super) struct SeedPlan {
    pub(super) line: usize,
    pub(super) period: String,
    pub(super) units: i64,
    pub(super) confidence: String,
    pub(super) source: String,
    #[serde(default)]
    pub(super) url: String,
}

#[derive(Deserialize)]
pub(super) struct SeedContract {
    pub(super) key: String,
    pub(super) title: String,
    pub(super) agreement: Option<String>,
    pub(super) supplier: Option<String>,
    pub(super) buyer: String,
    pub(super) agency: String,
    pub(super) signed_on: Option<String>,
    pub(super) status: String,
    pub(super) value: Option<SeedFigure>,
    pub(super) alternatives: Vec<SeedFigure>,
    pub(super) delivery_period: String,
    pub(super) local_production: String,
    pub(super) lines: Vec<SeedLine>,
    pub(super) deliveries: Vec<SeedDelivery>,
    /// Its lines' delivery plans; none when the seed gives no schedule.
    #[serde(default)]
    pub(super) plans: Vec<SeedPlan>,
    pub(super) sources: Vec<SeedSource>,
    pub(super) notes: String,
    #[serde(flatten)]
    pub(super) outlook: SeedOutlook,
}

/// The stored ids of the seed's records, by their keys in the seed file.
pub(super) type Ids = HashMap<String, i64>;

/// The ids a contract's keys refer to.
pub(super) struct Keys {
    pub(super) firms: Ids,
    pub(super) systems: Ids,
    pub(super) agreements: Ids,
}

pub(super) fn key(ids: &Ids, key: &str, what: &'static str) -> Result<i64, Problem> {
    ids.get(key).copied().ok_or_else(|| Problem::UnknownKey {
        what,
        key: key.to_owned(),
    })
}

pub(super) fn rate_draft(rate: &SeedRate) -> Result<RateDraft, Problem> {
    Ok(RateDraft {
        currency: CurrencyCode::parse(&rate.currency)?,
        date: PartialDate::parse(&rate.date)?,
        usd_per_unit: app::domain::rate::parse_usd_per_unit(&rate.usd_per_unit)?,
        source: rate.source.clone(),
    })
}

/// A system's draft; it can be a variant of a system stored before it (in `systems`).
pub(super) fn system_draft(
    system: &SeedSystem,
    firms: &Ids,
    systems: &Ids,
) -> Result<SystemDraft, Problem> {
    Ok(SystemDraft {
        designation: system.designation.clone(),
        description: system.description.clone(),
        category: Category::parse(&system.category)?,
        maker_id: key(firms, &system.maker, "firm")?,
        variant_of_id: system
            .variant_of
            .as_deref()
            .map(|v| key(systems, v, "system"))
            .transpose()?,
    })
}

pub(super) fn agreement_draft(
    agreement: &SeedAgreement,
    firms: &Ids,
    systems: &Ids,
) -> Result<AgreementDraft, Problem> {
    let signed_on = date(agreement.signed_on.as_deref())?;
    let status = AgreementStatus::parse(&agreement.status)?;
    Ok(AgreementDraft {
        title: Title::parse_required(&agreement.title, "title")?,
        buyer: CountryCode::parse(&agreement.buyer)?,
        agency: Agency::parse(&agreement.agency)?,
        signed_on,
        status,
        outlook: outlook(&agreement.outlook, status.standing(), signed_on)?,
        supplier_ids: agreement
            .suppliers
            .iter()
            .map(|s| key(firms, s, "firm"))
            .collect::<Result<_, _>>()?,
        provenance: provenance(
            agreement.value.as_ref(),
            &agreement.alternatives,
            &agreement.sources,
        )?,
        ceilings: agreement
            .ceilings
            .iter()
            .map(|c| ceiling_draft(c, systems))
            .collect::<Result<_, _>>()?,
        notes: Notes::parse(&agreement.notes)?,
    })
}

fn ceiling_draft(ceiling: &SeedCeiling, systems: &Ids) -> Result<CeilingDraft, Problem> {
    Ok(CeilingDraft {
        id: None,
        system_id: key(systems, &ceiling.system, "system")?,
        quantity: Quantity::new(ceiling.quantity)?,
        value: ceiling
            .value
            .as_ref()
            .map(|v| money(&v.amount, &v.currency))
            .transpose()?,
        confidence: Confidence::parse(&ceiling.confidence)?,
        basis: Basis::parse(&ceiling.basis)?,
        notes: LineNotes::parse(&ceiling.notes)?,
    })
}

pub(super) fn contract_draft(
    contract: &SeedContract,
    keys: &Keys,
) -> Result<ContractDraft, Problem> {
    let signed_on = date(contract.signed_on.as_deref())?;
    let status = ContractStatus::parse(&contract.status)?;
    Ok(ContractDraft {
        title: Title::parse_required(&contract.title, "title")?,
        agreement_id: contract
            .agreement
            .as_deref()
            .map(|a| key(&keys.agreements, a, "agreement"))
            .transpose()?,
        supplier_id: contract
            .supplier
            .as_deref()
            .map(|s| key(&keys.firms, s, "firm"))
            .transpose()?,
        buyer: CountryCode::parse(&contract.buyer)?,
        agency: Agency::parse(&contract.agency)?,
        signed_on,
        status,
        outlook: outlook(&contract.outlook, status.standing(), signed_on)?,
        provenance: provenance(
            contract.value.as_ref(),
            &contract.alternatives,
            &contract.sources,
        )?,
        delivery_period: DeliveryPeriod::parse(&contract.delivery_period)?,
        local_production: Prose::parse(&contract.local_production)?,
        lines: contract
            .lines
            .iter()
            .map(|l| line_draft(l, &keys.systems))
            .collect::<Result<_, _>>()?,
        notes: Notes::parse(&contract.notes)?,
    })
}

fn line_draft(line: &SeedLine, systems: &Ids) -> Result<LineDraft, Problem> {
    Ok(LineDraft {
        id: None,
        system_id: key(systems, &line.system, "system")?,
        quantity: line.quantity.map(Quantity::new).transpose()?,
        quantity_confidence: Confidence::parse(&line.confidence)?,
        value: line
            .value
            .as_ref()
            .map(|v| money(&v.amount, &v.currency))
            .transpose()?,
        notes: LineNotes::parse(&line.notes)?,
        options: line.options,
        exercised: 0,
    })
}

/// A delivery's draft, on the contract line (of `lines`, in order) it names.
pub(super) fn delivery_draft(
    delivery: &SeedDelivery,
    lines: &[i64],
) -> Result<DeliveryDraft, Problem> {
    Ok(DeliveryDraft {
        line_id: *lines.get(delivery.line).ok_or(Problem::NoSuchLine)?,
        delivered_on: PartialDate::parse(&delivery.date)?,
        units: Quantity::new(delivery.units)?,
        confidence: Confidence::parse(&delivery.confidence)?,
        notes: delivery.notes.clone(),
    })
}

/// A plan row's draft, on the contract line (of `lines`, in order) it names.
pub(super) fn plan_draft(plan: &SeedPlan, lines: &[i64]) -> Result<PlanDraft, Problem> {
    let (title, url) = PlanSource::parse(&plan.source, &plan.url);
    Ok(PlanDraft {
        line_id: *lines.get(plan.line).ok_or(Problem::NoSuchLine)?,
        period: PlanPeriod::parse(&plan.period)?,
        units: Quantity::new(plan.units)?,
        confidence: Confidence::parse(&plan.confidence)?,
        source: PlanSource {
            title: title?,
            url: url?,
        },
    })
}

fn source(s: &SeedSource) -> Result<SourceRef, Problem> {
    Ok(SourceRef {
        title: s.title.clone(),
        publisher: s.publisher.clone(),
        url: (!s.url.is_empty()).then(|| s.url.clone()),
        published_on: s.date.as_deref().map(PartialDate::parse).transpose()?,
    })
}

fn sources(list: &[SeedSource]) -> Result<Vec<SourceRef>, Problem> {
    list.iter().map(source).collect()
}

fn money(amount: &str, currency: &str) -> Result<Money, Problem> {
    Ok(Money::parse(amount, CurrencyCode::parse(currency)?)?)
}

fn figure(f: &SeedFigure) -> Result<Figure, Problem> {
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
) -> Result<Provenance, Problem> {
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
            .collect::<Result<_, Problem>>()?,
        sources: sources(record)?,
        identifiers: Vec::new(),
    })
}

fn date(text: Option<&str>) -> Result<Option<PartialDate>, Problem> {
    Ok(text.map(PartialDate::parse).transpose()?)
}
