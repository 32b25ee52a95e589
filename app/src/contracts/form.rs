//! The contract form: its fields, parsed into a draft, and the pages that add, edit and delete
//! a contract.

use crate::components::ErrorPanel;
use crate::components::format::plural;
use crate::domain::register::{Contract, ContractDraft, LineDraft};
use crate::domain::text::{Agency, DeliveryPeriod, Prose, Title};
use crate::domain::{ContractStatus, CountryCode, FieldErrors, Notes, limits};
use crate::forms::choices::{Choices, countries};
use crate::forms::outlook::{OutlookFields, OutlookForm};
use crate::forms::pages::{Doomed, Kind, delete_page, edit_page};
use crate::forms::parse::{optional_date, optional_id};
use crate::forms::provenance::{provenance, provenance_form};
use crate::forms::rows::{LineForm, ProvenanceForm};
use crate::forms::widgets::{
    AlternativeRows, Choice, Entry, EntryForm, IdentifierRows, LineRows, SourceRows, ValueFields,
    vocabulary_options,
};
use crate::forms::{EntryEcho, EntryFields, line_row};
use leptos::prelude::*;
use leptos_meta::Title;

/// The contract form as posted: its own fields, then its value, lines, other figures and
/// sources as typed rows. The CSV import builds the same form from a file's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractForm {
    pub version: String,
    pub title: String,
    pub agreement_id: String,
    pub supplier_id: String,
    pub buyer: String,
    pub agency: String,
    pub signed_on: String,
    pub status: String,
    pub delivery_period: String,
    pub local_production: String,
    pub notes: String,
    pub outlook: OutlookForm,
    pub lines: Vec<LineForm>,
    pub provenance: ProvenanceForm,
}

impl ContractForm {
    pub const TITLE: &str = "title";
    pub const AGREEMENT: &str = "agreement_id";
    pub const SUPPLIER: &str = "supplier_id";
    pub const BUYER: &str = "buyer";
    pub const AGENCY: &str = "agency";
    pub const SIGNED_ON: &str = "signed_on";
    pub const STATUS: &str = "status";
    pub const DELIVERY_PERIOD: &str = "delivery_period";
    pub const LOCAL_PRODUCTION: &str = "local_production";
    pub const NOTES: &str = "notes";

    /// The form from its posted fields.
    pub fn read(fields: &EntryFields) -> Self {
        let get = |name: &str| fields.get(name).to_owned();
        Self {
            version: get("version"),
            title: get(Self::TITLE),
            agreement_id: get(Self::AGREEMENT),
            supplier_id: get(Self::SUPPLIER),
            buyer: get(Self::BUYER),
            agency: get(Self::AGENCY),
            signed_on: get(Self::SIGNED_ON),
            status: get(Self::STATUS),
            delivery_period: get(Self::DELIVERY_PERIOD),
            local_production: get(Self::LOCAL_PRODUCTION),
            notes: get(Self::NOTES),
            outlook: OutlookForm::read(fields),
            lines: LineForm::read_all(fields),
            provenance: ProvenanceForm::read(fields),
        }
    }

    /// The form's fields, as its page posts them.
    pub fn fields(&self) -> EntryFields {
        let mut fields = EntryFields::default();
        for (name, value) in [
            ("version", &self.version),
            (Self::TITLE, &self.title),
            (Self::AGREEMENT, &self.agreement_id),
            (Self::SUPPLIER, &self.supplier_id),
            (Self::BUYER, &self.buyer),
            (Self::AGENCY, &self.agency),
            (Self::SIGNED_ON, &self.signed_on),
            (Self::STATUS, &self.status),
            (Self::DELIVERY_PERIOD, &self.delivery_period),
            (Self::LOCAL_PRODUCTION, &self.local_production),
            (Self::NOTES, &self.notes),
        ] {
            fields.set(name, value.clone());
        }
        self.outlook.write(&mut fields);
        self.provenance.write(&mut fields);
        LineForm::write_all(&self.lines, &mut fields);
        fields
    }
}

impl From<&Contract> for ContractForm {
    /// A stored contract, as its edit form starts.
    fn from(contract: &Contract) -> Self {
        Self {
            version: contract.version.to_string(),
            title: contract.title.clone(),
            agreement_id: contract
                .agreement
                .as_ref()
                .map(|a| a.id.to_string())
                .unwrap_or_default(),
            supplier_id: contract
                .supplier
                .as_ref()
                .map(|s| s.id.to_string())
                .unwrap_or_default(),
            buyer: contract.buyer.as_str().to_owned(),
            agency: contract.agency.clone(),
            signed_on: contract
                .signed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            status: contract.status.as_str().to_owned(),
            delivery_period: contract.delivery_period.clone(),
            local_production: contract.local_production.clone(),
            notes: contract.notes.clone(),
            outlook: OutlookForm::from(&contract.outlook),
            provenance: provenance_form(&contract.provenance),
            lines: contract
                .lines
                .iter()
                .map(|line| LineForm {
                    id: line.id.to_string(),
                    system: line.system.id.to_string(),
                    quantity: line
                        .quantity
                        .map(|q| q.get().to_string())
                        .unwrap_or_default(),
                    confidence: line.quantity_confidence.as_str().to_owned(),
                    value: line.value.map(|m| m.grouped()).unwrap_or_default(),
                    basis: String::new(),
                    notes: line.notes.clone(),
                    options: nonzero(line.options),
                    exercised: nonzero(line.exercised),
                })
                .collect(),
        }
    }
}

