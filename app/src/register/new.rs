//! The forms that enter a framework agreement (with its ceiling lines) and a contract (with its
//! lines). Server-rendered plain forms: they post to their own address and work the same with
//! JavaScript on or off; a rejected form comes back with what was typed and a message at each
//! field that needs fixing.

use super::entry::{EntryEcho, EntryFields, LINE_ROWS};
use crate::components::ErrorPanel;
use crate::domain::register::{AgreementSummary, SystemRecord};
use crate::domain::{
    AgreementStatus, Confidence, ContractStatus, CountryCode, CurrencyCode, FieldErrors, Firm,
    limits,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// A labelled input with its hint and its error message.
#[component]
fn Entry(
    label: &'static str,
    name: String,
    fields: EntryFields,
    errors: FieldErrors,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(default = 300)] max: usize,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let id = format!("e-{name}");
    let error = errors.get(&name).unwrap_or_default().to_owned();
    let invalid = !error.is_empty();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=name.clone() type=kind maxlength=max required=required value=fields.get(&name).to_owned()
                aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error") />
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="field-error" id=format!("{id}-error")>{error}</p>
        </div>
    }
}

/// A labelled select; `options` are `(value, label)`, with a leading empty choice `empty`.
#[component]
fn Choice(
    label: &'static str,
    name: String,
    fields: EntryFields,
    errors: FieldErrors,
    options: Vec<(String, String)>,
    #[prop(optional)] empty: Option<&'static str>,
    #[prop(optional)] default: Option<&'static str>,
) -> impl IntoView {
    let id = format!("e-{name}");
    let error = errors.get(&name).unwrap_or_default().to_owned();
    let chosen = match fields.get(&name) {
        "" => default.unwrap_or_default().to_owned(),
        value => value.to_owned(),
    };
    let invalid = !error.is_empty();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <select id=id.clone() name=name.clone() aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error")>
                {empty.map(|text| view! { <option value="">{text}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
            <p class="field-error" id=format!("{id}-error")>{error}</p>
        </div>
    }
}

fn countries() -> Vec<(String, String)> {
    CountryCode::all_by_name()
        .into_iter()
        .map(|(c, n)| (c.to_string(), n.to_owned()))
        .collect()
}

fn currencies() -> Vec<(String, String)> {
    CurrencyCode::all()
        .map(|c| (c.to_string(), format!("{c} — {}", c.name())))
        .collect()
}

fn confidences() -> Vec<(String, String)> {
    Confidence::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), c.as_str().to_owned()))
        .collect()
}

fn firm_options(firms: &[Firm]) -> Vec<(String, String)> {
    firms
        .iter()
        .map(|f| (f.id.to_string(), f.name.clone()))
        .collect()
}

fn system_options(systems: &[SystemRecord]) -> Vec<(String, String)> {
    systems
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                format!("{} ({})", s.designation, s.category),
            )
        })
        .collect()
}

/// The value, its confidence and basis, and one source.
#[component]
fn ValueAndSource(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    view! {
        <fieldset class="form-grid">
            <legend>"Value and source"</legend>
            <Entry label="Value" name="value_amount".into() fields=fields.clone() errors=errors.clone() max=30
                hint="Optional. Digits as signed, e.g. 3,370,000,000 or 3370000000.50" />
            <Choice label="Currency" name="value_currency".into() fields=fields.clone() errors=errors.clone() options=currencies() default="USD" />
            <Choice label="Confidence" name="value_confidence".into() fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
            <Entry label="Basis" name="value_basis".into() fields=fields.clone() errors=errors.clone() hint="What the value includes, e.g. net of VAT, incl. logistics and training" />
            <Entry label="Source title" name="source_title".into() fields=fields.clone() errors=errors.clone() hint="The article or document, e.g. Yonhap AEN20221019004551325" />
            <Entry label="Publisher" name="source_publisher".into() fields=fields.clone() errors=errors.clone() max=200 />
            <Entry label="Source address" name="source_url".into() fields=fields.clone() errors=errors.clone() max=limits::WEBSITE_MAX />
            <Entry label="Source date" name="source_date".into() fields=fields errors=errors max=10 hint="YYYY-MM-DD, YYYY-MM or YYYY" />
        </fieldset>
    }
}

