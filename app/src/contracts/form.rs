//! The contract form: its fields, parsed into a draft, and the pages that add, edit and delete
//! a contract.

use crate::components::ErrorPanel;
use crate::components::format::plural;
use crate::domain::register::{Contract, ContractDraft, LineDraft};
use crate::domain::{ContractStatus, CountryCode, FieldErrors, Notes, limits};
use crate::forms::choices::{Choices, countries};
use crate::forms::pages::{Doomed, Kind, delete_page, edit_page};
use crate::forms::parse::{lines_text, optional_date, optional_id, text};
use crate::forms::provenance::{provenance, provenance_fields};
use crate::forms::widgets::{
    AlternativeRows, Choice, Entry, LineRows, SourceRows, ValueFields, hidden, summary,
};
use crate::forms::{Editable, EntryEcho, EntryFields, LINE_ROWS, line_row};
use leptos::prelude::*;
use leptos_meta::Title;

/// The fields of a stored contract, as its edit form starts.
pub fn contract_fields(contract: &Contract) -> EntryFields {
    let mut fields = EntryFields::default();
    fields.set("version", contract.version.to_string());
    fields.set("title", contract.title.clone());
    if let Some(agreement) = &contract.agreement {
        fields.set("agreement_id", agreement.id.to_string());
    }
    if let Some(supplier) = &contract.supplier {
        fields.set("supplier_id", supplier.id.to_string());
    }
    fields.set("buyer", contract.buyer.as_str());
    fields.set("agency", contract.agency.clone());
    fields.set(
        "signed_on",
        contract
            .signed_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    fields.set("status", contract.status.as_str());
    fields.set("delivery_period", contract.delivery_period.clone());
    fields.set("local_production", contract.local_production.clone());
    fields.set("notes", contract.notes.clone());
    provenance_fields(&mut fields, &contract.provenance);
    for (row, line) in contract.lines.iter().enumerate() {
        let field = |n: &str| format!("line{row}_{n}");
        fields.set(field("id"), line.id.to_string());
        fields.set(field("system"), line.system.id.to_string());
        fields.set(
            field("quantity"),
            line.quantity
                .map(|q| q.get().to_string())
                .unwrap_or_default(),
        );
        fields.set(field("confidence"), line.quantity_confidence.as_str());
        fields.set(
            field("value"),
            line.value.map(|m| m.grouped()).unwrap_or_default(),
        );
        fields.set(field("notes"), line.notes.clone());
    }
    fields
}

impl Editable for Contract {
    fn id(&self) -> i64 {
        self.id
    }
    fn label(&self) -> String {
        self.title.clone()
    }
    fn fields(&self) -> EntryFields {
        contract_fields(self)
    }
    fn saved_at(&self) -> i64 {
        self.updated_at.timestamp_micros()
    }
}

/// Parses the new-contract form.
pub fn contract_draft(fields: &EntryFields) -> Result<ContractDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.check(
        "title",
        text(fields, "title", "contract's title", limits::TITLE_MAX, true),
    );
    let agreement_id = errors
        .check(
            "agreement_id",
            optional_id(fields, "agreement_id", "framework agreement"),
        )
        .flatten();
    let supplier_id = errors
        .check(
            "supplier_id",
            optional_id(fields, "supplier_id", "supplier"),
        )
        .flatten();
    let buyer = errors.check("buyer", CountryCode::parse(fields.get("buyer")));
    let agency = errors.check(
        "agency",
        text(fields, "agency", "agency", limits::AGENCY_MAX, false),
    );
    let signed_on = errors.check("signed_on", optional_date(fields, "signed_on"));
    let status = errors.check("status", ContractStatus::parse(fields.get("status")));
    let provenance = provenance(fields, &mut errors);
    let delivery_period = errors.check(
        "delivery_period",
        text(
            fields,
            "delivery_period",
            "delivery period",
            limits::DELIVERY_PERIOD_MAX,
            false,
        ),
    );
    let local_production = errors.check(
        "local_production",
        lines_text(
            fields,
            "local_production",
            "local production",
            limits::PROSE_MAX,
        ),
    );
    let notes = errors.check(
        "notes",
        Notes::parse(fields.get("notes")).map(|n| n.as_str().to_owned()),
    );
    let lines: Vec<LineDraft> = (0..fields.rows("line", LINE_ROWS))
        .filter_map(|row| line_row(fields, row, false, &mut errors))
        .map(|r| LineDraft {
            id: r.id,
            system_id: r.system_id,
            quantity: r.quantity,
            quantity_confidence: r.confidence,
            value: r.value,
            notes: r.notes,
        })
        .collect();
    if lines.is_empty() && errors.iter().all(|(f, _)| !f.starts_with("line")) {
        errors.add(
            "line0_system",
            "Add at least one line: the system sold and how many.",
        );
    }
    match (
        title,
        buyer,
        agency,
        signed_on,
        status,
        delivery_period,
        local_production,
        notes,
        errors.is_empty(),
    ) {
        (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(delivery_period),
            Some(local_production),
            Some(notes),
            true,
        ) => Ok(ContractDraft {
            title,
            agreement_id,
            supplier_id,
            buyer,
            agency,
            signed_on,
            status,
            provenance,
            delivery_period,
            local_production,
            lines,
            notes,
        }),
        _ => Err(errors),
    }
}

