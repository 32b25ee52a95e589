//! The framework agreement form (suppliers, ceiling lines, value and sources), parsed into a
//! draft, and the pages that add, edit and delete an agreement.

use crate::components::format::plural;
use crate::domain::register::{Agreement, AgreementDraft, CeilingDraft};
use crate::domain::text::{Agency, Title};
use crate::domain::{AgreementStatus, CountryCode, FieldErrors, Notes, limits};
use crate::forms::choices::{Choices, countries};
use crate::forms::outlook::{OutlookFields, OutlookForm};
use crate::forms::pages::{Doomed, Kind, delete_page, edit_page, new_page};
use crate::forms::parse::{optional_date, optional_id};
use crate::forms::provenance::{provenance, provenance_form};
use crate::forms::rows::{LineForm, ProvenanceForm};
use crate::forms::widgets::{
    AlternativeRows, Choice, Entry, EntryForm, IdentifierRows, LineRows, SourceRows, ValueFields,
    vocabulary_options,
};
use crate::forms::{EntryFields, LINE_ROWS, line_row};
use leptos::prelude::*;

/// The agreement form as posted: its own fields and suppliers, then its value, ceiling lines,
/// other figures and sources as typed rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementForm {
    pub version: String,
    pub title: String,
    pub buyer: String,
    pub agency: String,
    pub signed_on: String,
    pub status: String,
    pub notes: String,
    pub outlook: OutlookForm,
    /// The firms chosen, one per select (`supplier{n}_id`).
    pub suppliers: Vec<String>,
    pub ceilings: Vec<LineForm>,
    pub provenance: ProvenanceForm,
}

impl AgreementForm {
    pub const TITLE: &str = "title";
    pub const BUYER: &str = "buyer";
    pub const AGENCY: &str = "agency";
    pub const SIGNED_ON: &str = "signed_on";
    pub const STATUS: &str = "status";
    pub const NOTES: &str = "notes";
    pub const SUPPLIER_PREFIX: &str = "supplier";

    /// The name of the `row`-th supplier select.
    pub fn supplier_key(row: usize) -> String {
        format!("{}{row}_id", Self::SUPPLIER_PREFIX)
    }

    pub fn read(fields: &EntryFields) -> Self {
        let get = |name: &str| fields.get(name).to_owned();
        Self {
            version: get("version"),
            title: get(Self::TITLE),
            buyer: get(Self::BUYER),
            agency: get(Self::AGENCY),
            signed_on: get(Self::SIGNED_ON),
            status: get(Self::STATUS),
            notes: get(Self::NOTES),
            outlook: OutlookForm::read(fields),
            suppliers: (0..fields.rows(Self::SUPPLIER_PREFIX, LINE_ROWS))
                .map(|row| get(&Self::supplier_key(row)))
                .collect(),
            ceilings: LineForm::read_all(fields),
            provenance: ProvenanceForm::read(fields),
        }
    }

    pub fn fields(&self) -> EntryFields {
        let mut fields = EntryFields::default();
        for (name, value) in [
            ("version", &self.version),
            (Self::TITLE, &self.title),
            (Self::BUYER, &self.buyer),
            (Self::AGENCY, &self.agency),
            (Self::SIGNED_ON, &self.signed_on),
            (Self::STATUS, &self.status),
            (Self::NOTES, &self.notes),
        ] {
            fields.set(name, value.clone());
        }
        for (row, supplier) in self.suppliers.iter().enumerate() {
            fields.set(Self::supplier_key(row), supplier.clone());
        }
        self.outlook.write(&mut fields);
        self.provenance.write(&mut fields);
        LineForm::write_all(&self.ceilings, &mut fields);
        fields
    }
}

impl From<&Agreement> for AgreementForm {
    /// A stored agreement, as its edit form starts.
    fn from(agreement: &Agreement) -> Self {
        Self {
            version: agreement.version.to_string(),
            title: agreement.title.clone(),
            buyer: agreement.buyer.as_str().to_owned(),
            agency: agreement.agency.clone(),
            signed_on: agreement
                .signed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            status: agreement.status.as_str().to_owned(),
            notes: agreement.notes.clone(),
            outlook: OutlookForm::from(&agreement.outlook),
            suppliers: agreement
                .suppliers
                .iter()
                .map(|s| s.id.to_string())
                .collect(),
            provenance: provenance_form(&agreement.provenance),
            ceilings: agreement
                .ceilings
                .iter()
                .map(|line| LineForm {
                    id: line.id.to_string(),
                    system: line.system.id.to_string(),
                    quantity: line.quantity.get().to_string(),
                    confidence: line.confidence.as_str().to_owned(),
                    value: line.value.map(|m| m.grouped()).unwrap_or_default(),
                    basis: line.basis.clone(),
                    notes: line.notes.clone(),
                    ..LineForm::default()
                })
                .collect(),
        }
    }
}

impl TryFrom<&AgreementForm> for AgreementDraft {
    type Error = FieldErrors;

