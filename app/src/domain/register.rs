//! The deal register's records: drafts (parsed input, ready to store) and the records as pages
//! and server functions see them.

use super::pipeline::{Outlook, Percent};
use super::text::{Agency, Basis, DeliveryPeriod, LineNotes, Prose, Title};
use super::{
    AgreementStatus, Category, Confidence, ContractStatus, CountryCode, Money, Notes, PartialDate,
    Quantity,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A figure as chosen for the record, with how sure it is and what it includes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub money: Money,
    pub confidence: Confidence,
    /// "net of VAT", "incl. logistics and training"; empty when the source says nothing.
    pub basis: String,
}

/// Where a figure or a record comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub title: String,
    pub publisher: String,
    pub url: Option<String>,
    pub published_on: Option<PartialDate>,
}

/// A figure other than the chosen one ("$6.7bn, Polish side"), with its own sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternative {
    pub figure: Figure,
    pub sources: Vec<SourceRef>,
}

/// The value of an agreement or contract, its sources, and what other sources say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub value: Option<Figure>,
    pub value_sources: Vec<SourceRef>,
    pub alternatives: Vec<Alternative>,
    /// Sources for the record as a whole.
    pub sources: Vec<SourceRef>,
    /// Where else the record is registered (a SIPRI deal id, a contract number…).
    pub identifiers: Vec<super::identifier::Identifier>,
}

