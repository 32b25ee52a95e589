//! The amendment pages: recording one against a contract, confirming a deletion, and the
//! contract page's list of its amendments.

use super::api::AmendmentRemoval;
use super::form::{AmendEcho, AmendmentForm};
use crate::components::record::{ConfidenceBadge, SourceList};
use crate::components::{ErrorPanel, NotFound, format};
use crate::contracts::api::get_contract;
use crate::domain::amendment::{Amendment, LineChange};
use crate::domain::register::Contract;
use crate::domain::{AmendmentKind, Standing, limits};
use crate::forms::EntryFields;
use crate::forms::choices::confidences;
use crate::forms::widgets::{Choice, Entry, EntryForm, SourceRows, route_id, vocabulary_options};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `+12`, `−6`.
pub fn signed_units(n: i64) -> String {
    match n {
        n if n < 0 => format!("−{}", format::thousands(-n)),
        n => format!("+{}", format::thousands(n)),
    }
}

/// "K9PL: +12 units, 6 options exercised".
pub fn describe_change(change: &LineChange) -> String {
    let mut parts = Vec::new();
    if change.units != 0 {
        parts.push(format!("{} units", signed_units(change.units)));
    }
    if change.exercised != 0 {
        parts.push(format!("{} exercised", counted(change.exercised, "option")));
    }
    if change.options != 0 {
        parts.push(format!("{} options", signed_units(change.options)));
    }
    format!("{}: {}", change.system, parts.join(", "))
}

/// `1 option`, `1,200 options`.
pub fn counted(n: i64, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{} {what}s", format::thousands(n)),
    }
}