impl TryFrom<&ContractForm> for ContractDraft {
    type Error = FieldErrors;

    /// Every field read into its type, every problem reported at its field.
    fn try_from(form: &ContractForm) -> Result<Self, FieldErrors> {
        type F = ContractForm;
        let mut errors = FieldErrors::new();
        let title = errors.check(
            F::TITLE,
            Title::parse_required(&form.title, "contract's title"),
        );
        let agreement_id = errors
            .check(
                F::AGREEMENT,
                optional_id(&form.agreement_id, "framework agreement"),
            )
            .flatten();
        let supplier_id = errors
            .check(F::SUPPLIER, optional_id(&form.supplier_id, "supplier"))
            .flatten();
        let buyer = errors.check(F::BUYER, CountryCode::parse(&form.buyer));
        let agency = errors.check(F::AGENCY, Agency::parse(&form.agency));
        let signed_on = errors.check(F::SIGNED_ON, optional_date(&form.signed_on));
        let status = errors.check(F::STATUS, ContractStatus::parse(&form.status));
        let outlook = form.outlook.parse(
            status.map(ContractStatus::standing),
            signed_on.flatten(),
            &mut errors,
        );
        let provenance = provenance(&form.provenance, &mut errors);
        let delivery_period = errors.check(
            F::DELIVERY_PERIOD,
            DeliveryPeriod::parse(&form.delivery_period),
        );
        let local_production =
            errors.check(F::LOCAL_PRODUCTION, Prose::parse(&form.local_production));
        let notes = errors.check(F::NOTES, Notes::parse(&form.notes));
        let currency = &form.provenance.value.currency;
        let lines: Vec<LineDraft> = form
            .lines
            .iter()
            .enumerate()
            .filter_map(|(row, line)| {
                let options = option_units(line, row, &mut errors);
                let read = line_row(line, row, currency, false, &mut errors)?;
                let (options, exercised) = options?;
                Some(LineDraft {
                    id: read.id,
                    system_id: read.system_id,
                    quantity: read.quantity,
                    quantity_confidence: read.confidence,
                    value: read.value,
                    notes: read.notes,
                    options,
                    exercised,
                })
                .filter(|line| exercised_within(line, row, &mut errors))
            })
            .collect();
        if lines.is_empty() && errors.iter().all(|(f, _)| !f.starts_with(LineForm::PREFIX)) {
            errors.add(
                &LineForm::key(0, "system"),
                "Add at least one line: the system sold and how many.",
            );
        }
        let (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(outlook),
            Some(delivery_period),
            Some(local_production),
            Some(notes),
            true,
        ) = (
            title,
            buyer,
            agency,
            signed_on,
            status,
            outlook,
            delivery_period,
            local_production,
            notes,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        Ok(ContractDraft {
            title,
            agreement_id,
            supplier_id,
            buyer,
            agency,
            signed_on,
            status,
            outlook,
            provenance,
            delivery_period,
            local_production,
            lines,
            notes,
        })
    }
}

/// A count of option units as a form shows it: empty for none.
fn nonzero(n: i64) -> String {
    if n == 0 { String::new() } else { n.to_string() }
}

/// The line's options not exercised and options exercised (both empty for none); `None` with
/// the problems in `errors`.
fn option_units(line: &LineForm, row: usize, errors: &mut FieldErrors) -> Option<(i64, i64)> {
    // Empty or 0 is none (a file exported from here writes 0).
    let count = |text: &str| match text.trim() {
        "" | "0" => Ok(0),
        text => crate::domain::Quantity::parse(text).map(|q| q.get()),
    };
    let options = errors.check(&LineForm::key(row, "options"), count(&line.options));
    let exercised = errors.check(&LineForm::key(row, "exercised"), count(&line.exercised));
    options.zip(exercised)
}

/// Options exercised are part of the quantity: there must be one, and they cannot exceed it.
fn exercised_within(line: &LineDraft, row: usize, errors: &mut FieldErrors) -> bool {
    let problem = match line.quantity {
        _ if line.exercised == 0 => return true,
        None => "Options exercised are part of the quantity: give the quantity too.".to_owned(),
        Some(q) if line.exercised > q.get() => {
            format!("Options exercised are part of the quantity ({q}): at most {q}.")
        }
        Some(_) => return true,
    };
    errors.add(&LineForm::key(row, "exercised"), problem);
    false
}

/// The fields of a stored contract, as its edit form starts.
pub fn contract_fields(contract: &Contract) -> EntryFields {
    ContractForm::from(contract).fields()
}

crate::forms::editable!(Contract, label: |c| c.title.clone(), fields: contract_fields);

/// Parses the contract form's posted fields.
pub fn contract_draft(fields: &EntryFields) -> Result<ContractDraft, FieldErrors> {
    ContractDraft::try_from(&ContractForm::read(fields))
}

/// The contract form; `action` is where it posts (`/contracts/new`, `/contracts/7/edit`).
#[component]
fn ContractFields(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
) -> impl IntoView {
    let statuses = vocabulary_options(ContractStatus::ALL.iter().map(|s| s.as_str()));
    let f = fields.clone();
    let e = errors.clone();
    view! {
        <EntryForm fields=fields.clone() errors=errors.clone() action=action save="Save contract" cancel=cancel>
            <fieldset class="form-grid">
                <legend>"The contract"</legend>
                <Entry label="Title" name="title".into() fields=f.clone() errors=e.clone() required=true hint="e.g. K2 executive contract #2" />
                <Choice label="Framework agreement" name="agreement_id".into() fields=f.clone() errors=e.clone() options=choices.agreement_options() empty="None (a stand-alone contract)" />
                <Choice label="Supplier" name="supplier_id".into() fields=f.clone() errors=e.clone() options=choices.firm_options() empty="Not recorded" />
                <Choice label="Buyer" name="buyer".into() fields=f.clone() errors=e.clone() options=countries() empty="Choose a country…" />
                <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=limits::AGENCY_MAX hint="e.g. Armament Agency (Agencja Uzbrojenia)" />
                <Choice label="Status" name="status".into() fields=f.clone() errors=e.clone() options=statuses default="signed" />
                <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=limits::DATE_MAX hint="YYYY-MM-DD, or YYYY-MM or YYYY as the source gives it; empty before signature" />
                <Entry label="Delivery period" name="delivery_period".into() fields=f.clone() errors=e.clone() max=limits::DELIVERY_PERIOD_MAX hint="e.g. 2026–2027" />
                <Entry label="Local production" name="local_production".into() fields=f.clone() errors=e.clone() max=limits::PROSE_MAX multiline=true />
                <Entry label="Notes" name="notes".into() fields=f.clone() errors=e.clone() max=limits::NOTES_MAX multiline=true />
            </fieldset>
            <OutlookFields fields=f.clone() errors=e.clone() />
            <ValueFields fields=f.clone() errors=e.clone() />
            <LineRows fields=f.clone() errors=e.clone() systems=choices.system_options() ceiling=false />
            <AlternativeRows fields=f.clone() errors=e.clone() />
            <SourceRows fields=f.clone() errors=e.clone() />
            <IdentifierRows fields=f errors=e />
        </EntryForm>
    }
}

const CONTRACTS: Kind = Kind {
    list_href: "/contracts",
    list_name: "Contracts",
    what: "contract",
};

fn contract_form(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
    _: Option<i64>,
) -> AnyView {
    view! { <ContractFields fields errors choices action cancel /> }.into_any()
}

#[component]
pub fn NewContractPage() -> impl IntoView {
    let echo = use_context::<EntryEcho>().unwrap_or_default();
    let preset = crate::components::record::query_pairs();
    let choices = Resource::new(|| (), |_| Choices::load());
    view! {
        <Title text="New contract" />
        <p class="breadcrumb"><a href="/contracts">"Contracts"</a>" /"</p>
        <h1>"New contract"</h1>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let mut fields = echo.fields.clone();
                // A link can preset the framework (`/contracts/new?agreement=3`).
                for (key, value) in &preset {
                    if key == "agreement" && fields.get("agreement_id").is_empty() {
                        fields.set("agreement_id", value.clone());
                    }
                }
                let errors = echo.errors.clone();
                Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => {
                            // Under a framework, the buyer is the framework's.
                            let framework = choices.agreements.iter().find(|a| a.id.to_string() == fields.get("agreement_id"));
                            if let Some(framework) = framework
                                && fields.get("buyer").is_empty()
                            {
                                fields.set("buyer", framework.buyer.to_string());
                            }
                            view! { <ContractFields fields errors choices action="/contracts/new".into() cancel="/contracts".into() /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn EditContractPage() -> impl IntoView {
    edit_page(CONTRACTS, super::api::get_contract, contract_form)
}

#[component]
pub fn DeleteContractPage() -> impl IntoView {
    delete_page(super::api::get_contract, |c, id| {
        let consequence = format!(
            "its {}, {} and {}",
            plural(c.lines.len(), "line"),
            plural(c.deliveries.len(), "recorded delivery"),
            plural(c.amendments.len(), "amendment"),
        );
        (
            Doomed::of(CONTRACTS, id, c.title, c.version, consequence),
            Vec::new(),
        )
    })
}
