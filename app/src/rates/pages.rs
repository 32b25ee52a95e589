//! Exchange rates: the list with a form to add one, and a rate's page to edit or delete it.
//! Every change updates the USD equivalents of the contracts that depend on it.

use super::form::rate_fields;
use crate::components::{ErrorPanel, NotFound, format};
use crate::domain::FieldErrors;
use crate::domain::limits;
use crate::domain::rate::ExchangeRate;
use crate::forms::choices::Choices;
use crate::forms::pages::{Doomed, delete_page};
use crate::forms::widgets::{Choice, ConflictPanel, Entry, EntryForm, currencies, route_id};
use crate::forms::{EntryEcho, EntryFields, with_base};
use leptos::prelude::*;
use leptos_meta::Title;

/// The rate form; `action` is where it posts.
#[component]
fn RateForm(
    fields: EntryFields,
    errors: FieldErrors,
    action: String,
    submit: &'static str,
) -> impl IntoView {
    let f = fields.clone();
    let e = errors.clone();
    view! {
        <EntryForm fields=fields.clone() errors=errors.clone() action=action save=submit>
            <fieldset class="form-grid">
                <legend>"The rate"</legend>
                <Choice label="Currency" name="currency".into() fields=f.clone() errors=e.clone() options=currencies() empty="Choose a currency…" />
                <Entry label="Date" name="date".into() fields=f.clone() errors=e.clone() max=limits::DATE_MAX hint="YYYY-MM-DD. Contracts signed on or after it (until the next rate) use it." />
                <Entry label="US dollars per unit" name="usd_per_unit".into() fields=f.clone() errors=e.clone() max=limits::RATE_MAX number=true hint="e.g. 0.000774 for KRW (1,292 KRW per USD), 1.0813 for EUR. Up to 9 decimals." />
                <Entry label="Source" name="source".into() fields=f errors=e hint="Where the rate comes from, e.g. Federal Reserve H.10, annual average 2022" />
            </fieldset>
        </EntryForm>
    }
}

#[component]
pub fn RatesPage() -> impl IntoView {
    let echo = use_context::<EntryEcho>().unwrap_or_default();
    let (_, deleted) =
        crate::components::record::take_deleted(crate::components::record::query_pairs());
    let rates = Resource::new(|| (), |_| super::api::list_rates());
    view! {
        <Title text="Exchange rates" />
        <h1>"Exchange rates"</h1>
        <p class="lead">"Rates to US dollars. Every contract value has a USD equivalent at the rate of its signing date, or the nearest earlier one; totals in USD add those up. Changing a rate here updates every figure that depends on it."</p>
        <crate::components::record::DeletedNotice name=deleted />
        {crate::accounts::may(crate::domain::account::Role::Admin).then(|| view! {
            <h2>"Add a rate"</h2>
            <RateForm fields=echo.fields errors=echo.errors action="/rates/new".into() submit="Add rate" />
        })}
        <h2>"All rates"</h2>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading rates…"</p> }>
            {move || Suspend::new(async move {
                match rates.await {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty">"No rates yet: add one above. Until then, only values in US dollars have a USD figure."</p>
                    }.into_any(),
                    Ok(list) => view! { <RateTable rates=list /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RateTable(rates: Vec<ExchangeRate>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data" aria-label="Exchange rates">
                <thead>
                    <tr>
                        <th scope="col">"Currency"</th><th scope="col">"Date"</th><th scope="col" class="num">"US dollars per unit"</th>
                        <th scope="col" class="num">"Units per US dollar"</th><th scope="col" class="num">"Contracts using it"</th><th scope="col">"Source"</th>
                    </tr>
                </thead>
                <tbody>
                    {rates.into_iter().map(|r| {
                        let inverse = (rust_decimal::Decimal::ONE / r.usd_per_unit).round_dp(2);
                        view! {
                            <tr>
                                <td><a href=format!("/rates/{}", r.id)>{format!("{} — {}", r.currency, r.currency.name())}</a></td>
                                <td class="date">{r.date.to_string()}</td>
                                <td class="num">{r.usd_per_unit.to_string()}</td>
                                <td class="num">{inverse.to_string()}</td>
                                <td class="num">{format::thousands(r.contracts)}</td>
                                <td>{r.source}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn RatePage() -> impl IntoView {
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let echo = use_context::<EntryEcho>();
    let saved = crate::components::record::query_pairs()
        .iter()
        .any(|(k, _)| k == "created" || k == "saved");
    let rate = Resource::new(move || id, super::api::get_rate);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let rate = match rate.await {
                        Ok(rate) => rate,
                        Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                    };
                    let echo = echo.unwrap_or_else(|| EntryEcho {
                        fields: with_base(rate_fields(&rate)),
                        ..EntryEcho::default()
                    });
                    let name = format!("{} {}", rate.currency, rate.date);
                    view! {
                        <Title text=format!("Rate {name}") />
                        {saved.then(|| view! { <p class="alert alert-success" role="status">"Rate saved. The USD figures that depend on it are updated."</p> })}
                        <p class="breadcrumb"><a href="/rates">"Exchange rates"</a>" /"</p>
                        <h1>{format!("{} — {} US dollars per unit from {}", rate.currency, rate.usd_per_unit, rate.date)}</h1>
                        <dl class="record">
                            <dt>"Source"</dt><dd>{rate.source.clone()}</dd>
                            <dt>"Contracts using it"</dt><dd>{format::thousands(rate.contracts)}</dd>
                            <dt>"Last changed"</dt>
                            <dd><time datetime=format::iso8601(&rate.updated_at)>{format::timestamp(&rate.updated_at)}</time>{format!(" (version {})", rate.version)}</dd>
                        </dl>
                        {echo.conflict.clone().map(|conflict| view! { <ConflictPanel conflict choices=Choices::default() what="rate" /> })}
                        {crate::accounts::may(crate::domain::account::Role::Admin).then(|| view! {
                            <h2>"Edit"</h2>
                            <RateForm fields=echo.fields errors=echo.errors action=format!("/rates/{id}/edit") submit="Save rate" />
                        })}
                        <p class="actions">
                            {crate::accounts::may(crate::domain::account::Role::Admin).then(|| view! {
                                <a class="button danger" href=format!("/rates/{id}/delete")>"Delete…"</a>
                            })}
                            <a class="button" href=format!("/rates/{id}/history")>"History"</a>
                        </p>
                    }.into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn DeleteRatePage() -> impl IntoView {
    delete_page(super::api::get_rate, |r, id| {
        let doomed = Doomed {
            kind: "rate",
            title: format!("{} {}", r.currency, r.date),
            href: format!("/rates/{id}"),
            list_href: "/rates",
            list_name: "Exchange rates",
            version: r.version,
            consequence: format!(
                "the {} contracts that use it moving to the nearest earlier rate of {} (or left without a USD figure)",
                format::thousands(r.contracts),
                r.currency
            ),
        };
        (doomed, Vec::new())
    })
}
