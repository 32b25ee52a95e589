//! The forms that enter and edit a framework agreement (with its suppliers and ceiling lines)
//! and a contract (with its lines), each with its value, other reported figures and sources;
//! and the confirmation pages that delete them. Server-rendered plain forms: they post to their
//! own address and work the same with JavaScript on or off; a rejected form comes back with what
//! was typed and a message at each field that needs fixing, an edit that met someone else's
//! save comes back merged with their changes (see `entry::merge`).

use super::entry::{
    ALTERNATIVE_ROWS, BACKS_RECORD, BACKS_VALUE, EditConflict, Editable, EntryEcho, EntryFields,
    LINE_ROWS, SOURCE_ROWS, field_label, with_base,
};
use crate::components::{ErrorPanel, NotFound, format};
use crate::domain::register::{AgreementChoice, SystemRecord};
use crate::domain::{
    AgreementStatus, Category, Confidence, ContractStatus, CountryCode, CurrencyCode, FieldErrors,
    Firm, limits,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A labelled input with its hint and its error message.
#[component]
pub(super) fn Entry(
    label: &'static str,
    name: String,
    fields: EntryFields,
    errors: FieldErrors,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(default = 300)] max: usize,
    /// A textarea, for text that runs to sentences (notes, descriptions).
    #[prop(optional)]
    multiline: bool,
    /// An amount, rate or quantity: phones show their number keyboard.
    #[prop(optional)]
    number: bool,
) -> impl IntoView {
    let id = format!("e-{name}");
    let error = errors.get(&name).unwrap_or_default().to_owned();
    let invalid = !error.is_empty();
    let value = fields.get(&name).to_owned();
    let input = if multiline {
        view! {
            <textarea id=id.clone() name=name.clone() maxlength=max rows="3"
                aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error")>{value}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name.clone() type="text" maxlength=max required=required value=value
                inputmode=number.then_some("decimal") aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error") />
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            {input}
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="field-error" id=format!("{id}-error")>{error}</p>
        </div>
    }
}

/// A labelled select; `options` are `(value, label)`, with a leading empty choice `empty`.
#[component]
pub(super) fn Choice(
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

/// A hidden field, when the form has a value for it (an edit form's version and lines' ids).
pub(super) fn hidden(fields: &EntryFields, name: String) -> impl IntoView + use<> {
    let value = fields.get(&name).to_owned();
    (!value.is_empty()).then(|| view! { <input type="hidden" name=name value=value /> })
}

fn countries() -> Vec<(String, String)> {
    CountryCode::all_by_name()
        .into_iter()
        .map(|(c, n)| (c.to_string(), n.to_owned()))
        .collect()
}

pub(super) fn currencies() -> Vec<(String, String)> {
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

/// What the selects of the entry forms choose from.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Choices {
    firms: Vec<Firm>,
    systems: Vec<SystemRecord>,
    agreements: Vec<AgreementChoice>,
}

impl Choices {
    async fn load() -> Result<Self, AppError> {
        let firms = crate::firms::api::list_firms().await?;
        let systems = super::api::list_systems().await?;
        let agreements = super::api::agreement_choices().await?;
        Ok(Self {
            firms,
            systems,
            agreements,
        })
    }

    fn firm_options(&self) -> Vec<(String, String)> {
        self.firms
            .iter()
            .map(|f| (f.id.to_string(), f.name.clone()))
            .collect()
    }

    fn system_options(&self) -> Vec<(String, String)> {
        self.systems
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    format!("{} ({})", s.designation, s.category),
                )
            })
            .collect()
    }

    fn agreement_options(&self) -> Vec<(String, String)> {
        self.agreements
            .iter()
            .map(|a| {
                (
                    a.id.to_string(),
                    format!("{} ({})", a.title, a.buyer.name()),
                )
            })
            .collect()
    }

    /// A field's value as the form's select shows it (a firm's name rather than its id).
    fn shown(&self, key: &str, value: &str) -> String {
        let field = key.rsplit('_').next().unwrap_or(key);
        let pick = |options: Vec<(String, String)>| {
            options
                .into_iter()
                .find(|(v, _)| v == value)
                .map(|(_, label)| label)
        };
        let label = if value.is_empty() {
            Some("(empty)".to_owned())
        } else if key == "agreement_id" {
            pick(self.agreement_options())
        } else if key == "buyer" {
            pick(countries())
        } else if key.starts_with("supplier") || key == "maker_id" {
            pick(self.firm_options())
        } else if (key.starts_with("line") && field == "system") || key == "variant_of_id" {
            pick(self.system_options())
        } else if field == "backs" {
            Some(backs_label(value))
        } else {
            None
        };
        label.unwrap_or_else(|| value.to_owned())
    }
}

