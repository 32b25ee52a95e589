//! The deliveries list: what has arrived where, newest first.

use super::api::list_deliveries;
use crate::components::record::query_pairs;
use crate::components::record::{
    BuyerFilter, ConfidenceBadge, Pager, SystemFilter, YearFilter, with_query,
};
use crate::components::{ErrorPanel, SortHeader, SortLink, format};
use crate::domain::filter::{ContractFilter, DealSort};
use crate::systems::api::list_systems;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let (filter, ignored) = ContractFilter::from_query(&query_pairs());
    let data = Resource::new(
        {
            let filter = filter.clone();
            move || filter.clone()
        },
        |filter| async move {
            Ok::<_, crate::error::AppError>((list_deliveries(filter).await?, list_systems().await?))
        },
    );
    view! {
        <Title text="Deliveries" />
        <h1>"Deliveries"</h1>
        <p class="lead">"Units delivered, newest first. Record a delivery on its contract's page."</p>
        <crate::transfer::pages::ExportCsv view=crate::transfer::View::Deliveries pairs=crate::components::record::query_pairs() />
        <crate::components::record::IgnoredNotice ignored />
        <Suspense fallback=|| view! { <p class="placeholder">"Loading deliveries…"</p> }>
            {move || {
                let filter = filter.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((deliveries, systems)) => {
                            let pager_filter = filter.clone();
                            let header = {
                                let filter = filter.clone();
                                move |sort: DealSort, label: &str| {
                                    // The list's own default is by date; other sorts are the shared filter's.
                                    let active = filter.sort == sort
                                        || (sort == DealSort::Signed && !matches!(filter.sort, DealSort::Title | DealSort::Buyer | DealSort::Units));
                                    SortLink::new(label, with_query("/deliveries", filter.sorted_by(sort).to_query()), active, filter.descending)
                                }
                            };
                            view! {
                                {filter.agreement.map(|id| view! {
                                    <p class="alert" role="status">
                                        {format!("Deliveries on the contracts under framework agreement {id} only. ")}
                                        <a href=format!("/agreements/{id}")>"The agreement"</a>" · "<a href="/deliveries">"All deliveries"</a>
                                    </p>
                                })}
                                <form method="get" action="/deliveries" class="filters panel" role="search">
                                    {filter.agreement.map(|id| view! { <input type="hidden" name="agreement" value=id.to_string() /> })}
                                    <BuyerFilter id="dl-buyer" selected=filter.buyer />
                                    <SystemFilter id="dl-system" systems selected=filter.system />
                                    <YearFilter id="dl-from" name="year_from" label="Delivered from (year)" value=filter.year_from />
                                    <YearFilter id="dl-to" name="year_to" label="Delivered to (year)" value=filter.year_to />
                                    <div class="field check">
                                        <input id="dl-behind" name="schedule" type="checkbox" value=crate::domain::filter::BEHIND checked=filter.behind />
                                        <label for="dl-behind">"Contracts behind schedule only"</label>
                                    </div>
                                    <div class="form-actions">
                                        <button type="submit" class="button primary">"Apply filters"</button>
                                        <a class="button" href="/deliveries">"Clear"</a>
                                    </div>
                                </form>
                                <p>{match deliveries.units {
                                    Some(units) => format!("{} units in {} deliveries.", format::thousands(units), format::thousands(deliveries.page.total)),
                                    None => format!("More than {} deliveries: choose a buyer, a system or years to add up their units.", format::thousands(deliveries.page.total)),
                                }}</p>
                                {if deliveries.page.rows.is_empty() {
                                    view! { <p class="empty">"No delivery matches. Clear the filters, or record one on a contract's page."</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="data" aria-label="Deliveries">
                                                <thead>
                                                    <tr>
                                                        <SortHeader link=header(DealSort::Signed, "Date") />
                                                        <SortHeader link=header(DealSort::Title, "Contract") />
                                                        <SortHeader link=header(DealSort::Buyer, "Buyer") />
                                                        <th scope="col">"System"</th>
                                                        <SortHeader link=header(DealSort::Units, "Units") numeric=true />
                                                        <th scope="col">"Confidence"</th><th scope="col">"Notes"</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {deliveries.page.rows.clone().into_iter().map(|d| view! {
                                                        <tr>
                                                            <td class="date">{d.delivered_on.to_string()}</td>
                                                            <td><a href=format!("/contracts/{}", d.contract.id)>{d.contract.name}</a></td>
                                                            <td>{d.buyer.name()}</td>
                                                            <td>{d.system}</td>
                                                            <td class="num">{d.units.to_string()}</td>
                                                            <td><ConfidenceBadge confidence=d.confidence /></td>
                                                            <td>{d.notes}</td>
                                                        </tr>
                                                    }).collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                    }.into_any()
                                }}
                                <Pager page=deliveries.page href=move |p| with_query("/deliveries", pager_filter.with_page(p).to_query()) />
                                <crate::plans::pages::ScheduleTable years=deliveries.schedule.clone() filter=deliveries.contracts.clone() />
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