/// The contract form; `action` is where it posts (`/contracts/new`, `/contracts/7/edit`).
#[component]
fn ContractForm(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
) -> impl IntoView {
    let statuses: Vec<(String, String)> = ContractStatus::ALL
        .iter()
        .map(|s| (s.as_str().into(), s.as_str().into()))
        .collect();
    let f = fields.clone();
    let e = errors.clone();
    view! {
        {summary(&errors)}
        <form method="post" action=action class="panel entry">
            {hidden(&f, "version".into())}
            {hidden(&f, "base".into())}
            <fieldset class="form-grid">
                <legend>"The contract"</legend>
                <Entry label="Title" name="title".into() fields=f.clone() errors=e.clone() required=true hint="e.g. K2 executive contract #2" />
                <Choice label="Framework agreement" name="agreement_id".into() fields=f.clone() errors=e.clone() options=choices.agreement_options() empty="None (a stand-alone contract)" />
                <Choice label="Supplier" name="supplier_id".into() fields=f.clone() errors=e.clone() options=choices.firm_options() empty="Not recorded" />
                <Choice label="Buyer" name="buyer".into() fields=f.clone() errors=e.clone() options=countries() empty="Choose a country…" />
                <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=limits::AGENCY_MAX hint="e.g. Armament Agency (Agencja Uzbrojenia)" />
                <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=limits::DATE_MAX hint="YYYY-MM-DD, or YYYY-MM or YYYY as the source gives it" />
                <Choice label="Status" name="status".into() fields=f.clone() errors=e.clone() options=statuses default="signed" />
                <Entry label="Delivery period" name="delivery_period".into() fields=f.clone() errors=e.clone() max=limits::DELIVERY_PERIOD_MAX hint="e.g. 2026–2027" />
                <Entry label="Local production" name="local_production".into() fields=f.clone() errors=e.clone() max=limits::PROSE_MAX multiline=true />
                <Entry label="Notes" name="notes".into() fields=f.clone() errors=e.clone() max=limits::NOTES_MAX multiline=true />
            </fieldset>
            <ValueFields fields=f.clone() errors=e.clone() />
            <LineRows fields=f.clone() errors=e.clone() systems=choices.system_options() ceiling=false />
            <AlternativeRows fields=f.clone() errors=e.clone() />
            <SourceRows fields=f errors=e />
            <div class="form-actions">
                <button type="submit" class="button primary">"Save contract"</button>
                <a class="button" href=cancel>"Cancel"</a>
            </div>
        </form>
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
    view! { <ContractForm fields errors choices action cancel /> }.into_any()
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
                            view! { <ContractForm fields errors choices action="/contracts/new".into() cancel="/contracts".into() /> }.into_any()
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
            "its {} and {}",
            plural(c.lines.len(), "line"),
            plural(c.deliveries.len(), "recorded delivery"),
        );
        (
            Doomed::of(CONTRACTS, id, c.title, c.version, consequence),
            Vec::new(),
        )
    })
}