/// A named reference to another record (for links and labels).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemDraft {
    pub designation: String,
    pub description: String,
    pub category: Category,
    pub maker_id: i64,
    pub variant_of_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemRecord {
    pub id: i64,
    pub designation: String,
    pub description: String,
    pub category: Category,
    pub maker: Named,
    pub variant_of: Option<Named>,
    pub version: i64,
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeilingDraft {
    /// The stored ceiling line this row edits; `None` for a new one.
    pub id: Option<i64>,
    pub system_id: i64,
    pub quantity: Quantity,
    pub value: Option<Money>,
    pub confidence: Confidence,
    pub basis: Basis,
    pub notes: LineNotes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDraft {
    pub title: Title,
    pub buyer: CountryCode,
    pub agency: Agency,
    pub signed_on: Option<PartialDate>,
    pub status: AgreementStatus,
    pub outlook: Outlook,
    pub supplier_ids: Vec<i64>,
    pub provenance: Provenance,
    pub ceilings: Vec<CeilingDraft>,
    pub notes: Notes,
}

/// A ceiling line with what has been executed and delivered against it (contracts under the
/// agreement for the line's system or one of its variants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CeilingLine {
    pub id: i64,
    pub system: Named,
    pub category: Category,
    pub quantity: Quantity,
    pub value: Option<Money>,
    pub confidence: Confidence,
    pub basis: String,
    pub notes: String,
    /// Units of signed contracts under the agreement (cancelled ones aside), options
    /// exercised included.
    pub executed: i64,
    /// Of `executed`, the units that came from options exercised.
    pub exercised_options: i64,
    /// Option units of those contracts not exercised (yet).
    pub unexercised_options: i64,
    pub delivered: i64,
    /// Units of contracts under the agreement not signed yet, at face value.
    pub pipeline: i64,
    /// The same weighted by each contract's probability of signing.
    pub pipeline_weighted: i64,
}

impl CeilingLine {
    /// Executed above the ceiling: allowed (frameworks get amended) but worth a warning.
    pub fn over_ceiling(&self) -> bool {
        self.executed > self.quantity.get()
    }

    /// Units executed as firm orders (not from options).
    pub fn firm(&self) -> i64 {
        self.executed - self.exercised_options
    }

    /// The ceiling less what is executed (negative above the ceiling).
    pub fn left(&self) -> i64 {
        self.quantity.get() - self.executed
    }

    /// What would be left if every option were exercised.
    pub fn left_after_options(&self) -> i64 {
        self.left() - self.unexercised_options
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: i64,
    pub title: String,
    pub buyer: CountryCode,
    pub agency: String,
    pub signed_on: Option<PartialDate>,
    pub status: AgreementStatus,
    pub outlook: Outlook,
    pub suppliers: Vec<Named>,
    pub provenance: Provenance,
    pub ceilings: Vec<CeilingLine>,
    pub contracts: Vec<ContractSummary>,
    /// Its amendments, oldest first.
    pub amendments: Vec<super::amendment::Amendment>,
    pub notes: String,
    pub version: i64,
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub updated_at: DateTime<Utc>,
}

impl AgreementDraft {
    /// The year the agreement counts in ([`Outlook::counted_year`]).
    pub fn counted_year(&self) -> Option<i32> {
        self.outlook.counted_year(self.signed_on)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineDraft {
    /// The stored line this row edits; `None` for a new line.
    pub id: Option<i64>,
    pub system_id: i64,
    pub quantity: Option<Quantity>,
    pub quantity_confidence: Confidence,
    pub value: Option<Money>,
    pub notes: LineNotes,
    /// Option units not exercised yet.
    pub options: i64,
    /// Of the quantity, the units that came from options exercised.
    pub exercised: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractDraft {
    pub title: Title,
    pub agreement_id: Option<i64>,
    pub supplier_id: Option<i64>,
    pub buyer: CountryCode,
    pub agency: Agency,
    pub signed_on: Option<PartialDate>,
    pub status: ContractStatus,
    pub outlook: Outlook,
    pub provenance: Provenance,
    pub delivery_period: DeliveryPeriod,
    pub local_production: Prose,
    pub lines: Vec<LineDraft>,
    pub notes: Notes,
}

impl ContractDraft {
    /// The year the contract counts in ([`Outlook::counted_year`]).
    pub fn counted_year(&self) -> Option<i32> {
        self.outlook.counted_year(self.signed_on)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractLine {
    pub id: i64,
    pub system: Named,
    pub category: Category,
    pub quantity: Option<Quantity>,
    pub quantity_confidence: Confidence,
    pub value: Option<Money>,
    pub notes: String,
    pub delivered: i64,
    /// Option units not exercised yet.
    pub options: i64,
    /// Of the quantity, the units that came from options exercised.
    pub exercised: i64,
}

impl ContractLine {
    /// Units still to deliver; `None` when the quantity was not disclosed.
    pub fn undelivered(&self) -> Option<i64> {
        self.quantity.map(|q| q.get() - self.delivered)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryDraft {
    pub line_id: i64,
    pub delivered_on: PartialDate,
    pub units: Quantity,
    pub confidence: Confidence,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub line_id: i64,
    pub delivered_on: PartialDate,
    pub units: Quantity,
    pub confidence: Confidence,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contract {
    pub id: i64,
    pub title: String,
    pub agreement: Option<Named>,
    pub supplier: Option<Named>,
    pub buyer: CountryCode,
    pub agency: String,
    pub signed_on: Option<PartialDate>,
    pub status: ContractStatus,
    pub outlook: Outlook,
    pub provenance: Provenance,
    pub delivery_period: String,
    pub local_production: String,
    pub lines: Vec<ContractLine>,
    pub deliveries: Vec<Delivery>,
    /// Its lines' delivery plans, by line and period.
    pub plans: Vec<super::plan::PlannedDelivery>,
    /// Its amendments, oldest first.
    pub amendments: Vec<super::amendment::Amendment>,
    /// The value in US dollars and the rate it was taken at.
    pub usd: Option<super::rate::UsdValue>,
    pub notes: String,
    pub version: i64,
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub updated_at: DateTime<Utc>,
}

/// One row of the contract list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractSummary {
    pub id: i64,
    pub title: String,
    pub buyer: CountryCode,
    pub supplier: Option<Named>,
    pub agreement: Option<Named>,
    pub signed_on: Option<PartialDate>,
    pub status: ContractStatus,
    /// Before signature: when it is expected to be signed, and how likely that is.
    pub expected_signing: Option<PartialDate>,
    pub probability: Option<Percent>,
    pub value: Option<Money>,
    pub value_confidence: Option<Confidence>,
    pub usd: Option<Money>,
    pub systems: String,
    pub units_ordered: i64,
    pub units_delivered: i64,
    /// Units its delivery plans put in periods that have ended and that are not delivered.
    pub units_late: i64,
}

/// One row of the agreement list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementSummary {
    pub id: i64,
    pub title: String,
    pub buyer: CountryCode,
    pub signed_on: Option<PartialDate>,
    pub status: AgreementStatus,
    /// Before signature: how likely it is to be signed.
    pub probability: Option<Percent>,
    pub suppliers: String,
    pub value: Option<Money>,
    pub value_confidence: Option<Confidence>,
    pub contracts: i64,
    pub ceiling_units: i64,
}

/// An agreement as a form offers it to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementChoice {
    pub id: i64,
    pub title: String,
    pub buyer: CountryCode,
}

/// How far a long list counts its rows: past it, the page says "more than 10,000".
pub const COUNT_CAP: i64 = 10_000;

/// A page of a list, with the number of matching rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// The number of matching rows, or with `capped` a lower bound: counting a million rows at
    /// every page view costs more than the page, so a large list counts up to a limit.
    pub total: i64,
    /// There are more than `total` matching rows.
    pub capped: bool,
    /// A page comes after this one.
    pub has_next: bool,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    /// A page of a list whose rows were all counted.
    pub fn counted(rows: Vec<T>, total: i64, page: u32, per_page: u32) -> Self {
        let page = page.max(1);
        Self {
            has_next: i64::from(page) * i64::from(per_page) < total,
            rows,
            total,
            capped: false,
            page,
            per_page,
        }
    }

    /// A page of a list counted up to `cap`: `counted` is at most `cap + 1`, and more than
    /// `cap` means the count stopped. Past the cap, the pages read so far are a better bound;
    /// on the last page the count is exact.
    pub fn capped(rows: Vec<T>, counted: i64, has_next: bool, page: u32, per_page: u32) -> Self {
        let cap = COUNT_CAP;
        let page = page.max(1);
        let reached = (i64::from(page) - 1) * i64::from(per_page) + rows.len() as i64;
        let (total, capped) = match counted > cap {
            true if !has_next && !rows.is_empty() => (reached, false),
            true => (cap.max(reached), true),
            false => (counted, false),
        };
        Self {
            rows,
            total,
            capped,
            has_next,
            page,
            per_page,
        }
    }

    /// The number of pages, or with `capped` the number the counted rows fill.
    pub fn pages(&self) -> u32 {
        ((self.total.max(0) as u64).div_ceil(self.per_page.max(1) as u64)).max(1) as u32
    }
}

/// A firm's group: its parent (Hanwha for Hanwha Aerospace) and its own members.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    pub parent: Option<Named>,
    pub members: Vec<Named>,
}

/// One row of the deliveries list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryEntry {
    pub id: i64,
    pub delivered_on: PartialDate,
    pub units: Quantity,
    pub confidence: Confidence,
    pub notes: String,
    pub contract: Named,
    pub buyer: CountryCode,
    pub system: String,
}

/// A page of deliveries and the units of all that match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPage {
    pub page: Page<DeliveryEntry>,
    /// The matching deliveries' units, when they were all counted (`page.capped` is false).
    pub units: Option<i64>,
    /// Units planned and delivered by year on the contracts of the filter's buyer, system
    /// and agreement (in force), as the summary sets them side by side.
    pub schedule: Vec<super::summary::ScheduleYear>,
    /// The contracts those are: the filter of the summary's "Contracts behind schedule" link.
    pub contracts: crate::domain::filter::ContractFilter,
}
