//! The amendment pages: recording one against a contract, confirming a deletion, and the
//! contract page's list of its amendments.

use super::api::AmendmentRemoval;
use super::form::{AmendEcho, AmendmentForm};
use crate::agreements::api::get_agreement;
use crate::components::record::{ConfidenceBadge, SourceList};
use crate::components::{ErrorPanel, NotFound, format};
use crate::contracts::api::get_contract;
use crate::domain::amendment::{Amendable, Amendment, LineChange};
use crate::domain::{AmendmentKind, limits};
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

/// A record page's amendments (`base` is the record's page): each dated change with its kind,
/// reason, changes and sources.
#[component]
pub fn AmendmentList(
    base: String,
    amendments: Vec<Amendment>,
    /// The record is in force: it takes amendments.
    amendable: bool,
    as_of: Option<String>,
) -> impl IntoView {
    let editor = crate::accounts::may(crate::domain::account::Role::Editor);
    let rows = amendments;
    view! {
        <h2 id="amendments">"Amendments"</h2>
        {if rows.is_empty() {
            let text = match (&as_of, amendable) {
                (Some(day), _) => format!("None by {day}."),
                (None, true) => "None recorded: the figures above are as signed. When the deal changes (more units, options exercised, a new ceiling or value), record an amendment.".to_owned(),
                (None, false) => "None: only a signed deal in force is amended.".to_owned(),
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
                                        <td><a class="button small danger" href=format!("{base}/amendments/{}/delete", a.id)>"Delete…"</a></td>
                                    })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {(editor && amendable && as_of.is_none()).then(|| view! {
            <p class="actions"><a class="button primary" href=format!("{base}/amend")>"Record an amendment"</a></p>
        })}
    }
}

/// `/contracts/{id}/amend`: the form of a new amendment of a contract.
#[component]
pub fn AmendPage() -> impl IntoView {
    amend_page(|id| async move {
        get_contract(id)
            .await
            .map(|c| (Amendable::from(&c), c.title, format!("/contracts/{id}")))
    })
}

/// `/agreements/{id}/amend`: the form of a new amendment of a framework agreement.
#[component]
pub fn AmendAgreementPage() -> impl IntoView {
    amend_page(|id| async move {
        get_agreement(id)
            .await
            .map(|a| (Amendable::from(&a), a.title, format!("/agreements/{id}")))
    })
}

/// The amendment page of the record `load` reads: (what the form reads, its title, its page).
fn amend_page<Fut>(load: fn(i64) -> Fut) -> AnyView
where
    Fut: std::future::Future<Output = Result<(Amendable, String, String), crate::error::AppError>>
        + Send
        + 'static,
{
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let echo = use_context::<AmendEcho>();
    let record = Resource::new(move || id, load);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match record.await {
                        Ok((record, title, href)) => {
                            let (fields, errors) = match echo {
                                Some(echo) => (echo.fields, echo.errors),
                                None => (AmendmentForm::blank(&record), Default::default()),
                            };
                            view! { <AmendForm record title href fields errors /> }.into_any()
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
    record: Amendable,
    title: String,
    href: String,
    fields: EntryFields,
    errors: crate::domain::FieldErrors,
) -> impl IntoView {
    let kinds = vocabulary_options(
        AmendmentKind::ALL
            .iter()
            .filter(|k| record.options || **k != AmendmentKind::OptionExercised)
            .map(|k| k.as_str()),
    );
    let currency = record
        .value
        .map(|v| format!("Change of value ({}; current {v})", v.currency()));
    let list = if record.options {
        "Contracts"
    } else {
        "Agreements"
    };
    let list_href = if record.options {
        "/contracts"
    } else {
        "/agreements"
    };
    let what = record.what.clone();
    let f = fields.clone();
    let e = errors.clone();
    view! {
        <Title text=format!("Amend: {title}") />
        <p class="breadcrumb"><a href=list_href>{list}</a>" / "<a href=href.clone()>{title.clone()}</a>" /"</p>
        <h1>"Record an amendment"</h1>
        <p class="lead">
            {if record.options {
                "An amendment is a dated change of the deal: units ordered or cancelled, options granted or exercised, a new value. "
            } else {
                "An amendment is a dated change of the framework: a ceiling raised or lowered, a new headline value. "
            }}
            {format!("The {what}'s figures become the original plus its amendments, and its page can show it as of any day. To correct a figure that was always wrong (a typo, a better source), ")}
            <a href=format!("{href}/edit")>{format!("edit the {what}")}</a>" instead."
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
                    None => view! { <p class="hint">{format!("The {what} has no value recorded, so the amendment cannot change it.")}</p> }.into_any(),
                }}
            </fieldset>
            <fieldset class="lines">
                <legend>"Changes per line"</legend>
                <p class="hint">{if record.options {
                    "Leave a line empty when the amendment does not change it. Options exercised move from the options into the quantity."
                } else {
                    "Leave a ceiling line empty when the amendment does not change it."
                }}</p>
                {record.lines.iter().enumerate().map(|(row, line)| {
                    let name = |n: &str| AmendmentForm::line(row, n);
                    let quantity = line.quantity.map_or_else(|| "quantity not disclosed".to_owned(), |q| format::thousands(q.get()));
                    let now = if record.options {
                        format!(
                            "{}: {quantity} ordered, {} delivered, {} not exercised",
                            line.system,
                            format::thousands(line.floor),
                            counted(line.options, "option"),
                        )
                    } else {
                        format!("{}: a ceiling of {quantity}", line.system)
                    };
                    view! {
                        <div class="form-grid line-row" role="group" aria-label=format!("Line {}: {}", row + 1, line.system)>
                            <input type="hidden" name=name("id") value=line.id.to_string() />
                            <p class="field-wide"><strong>{now}</strong></p>
                            {if record.options {
                                view! {
                                    <Entry label="Units (+ ordered, − cancelled)" name=name("units") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX + 1 number=true />
                                    <Entry label="Options (+ granted, − withdrawn)" name=name("options") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX + 1 number=true />
                                    <Entry label="Options exercised" name=name("exercised") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX number=true />
                                }.into_any()
                            } else {
                                view! {
                                    <Entry label="Ceiling (+ raised, − lowered)" name=name("units") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX + 1 number=true />
                                }.into_any()
                            }}
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
    delete_page(|id| async move {
        get_contract(id)
            .await
            .map(|c| (c.title, c.amendments, "/contracts".to_owned()))
    })
}

/// `/agreements/{id}/amendments/{amendment}/delete`.
#[component]
pub fn DeleteAgreementAmendmentPage() -> impl IntoView {
    delete_page(|id| async move {
        get_agreement(id)
            .await
            .map(|a| (a.title, a.amendments, "/agreements".to_owned()))
    })
}

/// The confirmation page of deleting an amendment of the record `load` reads: (its title, its
/// amendments, its list's address).
fn delete_page<Fut>(load: fn(i64) -> Fut) -> AnyView
where
    Fut: std::future::Future<
            Output = Result<(String, Vec<Amendment>, String), crate::error::AppError>,
        > + Send
        + 'static,
{
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
    let record = Resource::new(move || id, load);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let refused = refused.clone();
                Suspend::new(async move {
                    let (title, amendments, list) = match record.await {
                        Ok(record) => record,
                        Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                    };
                    let Some(amendment) = amendments.iter().find(|a| a.id == amendment_id).cloned() else {
                        return view! { <NotFound /> }.into_any();
                    };
                    let href = format!("{list}/{id}");
                    let list_name = if list == "/contracts" { "Contracts" } else { "Agreements" };
                    let list = list.clone();
                    view! {
                        <Title text=format!("Delete an amendment of {title}") />
                        <p class="breadcrumb"><a href=list>{list_name}</a>" / "<a href=href.clone()>{title.clone()}</a>" /"</p>
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
                            <p>"Deleting it takes these changes back out of the record's figures, as if it had never been recorded. Delete only an amendment recorded by mistake; if the deal changed back, record another amendment. The audit trail keeps it either way."</p>
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
