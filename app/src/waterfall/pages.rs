//! `/agreements/{id}/waterfall`: the chain from an agreement's headline figure to what is
//! delivered, as two charts (units, US dollars) and the table they are drawn from.

use super::api::get_waterfall;
use crate::components::chart::{BarChart, compact_usd};
use crate::components::{ErrorPanel, NotFound, format};
use crate::domain::waterfall::Waterfall;
use crate::forms::widgets::route_id;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn WaterfallPage() -> impl IntoView {
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let data = Resource::new(move || id, get_waterfall);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(w) => view! { <WaterfallView w /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn WaterfallView(w: Waterfall) -> impl IntoView {
    let href = format!("/agreements/{}", w.agreement_id);
    let unit_steps: Vec<_> = w.steps.iter().filter(|s| s.units.is_some()).collect();
    let unit_categories: Vec<String> = unit_steps.iter().map(|s| s.name.clone()).collect();
    let units: Vec<i64> = unit_steps.iter().map(|s| s.units.unwrap_or(0)).collect();
    let usd_steps: Vec<_> = w.steps.iter().filter(|s| s.usd.is_some()).collect();
    let usd_categories: Vec<String> = usd_steps.iter().map(|s| s.name.clone()).collect();
    let usd: Vec<i64> = usd_steps
        .iter()
        .map(|s| s.usd.map_or(0, |m| m.to_minor()))
        .collect();
    let pairs = vec![("agreement".to_owned(), w.agreement_id.to_string())];
    view! {
        <Title text=format!("Waterfall: {}", w.title) />
        <p class="breadcrumb"><a href="/agreements">"Agreements"</a>" / "<a href=href.clone()>{w.title.clone()}</a>" /"</p>
        <h1>"Programme waterfall"</h1>
        <p class="lead">{format!("{}: from its headline figure to its ceilings, what is signed under it, the options exercised and what is delivered. Each step links to the records it adds up.", w.title)}</p>
        <div class="page-tools">
            <crate::transfer::pages::ExportCsv view=crate::transfer::View::Waterfall pairs />
        </div>
        <div class="table-wrap">
            <table class="data" aria-label="Waterfall">
                <thead><tr>
                    <th scope="col">"Step"</th><th scope="col" class="num">"Units"</th><th scope="col" class="num">"US dollars"</th>
                    <th scope="col" class="num">"In original currencies"</th><th scope="col">"What it counts"</th>
                </tr></thead>
                <tbody>
                    {w.steps.iter().map(|s| {
                        let usd = match (s.usd, s.unconverted) {
                            (Some(usd), 0) => usd.to_string(),
                            (Some(usd), n) => format!("{usd} ({n} without a rate left out)"),
                            (None, 0) => "—".to_owned(),
                            (None, n) => format!("— ({n} without a rate)"),
                        };
                        view! {
                            <tr>
                                <th scope="row"><a href=s.href.clone()>{s.name.clone()}</a></th>
                                <td class="num">{s.units.map_or_else(|| "—".to_owned(), format::thousands)}</td>
                                <td class="num">{usd}</td>
                                <td class="num">{if s.values.is_empty() { "—".to_owned() } else { s.values.iter().map(|m| m.to_string()).collect::<Vec<_>>().join("; ") }}</td>
                                <td>{s.counts.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <BarChart id="waterfall-units".into() title="Units: ceilings, signed, from options, delivered (numbers in the table above)".into()
            categories=unit_categories series=vec![("Units".to_owned(), units)] label=|n| format::thousands(n) />
        {(!usd_categories.is_empty()).then(|| view! {
            <BarChart id="waterfall-usd".into() title="US dollars: headline, ceilings, signed (numbers in the table above)".into()
                categories=usd_categories series=vec![("US dollars".to_owned(), usd)] label=compact_usd />
        })}
    }
}