fn summary(errors: &FieldErrors) -> Option<impl IntoView + use<>> {
    (!errors.is_empty()).then(|| view! {
        <p class="alert alert-error" role="alert">"Nothing was saved. Correct the fields marked below."</p>
    })
}

#[component]
pub fn NewContractPage() -> impl IntoView {
    let echo = use_context::<EntryEcho>().unwrap_or_default();
    let preset = super::contracts::query_pairs();
    let choices = Resource::new(
        || (),
        |_| async {
            let firms = crate::firms::api::list_firms().await?;
            let systems = super::api::list_systems().await?;
            let filter = crate::domain::filter::AgreementFilter {
                ..Default::default()
            };
            let agreements = super::api::list_agreements(filter).await?.rows;
            Ok::<_, crate::error::AppError>((firms, systems, agreements))
        },
    );
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
                        fields.0.insert("agreement_id".into(), value.clone());
                    }
                }
                let errors = echo.errors.clone();
                Suspend::new(async move {
                    match choices.await {
                        Ok((firms, systems, agreements)) => {
                            // Under a framework, the buyer is the framework's.
                            let framework = agreements.iter().find(|a| a.id.to_string() == fields.get("agreement_id"));
                            if let Some(framework) = framework
                                && fields.get("buyer").is_empty()
                            {
                                fields.0.insert("buyer".into(), framework.buyer.to_string());
                            }
                            view! { <ContractForm fields errors firms systems agreements /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ContractForm(
    fields: EntryFields,
    errors: FieldErrors,
    firms: Vec<Firm>,
    systems: Vec<SystemRecord>,
    agreements: Vec<AgreementSummary>,
) -> impl IntoView {
    let agreement_options: Vec<(String, String)> = agreements
        .iter()
        .map(|a| {
            (
                a.id.to_string(),
                format!("{} ({})", a.title, a.buyer.name()),
            )
        })
        .collect();
    let statuses: Vec<(String, String)> = ContractStatus::ALL
        .iter()
        .map(|s| (s.as_str().into(), s.as_str().into()))
        .collect();
    let f = fields.clone();
    let e = errors.clone();
    view! {
        {summary(&errors)}
        <form method="post" action="/contracts/new" class="panel entry">
            <fieldset class="form-grid">
                <legend>"The contract"</legend>
                <Entry label="Title" name="title".into() fields=f.clone() errors=e.clone() required=true hint="e.g. K2 executive contract #2" />
                <Choice label="Framework agreement" name="agreement_id".into() fields=f.clone() errors=e.clone() options=agreement_options empty="None (a stand-alone contract)" />
                <Choice label="Supplier" name="supplier_id".into() fields=f.clone() errors=e.clone() options=firm_options(&firms) empty="Not recorded" />
                <Choice label="Buyer" name="buyer".into() fields=f.clone() errors=e.clone() options=countries() empty="Choose a country…" />
                <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=200 hint="e.g. Armament Agency (Agencja Uzbrojenia)" />
                <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=10 hint="YYYY-MM-DD, or YYYY-MM or YYYY as the source gives it" />
                <Choice label="Status" name="status".into() fields=f.clone() errors=e.clone() options=statuses default="signed" />
                <Entry label="Delivery period" name="delivery_period".into() fields=f.clone() errors=e.clone() max=100 hint="e.g. 2026–2027" />
                <Entry label="Local production" name="local_production".into() fields=f.clone() errors=e.clone() max=2000 />
                <Entry label="Notes" name="notes".into() fields=f.clone() errors=e.clone() max=limits::NOTES_MAX />
            </fieldset>
            <ValueAndSource fields=f.clone() errors=e.clone() />
            <LineRows fields=f errors=e systems ceiling=false />
            <div class="form-actions">
                <button type="submit" class="button primary">"Save contract"</button>
                <a class="button" href="/contracts">"Cancel"</a>
            </div>
        </form>
    }
}

/// Rows of (system, quantity, confidence, value); blank rows are ignored.
#[component]
fn LineRows(
    fields: EntryFields,
    errors: FieldErrors,
    systems: Vec<SystemRecord>,
    ceiling: bool,
) -> impl IntoView {
    let legend = if ceiling { "Ceiling lines" } else { "Lines" };
    let hint = if ceiling {
        "The most each system may be ordered under the agreement. Leave unused rows empty."
    } else {
        "What is sold: the system and how many (leave the quantity empty when it was not disclosed). Leave unused rows empty."
    };
    view! {
        <fieldset class="lines">
            <legend>{legend}</legend>
            <p class="hint">{hint}</p>
            {(0..LINE_ROWS).map(|row| {
                let name = |n: &str| format!("line{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("{} {}", if ceiling { "Ceiling line" } else { "Line" }, row + 1)>
                        <Choice label="System" name=name("system") fields=fields.clone() errors=errors.clone() options=system_options(&systems) empty="—" />
                        <Entry label=if ceiling { "Ceiling quantity" } else { "Quantity" } name=name("quantity") fields=fields.clone() errors=errors.clone() max=9 />
                        <Choice label="Confidence" name=name("confidence") fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
                        <Entry label="Value (currency above)" name=name("value") fields=fields.clone() errors=errors.clone() max=30 />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn NewAgreementPage() -> impl IntoView {
    let echo = use_context::<EntryEcho>().unwrap_or_default();
    let choices = Resource::new(
        || (),
        |_| async {
            let firms = crate::firms::api::list_firms().await?;
            let systems = super::api::list_systems().await?;
            Ok::<_, crate::error::AppError>((firms, systems))
        },
    );
    view! {
        <Title text="New framework agreement" />
        <p class="breadcrumb"><a href="/agreements">"Framework agreements"</a>" /"</p>
        <h1>"New framework agreement"</h1>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let fields = echo.fields.clone();
                let errors = echo.errors.clone();
                Suspend::new(async move {
                    match choices.await {
                        Ok((firms, systems)) => {
                            let statuses: Vec<(String, String)> = AgreementStatus::ALL.iter().map(|s| (s.as_str().into(), s.as_str().into())).collect();
                            let f = fields.clone();
                            let e = errors.clone();
                            view! {
                                {summary(&errors)}
                                <form method="post" action="/agreements/new" class="panel entry">
                                    <fieldset class="form-grid">
                                        <legend>"The agreement"</legend>
                                        <Entry label="Title" name="title".into() fields=f.clone() errors=e.clone() required=true />
                                        <Choice label="Buyer" name="buyer".into() fields=f.clone() errors=e.clone() options=countries() empty="Choose a country…" />
                                        <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=200 />
                                        <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=10 hint="YYYY-MM-DD, or YYYY-MM or YYYY" />
                                        <Choice label="Status" name="status".into() fields=f.clone() errors=e.clone() options=statuses default="signed" />
                                        <Entry label="Notes" name="notes".into() fields=f.clone() errors=e.clone() max=limits::NOTES_MAX />
                                        {(0..LINE_ROWS).map(|i| view! {
                                            <Choice label=if i == 0 { "Supplier" } else { "Another supplier" } name=format!("supplier{i}_id") fields=f.clone() errors=e.clone() options=firm_options(&firms) empty="—" />
                                        }).collect_view()}
                                    </fieldset>
                                    <ValueAndSource fields=f.clone() errors=e.clone() />
                                    <LineRows fields=f errors=e systems ceiling=true />
                                    <div class="form-actions">
                                        <button type="submit" class="button primary">"Save agreement"</button>
                                        <a class="button" href="/agreements">"Cancel"</a>
                                    </div>
                                </form>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
