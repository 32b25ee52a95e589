//! The framework agreement form (suppliers, ceiling lines, value and sources), parsed into a
//! draft, and the pages that add, edit and delete an agreement.

use crate::components::format::plural;
use crate::domain::register::{Agreement, AgreementDraft, CeilingDraft};
use crate::domain::{AgreementStatus, CountryCode, FieldErrors, Notes, limits};
use crate::forms::choices::{Choices, countries};
use crate::forms::pages::{Doomed, Kind, delete_page, edit_page, new_page};
use crate::forms::parse::{optional_date, optional_id, text};
use crate::forms::provenance::{provenance, provenance_fields};
use crate::forms::widgets::{
    AlternativeRows, Choice, Entry, LineRows, SourceRows, ValueFields, hidden, summary,
};
use crate::forms::{Editable, EntryFields, LINE_ROWS, line_row};
use leptos::prelude::*;

/// The fields of a stored agreement, as its edit form starts.
pub fn agreement_fields(agreement: &Agreement) -> EntryFields {
    let mut fields = EntryFields::default();
    fields.set("version", agreement.version.to_string());
    fields.set("title", agreement.title.clone());
    fields.set("buyer", agreement.buyer.as_str());
    fields.set("agency", agreement.agency.clone());
    fields.set(
        "signed_on",
        agreement
            .signed_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    fields.set("status", agreement.status.as_str());
    fields.set("notes", agreement.notes.clone());
    for (row, supplier) in agreement.suppliers.iter().enumerate() {
        fields.set(format!("supplier{row}_id"), supplier.id.to_string());
    }
    provenance_fields(&mut fields, &agreement.provenance);
    for (row, line) in agreement.ceilings.iter().enumerate() {
        let field = |n: &str| format!("line{row}_{n}");
        fields.set(field("system"), line.system.id.to_string());
        fields.set(field("quantity"), line.quantity.get().to_string());
        fields.set(field("confidence"), line.confidence.as_str());
        fields.set(
            field("value"),
            line.value.map(|m| m.grouped()).unwrap_or_default(),
        );
        fields.set(field("basis"), line.basis.clone());
        fields.set(field("notes"), line.notes.clone());
    }
    fields
}

impl Editable for Agreement {
    fn id(&self) -> i64 {
        self.id
    }
    fn label(&self) -> String {
        self.title.clone()
    }
    fn fields(&self) -> EntryFields {
        agreement_fields(self)
    }
    fn saved_at(&self) -> i64 {
        self.updated_at.timestamp_micros()
    }
}

/// Parses the new-agreement form.
pub fn agreement_draft(fields: &EntryFields) -> Result<AgreementDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.check(
        "title",
        text(
            fields,
            "title",
            "agreement's title",
            limits::TITLE_MAX,
            true,
        ),
    );
    let buyer = errors.check("buyer", CountryCode::parse(fields.get("buyer")));
    let agency = errors.check(
        "agency",
        text(fields, "agency", "agency", limits::AGENCY_MAX, false),
    );
    let signed_on = errors.check("signed_on", optional_date(fields, "signed_on"));
    let status = errors.check("status", AgreementStatus::parse(fields.get("status")));
    let mut supplier_ids: Vec<i64> = Vec::new();
    for i in 0..fields.rows("supplier", LINE_ROWS) {
        let name = format!("supplier{i}_id");
        // The same firm chosen twice is one supplier.
        if let Some(id) = errors
            .check(&name, optional_id(fields, &name, "supplier"))
            .flatten()
            && !supplier_ids.contains(&id)
        {
            supplier_ids.push(id);
        }
    }
    if supplier_ids.is_empty() {
        errors.add("supplier0_id", "Choose at least one supplier firm.");
    }
    let provenance = provenance(fields, &mut errors);
    let notes = errors.check(
        "notes",
        Notes::parse(fields.get("notes")).map(|n| n.as_str().to_owned()),
    );
    let ceilings: Vec<CeilingDraft> = (0..fields.rows("line", LINE_ROWS))
        .filter_map(|row| line_row(fields, row, true, &mut errors))
        .filter_map(|r| {
            Some(CeilingDraft {
                system_id: r.system_id,
                quantity: r.quantity?,
                value: r.value,
                confidence: r.confidence,
                basis: r.basis,
                notes: r.notes,
            })
        })
        .collect();
    match (
        title,
        buyer,
        agency,
        signed_on,
        status,
        notes,
        errors.is_empty(),
    ) {
        (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(notes),
            true,
        ) => Ok(AgreementDraft {
            title,
            buyer,
            agency,
            signed_on,
            status,
            supplier_ids,
            provenance,
            ceilings,
            notes,
        }),
        _ => Err(errors),
    }
}

/// The agreement form; `action` is where it posts.
#[component]
fn AgreementForm(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
) -> impl IntoView {
    let statuses: Vec<(String, String)> = AgreementStatus::ALL
        .iter()
        .map(|s| (s.as_str().into(), s.as_str().into()))
        .collect();
    let f = fields.clone();
    let e = errors.clone();
    let firms = choices.firm_options();
    view! {
        {summary(&errors)}
        <form method="post" action=action class="panel entry">
            {hidden(&f, "version".into())}
            {hidden(&f, "base".into())}
            <fieldset class="form-grid">
                <legend>"The agreement"</legend>
                <Entry label="Title" name="title".into() fields=f.clone() errors=e.clone() required=true />
                <Choice label="Buyer" name="buyer".into() fields=f.clone() errors=e.clone() options=countries() empty="Choose a country…" />
                <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=limits::AGENCY_MAX />
                <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=limits::DATE_MAX hint="YYYY-MM-DD, or YYYY-MM or YYYY" />
                <Choice label="Status" name="status".into() fields=f.clone() errors=e.clone() options=statuses default="signed" />
                <Entry label="Notes" name="notes".into() fields=f.clone() errors=e.clone() max=limits::NOTES_MAX multiline=true />
                {(0..f.rows("supplier", LINE_ROWS)).map(|i| view! {
                    <Choice label=if i == 0 { "Supplier" } else { "Another supplier" } name=format!("supplier{i}_id") fields=f.clone() errors=e.clone() options=firms.clone() empty="—" />
                }).collect_view()}
            </fieldset>
            <ValueFields fields=f.clone() errors=e.clone() />
            <LineRows fields=f.clone() errors=e.clone() systems=choices.system_options() ceiling=true />
            <AlternativeRows fields=f.clone() errors=e.clone() />
            <SourceRows fields=f errors=e />
            <div class="form-actions">
                <button type="submit" class="button primary">"Save agreement"</button>
                <a class="button" href=cancel>"Cancel"</a>
            </div>
        </form>
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
    view! { <AgreementForm fields errors choices action cancel /> }.into_any()
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