fn backs_label(value: &str) -> String {
    match value {
        BACKS_VALUE => "The value above".to_owned(),
        BACKS_RECORD => "The record as a whole".to_owned(),
        other => other
            .strip_prefix("alt")
            .and_then(|n| n.parse::<usize>().ok())
            .map_or_else(|| other.to_owned(), |n| format!("Other figure {}", n + 1)),
    }
}

/// The chosen value with its confidence and basis.
#[component]
fn ValueFields(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    view! {
        <fieldset class="form-grid">
            <legend>"Value"</legend>
            <Entry label="Value" name="value_amount".into() fields=fields.clone() errors=errors.clone() max=30 number=true
                hint="Optional. Digits as signed, with a decimal point: 3,370,000,000 or 3370000000.50 (not 3370000000,50)" />
            <Choice label="Currency" name="value_currency".into() fields=fields.clone() errors=errors.clone() options=currencies() default="USD" />
            <Choice label="Confidence" name="value_confidence".into() fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
            <Entry label="Basis" name="value_basis".into() fields=fields errors=errors hint="What the value includes, e.g. net of VAT, incl. logistics and training" />
        </fieldset>
    }
}

/// Figures other sources give ("$6.7bn, Polish side"); blank rows are ignored.
#[component]
fn AlternativeRows(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    let rows = fields.rows("alt", ALTERNATIVE_ROWS);
    view! {
        <fieldset class="lines">
            <legend>"Other reported figures"</legend>
            <p class="hint">"When sources disagree: the figures not chosen above, each with what it includes. Give their sources below."</p>
            {(0..rows).map(|row| {
                let name = |n: &str| format!("alt{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("Other figure {}", row + 1)>
                        <Entry label="Other value" name=name("amount") fields=fields.clone() errors=errors.clone() max=30 number=true />
                        <Choice label="Currency" name=name("currency") fields=fields.clone() errors=errors.clone() options=currencies() default="USD" />
                        <Choice label="Confidence" name=name("confidence") fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
                        <Entry label="Basis" name=name("basis") fields=fields.clone() errors=errors.clone() />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Sources, each supporting the value, one of the other figures or the record as a whole.
#[component]
fn SourceRows(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    let rows = fields.rows("source", SOURCE_ROWS);
    let mut backs = vec![
        (BACKS_VALUE.to_owned(), backs_label(BACKS_VALUE)),
        (BACKS_RECORD.to_owned(), backs_label(BACKS_RECORD)),
    ];
    for alt in 0..fields.rows("alt", ALTERNATIVE_ROWS) {
        let value = format!("alt{alt}");
        backs.push((value.clone(), backs_label(&value)));
    }
    view! {
        <fieldset class="lines">
            <legend>"Sources"</legend>
            <p class="hint">"Where the figures come from. Leave unused rows empty; save and edit again for more rows."</p>
            {(0..rows).map(|row| {
                let name = |n: &str| format!("source{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("Source {}", row + 1)>
                        <Entry label="Source title" name=name("title") fields=fields.clone() errors=errors.clone() hint="The article or document" />
                        <Entry label="Publisher" name=name("publisher") fields=fields.clone() errors=errors.clone() max=200 />
                        <Entry label="Source address" name=name("url") fields=fields.clone() errors=errors.clone() max=limits::WEBSITE_MAX />
                        <Entry label="Source date" name=name("date") fields=fields.clone() errors=errors.clone() max=10 hint="YYYY-MM-DD, YYYY-MM or YYYY" />
                        <Choice label="Supports" name=name("backs") fields=fields.clone() errors=errors.clone() options=backs.clone() default=BACKS_VALUE />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Rows of (system, quantity, confidence, value, notes); blank rows are ignored.
#[component]
fn LineRows(
    fields: EntryFields,
    errors: FieldErrors,
    systems: Vec<(String, String)>,
    ceiling: bool,
) -> impl IntoView {
    let legend = if ceiling { "Ceiling lines" } else { "Lines" };
    let hint = if ceiling {
        "The most each system may be ordered under the agreement. Leave unused rows empty."
    } else {
        "What is sold: the system and how many (leave the quantity empty when it was not disclosed). Clear a row to remove the line."
    };
    let rows = fields.rows("line", LINE_ROWS);
    view! {
        <fieldset class="lines">
            <legend>{legend}</legend>
            <p class="hint">{hint}</p>
            {(0..rows).map(|row| {
                let name = |n: &str| format!("line{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("{} {}", if ceiling { "Ceiling line" } else { "Line" }, row + 1)>
                        {hidden(&fields, name("id"))}
                        <Choice label="System" name=name("system") fields=fields.clone() errors=errors.clone() options=systems.clone() empty="—" />
                        <Entry label=if ceiling { "Ceiling quantity" } else { "Quantity" } name=name("quantity") fields=fields.clone() errors=errors.clone() max=9 number=true />
                        <Choice label="Confidence" name=name("confidence") fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
                        <Entry label="Value (currency above)" name=name("value") fields=fields.clone() errors=errors.clone() max=30 number=true />
                        {ceiling.then(|| view! { <Entry label="Basis" name=name("basis") fields=fields.clone() errors=errors.clone() /> })}
                        <Entry label="Line notes" name=name("notes") fields=fields.clone() errors=errors.clone() max=1000 />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

pub(super) fn summary(errors: &FieldErrors) -> Option<impl IntoView + use<>> {
    (!errors.is_empty()).then(|| view! {
        <p class="alert alert-error" role="alert">"Nothing was saved. Correct the fields marked below."</p>
    })
}

/// What happened when someone else saved the record while this form was open.
#[component]
pub(super) fn ConflictPanel(
    conflict: EditConflict,
    choices: Choices,
    what: &'static str,
) -> impl IntoView {
    let saved_at = chrono::DateTime::from_timestamp_micros(conflict.saved_at)
        .map(|at| format::timestamp(&at))
        .unwrap_or_default();
    let row = |(key, value): (String, String)| {
        let shown = choices.shown(&key, &value);
        view! { <li><strong>{field_label(&key)}</strong>": "{shown}</li> }
    };
    view! {
        <div class="alert alert-warning conflict" role="alert">
            <p><strong>{format!("Not saved: someone else saved this {what} at {saved_at}, after you opened it.")}</strong></p>
            {(!conflict.taken.is_empty()).then(|| view! {
                <p>"Their changes to fields you had not touched are now in the form:"</p>
                <ul class="taken">{conflict.taken.clone().into_iter().map(row).collect_view()}</ul>
            })}
            {(!conflict.clashes.is_empty()).then(|| view! {
                <p>"You both changed these fields. The form keeps yours; their values were:"</p>
                <ul class="clashes">{conflict.clashes.clone().into_iter().map(row).collect_view()}</ul>
            })}
            <p>"Check the form, then save again to store it as it is now."</p>
        </div>
    }
}

pub(super) fn route_id() -> Option<i64> {
    use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse().ok())
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
                <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=200 hint="e.g. Armament Agency (Agencja Uzbrojenia)" />
                <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=10 hint="YYYY-MM-DD, or YYYY-MM or YYYY as the source gives it" />
                <Choice label="Status" name="status".into() fields=f.clone() errors=e.clone() options=statuses default="signed" />
                <Entry label="Delivery period" name="delivery_period".into() fields=f.clone() errors=e.clone() max=100 hint="e.g. 2026–2027" />
                <Entry label="Local production" name="local_production".into() fields=f.clone() errors=e.clone() max=2000 multiline=true />
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
                <Entry label="Buying agency" name="agency".into() fields=f.clone() errors=e.clone() max=200 />
                <Entry label="Signed on" name="signed_on".into() fields=f.clone() errors=e.clone() max=10 hint="YYYY-MM-DD, or YYYY-MM or YYYY" />
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

#[component]
pub fn NewContractPage() -> impl IntoView {
    let echo = use_context::<EntryEcho>().unwrap_or_default();
    let preset = super::contracts::query_pairs();
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

/// A delete refused after the page was opened: someone saved the record meanwhile, or records
/// now refer to it. Handed to the confirmation page when it re-renders.
#[derive(Debug, Clone)]
pub struct DeleteRefused(pub super::Removal);

/// What a confirmation page shows about the record it deletes.
pub(super) struct Doomed {
    pub(super) kind: &'static str,
    pub(super) title: String,
    pub(super) href: String,
    pub(super) list_href: &'static str,
    pub(super) list_name: &'static str,
    pub(super) version: i64,
    /// What goes with it ("its 3 lines and 2 deliveries").
    pub(super) consequence: String,
}

impl Doomed {
    fn of(kind: Kind, id: i64, title: String, version: i64, consequence: String) -> Self {
        Self {
            kind: kind.what,
            title,
            href: format!("{}/{id}", kind.list_href),
            list_href: kind.list_href,
            list_name: kind.list_name,
            version,
            consequence,
        }
    }
}

/// The confirmation page of a delete: what goes with the record, or what still refers to it.
pub(super) fn confirm_delete(doomed: Doomed, references: Vec<String>) -> impl IntoView {
    let refused = use_context::<DeleteRefused>();
    let Doomed {
        kind,
        title,
        href,
        list_href,
        list_name,
        version,
        consequence,
    } = doomed;
    let stale = matches!(refused, Some(DeleteRefused(super::Removal::Stale)));
    let decision = if references.is_empty() {
        view! {
            <p>{format!("Deleting removes the {kind} for everyone, with {consequence}. This cannot be undone.")}</p>
            <form method="post" action=format!("{href}/delete") class="actions">
                <input type="hidden" name="version" value=version />
                <button type="submit" class="button danger">{format!("Delete {kind}")}</button>
                <a class="button" href=href.clone()>"Cancel"</a>
            </form>
        }
        .into_any()
    } else {
        view! {
            <div class="alert alert-warning" role="alert">
                <p><strong>{format!("This {kind} cannot be deleted while other records refer to it.")}</strong>" Change or delete these first:"</p>
                <ul>{references.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
            </div>
            <p class="actions"><a class="button" href=href.clone()>{format!("Back to the {kind}")}</a></p>
        }
        .into_any()
    };
    view! {
        <Title text=format!("Delete {title}") />
        <p class="breadcrumb"><a href=list_href>{list_name}</a>" / "<a href=href.clone()>{title.clone()}</a>" /"</p>
        <h1>{format!("Delete “{title}”?")}</h1>
        {stale.then(|| view! {
            <p class="alert alert-warning" role="alert">
                {format!("Not deleted: someone else changed this {kind} after you opened this page. Check it, then confirm again.")}
            </p>
        })}
        {decision}
    }
}

use crate::components::format::plural;

/// The system form; `action` is where it posts. `id` is the system being edited (it cannot
/// be its own base).
#[component]
fn SystemForm(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
    #[prop(optional)] id: Option<i64>,
) -> impl IntoView {
    let categories: Vec<(String, String)> = Category::ALL
        .iter()
        .map(|c| (c.as_str().into(), c.as_str().into()))
        .collect();
    // Variants are one level deep: only base systems can be chosen.
    let bases: Vec<(String, String)> = choices
        .systems
        .iter()
        .filter(|s| s.variant_of.is_none() && Some(s.id) != id)
        .map(|s| (s.id.to_string(), s.designation.clone()))
        .collect();
    let f = fields.clone();
    let e = errors.clone();
    view! {
        {summary(&errors)}
        <form method="post" action=action class="panel entry">
            {hidden(&f, "version".into())}
            {hidden(&f, "base".into())}
            <fieldset class="form-grid">
                <legend>"The system"</legend>
                <Entry label="Designation" name="designation".into() fields=f.clone() errors=e.clone() required=true max=100 hint="As it is sold: K2, K9A1, FA-50PL, K239 Chunmoo" />
                <Choice label="Category" name="category".into() fields=f.clone() errors=e.clone() options=categories empty="Choose a category…" />
                <Choice label="Maker" name="maker_id".into() fields=f.clone() errors=e.clone() options=choices.firm_options() empty="Choose a firm…" />
                <Choice label="Variant of" name="variant_of_id".into() fields=f.clone() errors=e.clone() options=bases empty="None (a base system)" />
                <Entry label="Description" name="description".into() fields=f errors=e max=2000 multiline=true />
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary">"Save system"</button>
                <a class="button" href=cancel>"Cancel"</a>
            </div>
        </form>
    }
}

/// The form of one kind of record: `(fields, errors, choices, action, cancel, record id)`.
type FormView = fn(EntryFields, FieldErrors, Choices, String, String, Option<i64>) -> AnyView;

/// Which records a page is about: their list's address and name, and what one is called.
#[derive(Clone, Copy)]
struct Kind {
    list_href: &'static str,
    list_name: &'static str,
    what: &'static str,
}

const CONTRACTS: Kind = Kind {
    list_href: "/contracts",
    list_name: "Contracts",
    what: "contract",
};
const AGREEMENTS: Kind = Kind {
    list_href: "/agreements",
    list_name: "Framework agreements",
    what: "framework agreement",
};
const SYSTEMS: Kind = Kind {
    list_href: "/systems",
    list_name: "Systems",
    what: "system",
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

fn system_form(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
    id: Option<i64>,
) -> AnyView {
    match id {
        Some(id) => view! { <SystemForm fields errors choices action cancel id /> }.into_any(),
        None => view! { <SystemForm fields errors choices action cancel /> }.into_any(),
    }
}

/// The page that adds a record: its form with the choices, or the echo of a post that did not
/// save.
fn new_page(kind: Kind, title: &'static str, form: FormView) -> impl IntoView {
    let echo = use_context::<EntryEcho>().unwrap_or_default();
    let choices = Resource::new(|| (), |_| Choices::load());
    view! {
        <Title text=title />
        <p class="breadcrumb"><a href=kind.list_href>{kind.list_name}</a>" /"</p>
        <h1>{title}</h1>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => form(echo.fields, echo.errors, choices, format!("{}/new", kind.list_href), kind.list_href.to_owned(), None),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The page that edits record `:id`: the form starts from the stored record (or the echo of a
/// post that did not save) and shows the conflict when someone else saved meanwhile.
fn edit_page<R, Fut>(kind: Kind, load: fn(i64) -> Fut, form: FormView) -> AnyView
where
    R: Editable + Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<R, AppError>> + Send + 'static,
{
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let echo = use_context::<EntryEcho>();
    let data = Resource::new(
        move || id,
        move |id| async move { Ok::<_, AppError>((load(id).await?, Choices::load().await?)) },
    );
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let (record, choices) = match data.await {
                        Ok(data) => data,
                        Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                    };
                    let echo = echo.unwrap_or_else(|| EntryEcho {
                        fields: with_base(record.fields()),
                        ..EntryEcho::default()
                    });
                    let href = format!("{}/{id}", kind.list_href);
                    let label = record.label();
                    view! {
                        <Title text=format!("Edit {label}") />
                        <p class="breadcrumb"><a href=kind.list_href>{kind.list_name}</a>" / "<a href=href.clone()>{label.clone()}</a>" /"</p>
                        <h1>{format!("Edit “{label}”")}</h1>
                        {echo.conflict.clone().map(|conflict| view! { <ConflictPanel conflict choices=choices.clone() what=kind.what /> })}
                        {form(echo.fields, echo.errors, choices, format!("{href}/edit"), href.clone(), Some(id))}
                    }.into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// The confirmation page that deletes record `:id`: `load` reads it (with what refers to it,
/// when that is not part of the record), `doomed` says what goes with it.
pub(super) fn delete_page<R, Fut>(
    load: fn(i64) -> Fut,
    doomed: fn(R, i64) -> (Doomed, Vec<String>),
) -> AnyView
where
    R: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<R, AppError>> + Send + 'static,
{
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let record = Resource::new(move || id, load);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(record) => {
                        let (doomed, references) = doomed(record, id);
                        confirm_delete(doomed, references).into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn EditContractPage() -> impl IntoView {
    edit_page(CONTRACTS, super::api::get_contract, contract_form)
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
pub fn NewSystemPage() -> impl IntoView {
    new_page(SYSTEMS, "New system", system_form)
}

#[component]
pub fn EditSystemPage() -> impl IntoView {
    edit_page(SYSTEMS, super::api::get_system, system_form)
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

/// A system with what still refers to it.
async fn system_and_references(
    id: i64,
) -> Result<(crate::domain::register::SystemRecord, Vec<String>), AppError> {
    Ok((
        super::api::get_system(id).await?,
        super::api::system_references(id).await?,
    ))
}

#[component]
pub fn DeleteSystemPage() -> impl IntoView {
    delete_page(system_and_references, |(s, references), id| {
        let consequence = "nothing else (no deal refers to it)".to_owned();
        (
            Doomed::of(SYSTEMS, id, s.designation, s.version, consequence),
            references,
        )
    })
}