    fn try_from(form: &AgreementForm) -> Result<Self, FieldErrors> {
        type F = AgreementForm;
        let mut errors = FieldErrors::new();
        let title = errors.check(
            F::TITLE,
            Title::parse_required(&form.title, "agreement's title"),
        );
        let buyer = errors.check(F::BUYER, CountryCode::parse(&form.buyer));
        let agency = errors.check(F::AGENCY, Agency::parse(&form.agency));
        let signed_on = errors.check(F::SIGNED_ON, optional_date(&form.signed_on));
        let status = errors.check(F::STATUS, AgreementStatus::parse(&form.status));
        let outlook = form.outlook.parse(
            status.map(AgreementStatus::standing),
            signed_on.flatten(),
            &mut errors,
        );
        let mut supplier_ids: Vec<i64> = Vec::new();
        for (row, supplier) in form.suppliers.iter().enumerate() {
            // The same firm chosen twice is one supplier.
            if let Some(id) = errors
                .check(&F::supplier_key(row), optional_id(supplier, "supplier"))
                .flatten()
                && !supplier_ids.contains(&id)
            {
                supplier_ids.push(id);
            }
        }
        if supplier_ids.is_empty() {
            errors.add(&F::supplier_key(0), "Choose at least one supplier firm.");
        }
        let provenance = provenance(&form.provenance, &mut errors);
        let notes = errors.check(F::NOTES, Notes::parse(&form.notes));
        let currency = &form.provenance.value.currency;
        let ceilings: Vec<CeilingDraft> = form
            .ceilings
            .iter()
            .enumerate()
            .filter_map(|(row, line)| line_row(line, row, currency, true, &mut errors))
            .filter_map(|r| {
                Some(CeilingDraft {
                    id: r.id,
                    system_id: r.system_id,
                    quantity: r.quantity?,
                    value: r.value,
                    confidence: r.confidence,
                    basis: r.basis,
                    notes: r.notes,
                })
            })
            .collect();
        let (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(outlook),
            Some(notes),
            true,
        ) = (
            title,
            buyer,
            agency,
            signed_on,
            status,
            outlook,
            notes,
            errors.is_empty(),
        )
        else {
            return Err(errors);
        };
        Ok(AgreementDraft {
            title,
            buyer,
            agency,
            signed_on,
            status,
            outlook,
            supplier_ids,
            provenance,
            ceilings,
            notes,
        })
    }
}

/// The fields of a stored agreement, as its edit form starts.
pub fn agreement_fields(agreement: &Agreement) -> EntryFields {
    AgreementForm::from(agreement).fields()
}

crate::forms::editable!(Agreement, label: |a| a.title.clone(), fields: agreement_fields);

/// Parses the agreement form's posted fields.
pub fn agreement_draft(fields: &EntryFields) -> Result<AgreementDraft, FieldErrors> {
    AgreementDraft::try_from(&AgreementForm::read(fields))
}

/// The agreement form; `action` is where it posts.
#[component]
fn AgreementFields(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
) -> impl IntoView {
    let statuses = vocabulary_options(AgreementStatus::ALL.iter().map(|s| s.as_str()));
    let f = fields.clone();
    let e = errors.clone();
    let firms = choices.firm_options();
    view! {
        <EntryForm fields=fields.clone() errors=errors.clone() action=action save="Save agreement" cancel=cancel>
            <fieldset class="form-grid">
                <legend>"The agreement"</legend>
                <Entry label="Title" name="title".into() fields=f.clone() errors=e.clone() required=true />
                <Choice label="Buyer" name="buyer".into() fields=f.clone() errors=e.clone() options=countries() empty="Choose a country…" />
                <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=limits::AGENCY_MAX />
                <Choice label="Status" name="status".into() fields=f.clone() errors=e.clone() options=statuses default="signed" />
                <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=limits::DATE_MAX hint="YYYY-MM-DD, or YYYY-MM or YYYY; empty before signature" />
                <Entry label="Notes" name="notes".into() fields=f.clone() errors=e.clone() max=limits::NOTES_MAX multiline=true />
                {(0..f.rows("supplier", LINE_ROWS)).map(|i| view! {
                    <Choice label=if i == 0 { "Supplier" } else { "Another supplier" } name=format!("supplier{i}_id") fields=f.clone() errors=e.clone() options=firms.clone() empty="—" />
                }).collect_view()}
            </fieldset>
            <OutlookFields fields=f.clone() errors=e.clone() />
            <ValueFields fields=f.clone() errors=e.clone() />
            <LineRows fields=f.clone() errors=e.clone() systems=choices.system_options() ceiling=true />
            <AlternativeRows fields=f.clone() errors=e.clone() />
            <SourceRows fields=f.clone() errors=e.clone() />
            <IdentifierRows fields=f errors=e />
        </EntryForm>
    }
}

const AGREEMENTS: Kind = Kind {
    list_href: "/agreements",
    list_name: "Framework agreements",
    what: "framework agreement",
};

fn agreement_form(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
    _: Option<i64>,
) -> AnyView {
    view! { <AgreementFields fields errors choices action cancel /> }.into_any()
}

#[component]
pub fn NewAgreementPage() -> impl IntoView {
    new_page(AGREEMENTS, "New framework agreement", agreement_form)
}

#[component]
pub fn EditAgreementPage() -> impl IntoView {
    edit_page(AGREEMENTS, super::api::get_agreement, agreement_form)
}

#[component]
pub fn DeleteAgreementPage() -> impl IntoView {
    delete_page(super::api::get_agreement, |a, id| {
        let references = a
            .contracts
            .iter()
            .map(|c| format!("Contract “{}”", c.title))
            .collect();
        let consequence = format!(
            "its {} and sources",
            plural(a.ceilings.len(), "ceiling line")
        );
        (
            Doomed::of(AGREEMENTS, id, a.title, a.version, consequence),
            references,
        )
    })
}