/// The contract page's amendments: each dated change with its kind, reason, changes and sources.
#[component]
pub fn AmendmentList(contract: Contract, as_of: Option<String>) -> impl IntoView {
    let editor = crate::accounts::may(crate::domain::account::Role::Editor);
    let amendable = contract.status.standing() == Standing::InForce;
    let id = contract.id;
    let rows = contract.amendments.clone();
    view! {
        <h2 id="amendments">"Amendments"</h2>
        {if rows.is_empty() {
            let text = match (&as_of, amendable) {
                (Some(day), _) => format!("None by {day}."),
                (None, true) => "None recorded: the figures above are the contract as signed. When the deal changes (more units, options exercised, a new value), record an amendment.".to_owned(),
                (None, false) => "None: only a signed contract in force is amended.".to_owned(),
            };
            view! { <p class="empty">{text}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="data" aria-label="Amendments">
                        <thead><tr>
                            <th scope="col">"Date"</th><th scope="col">"Kind"</th><th scope="col">"Reason"</th>
                            <th scope="col">"Changes"</th><th scope="col">"Confidence"</th><th scope="col">"Sources"</th>
                            {(editor && as_of.is_none()).then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|a: Amendment| view! {
                                <tr>
                                    <td class="date">{a.amended_on.to_string()}</td>
                                    <td>{a.kind.as_str()}</td>
                                    <td class="notes">{a.reason.clone()}</td>
                                    <td>
                                        <ul class="changes">
                                            {a.changes.iter().map(|c| view! { <li>{describe_change(c)}</li> }).collect_view()}
                                            {a.value_change.map(|v| view! { <li>{format!("value: {v}")}</li> })}
                                            {(a.changes.is_empty() && a.value_change.is_none()).then(|| view! { <li class="muted">"no figure changed"</li> })}
                                        </ul>
                                    </td>
                                    <td><ConfidenceBadge confidence=a.confidence /></td>
                                    <td><SourceList sources=a.sources.clone() /></td>
                                    {(editor && as_of.is_none()).then(|| view! {
                                        <td><a class="button small danger" href=format!("/contracts/{id}/amendments/{}/delete", a.id)>"Delete…"</a></td>
                                    })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {(editor && amendable && as_of.is_none()).then(|| view! {
            <p class="actions"><a class="button primary" href=format!("/contracts/{id}/amend")>"Record an amendment"</a></p>
        })}
    }
}

/// `/contracts/{id}/amend`: the form of a new amendment.
#[component]
pub fn AmendPage() -> impl IntoView {
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let echo = use_context::<AmendEcho>();
    let contract = Resource::new(move || id, get_contract);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match contract.await {
                        Ok(contract) => {
                            let (fields, errors) = match echo {
                                Some(echo) => (echo.fields, echo.errors),
                                None => (AmendmentForm::blank(&contract), Default::default()),
                            };
                            view! { <AmendForm contract fields errors /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
fn AmendForm(
    contract: Contract,
    fields: EntryFields,
    errors: crate::domain::FieldErrors,
) -> impl IntoView {
    let href = format!("/contracts/{}", contract.id);
    let kinds = vocabulary_options(AmendmentKind::ALL.iter().map(|k| k.as_str()));
    let currency = contract.provenance.value.as_ref().map(|v| {
        format!(
            "Change of value ({}; current {})",
            v.money.currency(),
            v.money
        )
    });
    let f = fields.clone();
    let e = errors.clone();
    view! {
        <Title text=format!("Amend: {}", contract.title) />
        <p class="breadcrumb"><a href="/contracts">"Contracts"</a>" / "<a href=href.clone()>{contract.title.clone()}</a>" /"</p>
        <h1>"Record an amendment"</h1>
        <p class="lead">
            "An amendment is a dated change of the deal: units ordered or cancelled, options granted or exercised, a new value. "
            "The contract's figures become the original plus its amendments, and its page can show it as of any day. "
            "To correct a figure that was always wrong (a typo, a better source), "
            <a href=format!("{href}/edit")>"edit the contract"</a>" instead."
        </p>
        <EntryForm fields=fields.clone() errors=errors.clone() action=format!("{href}/amend") save="Record amendment" cancel=href.clone()>
            <fieldset class="form-grid">
                <legend>"The amendment"</legend>
                <Entry label="Amended on" name=AmendmentForm::DATE.into() fields=f.clone() errors=e.clone() required=true max=limits::DATE_MAX hint="YYYY-MM-DD, or YYYY-MM or YYYY as the source gives it; not before the signing" />
                <Choice label="Kind" name=AmendmentForm::KIND.into() fields=f.clone() errors=e.clone() options=kinds empty="Choose…" />
                <Entry label="Reason" name=AmendmentForm::REASON.into() fields=f.clone() errors=e.clone() required=true max=limits::PROSE_MAX multiline=true hint="In words, e.g. second batch ordered after the 2023 budget law" />
                <Choice label="Confidence" name=AmendmentForm::CONFIDENCE.into() fields=f.clone() errors=e.clone() options=confidences() default="reported" />
                {match currency {
                    Some(label) => view! {
                        <div class="field-wide">
                            <p class="hint">{label}</p>
                            <Entry label="Change of value" name=AmendmentForm::VALUE_CHANGE.into() fields=f.clone() errors=e.clone() max=limits::AMOUNT_MAX number=true hint="+ for a rise, - for a fall, in the contract's currency; empty for none" />
                        </div>
                    }.into_any(),
                    None => view! { <p class="hint">"The contract has no value recorded, so the amendment cannot change it."</p> }.into_any(),
                }}
            </fieldset>
            <fieldset class="lines">
                <legend>"Changes per line"</legend>
                <p class="hint">"Leave a line empty when the amendment does not change it. Options exercised move from the options into the quantity."</p>
                {contract.lines.iter().enumerate().map(|(row, line)| {
                    let name = |n: &str| AmendmentForm::line(row, n);
                    let now = format!(
                        "{}: {} ordered, {} delivered, {} not exercised",
                        line.system.name,
                        line.quantity.map_or_else(|| "quantity not disclosed".to_owned(), |q| format::thousands(q.get())),
                        format::thousands(line.delivered),
                        counted(line.options, "option"),
                    );
                    view! {
                        <div class="form-grid line-row" role="group" aria-label=format!("Line {}: {}", row + 1, line.system.name)>
                            <input type="hidden" name=name("id") value=line.id.to_string() />
                            <p class="field-wide"><strong>{now}</strong></p>
                            <Entry label="Units (+ ordered, − cancelled)" name=name("units") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX + 1 number=true />
                            <Entry label="Options (+ granted, − withdrawn)" name=name("options") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX + 1 number=true />
                            <Entry label="Options exercised" name=name("exercised") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX number=true />
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <SourceRows fields=f errors=e supports=false />
        </EntryForm>
    }
}

/// `/contracts/{id}/amendments/{amendment}/delete`: what deleting it undoes, and the button.
#[component]
pub fn DeleteAmendmentPage() -> impl IntoView {
    let params = use_params_map();
    let ids = params.with_untracked(|p| {
        let id = p.get("id")?.parse::<i64>().ok()?;
        let amendment = p.get("amendment")?.parse::<i64>().ok()?;
        Some((id, amendment))
    });
    let Some((id, amendment_id)) = ids else {
        return view! { <NotFound /> }.into_any();
    };
    let refused = use_context::<AmendmentRemoval>();
    let contract = Resource::new(move || id, get_contract);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let refused = refused.clone();
                Suspend::new(async move {
                    let contract = match contract.await {
                        Ok(contract) => contract,
                        Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                    };
                    let Some(amendment) = contract.amendments.iter().find(|a| a.id == amendment_id).cloned() else {
                        return view! { <NotFound /> }.into_any();
                    };
                    let href = format!("/contracts/{id}");
                    view! {
                        <Title text=format!("Delete an amendment of {}", contract.title) />
                        <p class="breadcrumb"><a href="/contracts">"Contracts"</a>" / "<a href=href.clone()>{contract.title.clone()}</a>" /"</p>
                        <h1>"Delete this amendment?"</h1>
                        {if let Some(AmendmentRemoval::Refused(message)) = refused {
                            view! { <p class="alert alert-error" role="alert">{message}</p> }.into_any()
                        } else {
                            ().into_any()
                        }}
                        <div class="panel">
                            <p>{format!("{} of {}: {}", amendment.kind, amendment.amended_on, amendment.reason)}</p>
                            <ul>
                                {amendment.changes.iter().map(|c| view! { <li>{describe_change(c)}</li> }).collect_view()}
                                {amendment.value_change.map(|v| view! { <li>{format!("value: {v}")}</li> })}
                            </ul>
                            <p>"Deleting it takes these changes back out of the contract's figures, as if it had never been recorded. Delete only an amendment recorded by mistake; if the deal changed back, record another amendment. The audit trail keeps it either way."</p>
                            <form method="post" action=format!("{href}/amendments/{amendment_id}/delete")>
                                <div class="form-actions">
                                    <button type="submit" class="button danger">"Delete amendment"</button>
                                    <a class="button" href=format!("{href}#amendments")>"Keep it"</a>
                                </div>
                            </form>
                        </div>
                    }.into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}
