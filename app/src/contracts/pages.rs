//! Contract pages: the filtered list and a contract's detail with its lines and deliveries.

use super::api::{get_contract, list_contracts};
use crate::components::record::{
    Alternatives, BuyerFilter, ConfidenceBadge, FigureView, Pager, SourceList, StandingRows,
    SystemFilter, YearFilter, money_text, query_pairs,
};
use crate::components::{ErrorPanel, NotFound, format};
use crate::deliveries::form::{DeliveryEcho, DeliveryForm};
use crate::domain::amendment::Amends;
use crate::domain::filter::{ContractFilter, DealSort};
use crate::domain::limits;
use crate::domain::register::{Contract, ContractSummary, Page, SystemRecord};
use crate::domain::{Category, Confidence, ContractStatus, Firm, Standing, StatusGroup};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn link(filter: &ContractFilter) -> String {
    crate::components::record::with_query("/contracts", filter.to_query())
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let (pairs, deleted) = crate::components::record::take_deleted(query_pairs());
    let (filter, ignored) = ContractFilter::from_query(&pairs);
    let rows = Resource::new(
        {
            let filter = filter.clone();
            move || filter.clone()
        },
        list_contracts,
    );
    let choices = Resource::new(
        || (),
        |_| async {
            let firms = crate::firms::api::list_firms().await?;
            let systems = crate::systems::api::list_systems().await?;
            Ok::<_, crate::error::AppError>((firms, systems))
        },
    );
    view! {
        <Title text="Contracts" />
        <div class="page-head">
            <h1>"Contracts"</h1>
            {crate::accounts::may(crate::domain::account::Role::Editor).then(|| view! { <a class="button primary" href="/contracts/new">"New contract"</a> })}
        </div>
        <p class="lead">"Contracts, signed or in the pipeline, each with its lines, deliveries and sources. Filter, sort and share the address: it holds the view."</p>
        <div class="page-tools">
            <crate::transfer::pages::ExportCsv view=crate::transfer::View::Contracts pairs=crate::components::record::query_pairs() />
            <crate::transfer::pages::ExportCsv view=crate::transfer::View::Amendments pairs=crate::components::record::query_pairs() label="Export their amendments" />
            <crate::transfer::pages::ExportCsv view=crate::transfer::View::Plans pairs=crate::components::record::query_pairs() label="Export their delivery plans" />
            {crate::accounts::may(crate::domain::account::Role::Editor).then(|| view! { <a class="button" href="/import">"Import CSV"</a> })}
        </div>
        <crate::components::record::DeletedNotice name=deleted />
        <crate::components::record::IgnoredNotice ignored=ignored.clone() />
        <Suspense fallback=|| view! { <p class="placeholder">"Loading contracts…"</p> }>
            {move || {
                let filter = filter.clone();
                Suspend::new(async move {
                    match (choices.await, rows.await) {
                        (Ok((firms, systems)), Ok(page)) => view! {
                            <ContractFilters filter=filter.clone() firms systems />
                            <ContractTable filter page />
                        }.into_any(),
                        (Err(error), _) | (_, Err(error)) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ContractFilters(
    filter: ContractFilter,
    firms: Vec<Firm>,
    systems: Vec<SystemRecord>,
) -> impl IntoView {
    view! {
        <form method="get" action="/contracts" class="filters panel" role="search">
            <div class="field">
                <label for="f-q">"Search"</label>
                <input id="f-q" name="q" type="search" maxlength=limits::SEARCH_MAX value=filter.q.clone().unwrap_or_default() placeholder="title, supplier, system, agency…" />
            </div>
            <BuyerFilter id="f-buyer" selected=filter.buyer />
            <div class="field">
                <label for="f-supplier">"Supplier"</label>
                <select id="f-supplier" name="supplier">
                    <option value="">"All suppliers"</option>
                    <option value=crate::domain::filter::NOT_RECORDED selected=filter.no_supplier>"Not recorded"</option>
                    {firms.into_iter().map(|f| view! {
                        <option value=f.id.to_string() selected=filter.supplier == Some(f.id)>{f.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <SystemFilter id="f-system" systems selected=filter.system />
            <div class="field">
                <label for="f-category">"Category"</label>
                <select id="f-category" name="category">
                    <option value="">"All categories"</option>
                    {Category::ALL.iter().map(|c| view! {
                        <option value=c.as_str() selected=filter.category == Some(*c)>{c.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-status">"Status"</label>
                <select id="f-status" name="status">
                    <option value="">"Any status"</option>
                    {StatusGroup::ALL.iter().map(|g| view! {
                        <option value=g.as_str() selected=filter.group == Some(*g)>{g.label()}</option>
                    }).collect_view()}
                    {ContractStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=filter.status == Some(*s)>{s.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <YearFilter id="f-from" name="year_from" label="Signed from (year)" value=filter.year_from />
            <YearFilter id="f-to" name="year_to" label="Signed to (year)" value=filter.year_to />
            <div class="field">
                <label for="f-confidence">"Values"</label>
                <select id="f-confidence" name="confidence">
                    <option value="">"All, including estimates"</option>
                    <option value="reported" selected=filter.confidence == Some(Confidence::Reported)>"Confirmed and reported"</option>
                    <option value="confirmed" selected=filter.confidence == Some(Confidence::Confirmed)>"Confirmed only"</option>
                </select>
            </div>
            <div class="field check">
                <input id="f-behind" name="schedule" type="checkbox" value=crate::domain::filter::BEHIND checked=filter.behind />
                <label for="f-behind">"Behind schedule only"</label>
            </div>
            {(filter.sort != DealSort::default()).then(|| view! { <input type="hidden" name="sort" value=filter.sort.as_str() /> })}
            // No field of its own: the summary's "Date not recorded" row links here with it.
            {filter.undated.then(|| view! { <input type="hidden" name="signed" value=crate::domain::filter::NOT_RECORDED /> })}
            <div class="form-actions">
                <button type="submit" class="button primary">"Apply filters"</button>
                <a class="button" href="/contracts">"Clear"</a>
            </div>
        </form>
    }
}

#[component]
fn ContractTable(filter: ContractFilter, page: Page<ContractSummary>) -> impl IntoView {
    if page.rows.is_empty() {
        let message = if filter.is_filtered() {
            "No contract matches these filters. Widen them, or clear them to see every contract."
        } else {
            "No contracts yet. They come with the demo data, or from the contract form."
        };
        return view! { <p class="empty">{message}</p> }.into_any();
    }
    let header = {
        let filter = filter.clone();
        move |sort: DealSort, label: &'static str, numeric: bool| {
            let active = filter.sort == sort;
            let aria = if active {
                if filter.descending {
                    "descending"
                } else {
                    "ascending"
                }
            } else {
                "none"
            };
            let arrow = if active {
                if filter.descending { " ▼" } else { " ▲" }
            } else {
                ""
            };
            view! {
                <th scope="col" aria-sort=aria class:num=numeric>
                    <a href=link(&filter.sorted_by(sort))>{label}{arrow}</a>
                </th>
            }
        }
    };
    let pager_filter = filter.clone();
    // The next page starts after this page's last row: as quick deep in the list as at its top.
    let next = page
        .rows
        .last()
        .map(|last| link(&filter.next_after(last.id)));
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        {header(DealSort::Signed, "Signed", false)}
                        {header(DealSort::Title, "Contract", false)}
                        {header(DealSort::Buyer, "Buyer", false)}
                        {header(DealSort::Supplier, "Supplier", false)}
                        <th scope="col">"Systems"</th>
                        {header(DealSort::Status, "Status", false)}
                        {header(DealSort::Value, "Value", true)}
                        {header(DealSort::Units, "Units ordered / delivered", true)}
                    </tr>
                </thead>
                <tbody>
                    {page.rows.clone().into_iter().map(|c| view! {
                        <tr>
                            <td class="date">{crate::components::record::signed_or_expected(c.signed_on, c.expected_signing)}</td>
                            <td>
                                <a href=format!("/contracts/{}", c.id)>{c.title.clone()}</a>
                                {c.agreement.clone().map(|a| view! {
                                    " "<a class="badge" href=format!("/agreements/{}", a.id) title=format!("Signed under: {}", a.name)>"framework"</a>
                                })}
                            </td>
                            <td>{c.buyer.name()}</td>
                            <td>{c.supplier.clone().map_or_else(|| "not recorded".to_owned(), |s| s.name)}</td>
                            <td>{c.systems.clone()}</td>
                            <td>{crate::components::record::status_with_probability(c.status.as_str(), c.probability)}</td>
                            <td class="num">
                                {money_text(c.value)}
                                {c.usd.filter(|_| c.value.is_some_and(|v| v.currency().as_str() != "USD")).map(|usd| view! { <br /><span class="muted">{format!("≈ {usd}")}</span> })}
                                {c.value_confidence.map(|confidence| view! { <br /><ConfidenceBadge confidence /> })}
                            </td>
                            <td class="num">{format::thousands(c.units_ordered)}" / "{format::thousands(c.units_delivered)}{crate::plans::pages::late_badge(c.units_late)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page href=move |p| link(&pager_filter.with_page(p)) next=next />
    }
    .into_any()
}

fn contract_id() -> Option<i64> {
    use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse().ok())
}

#[component]
pub fn ContractPage() -> impl IntoView {
    let Some(id) = contract_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let echo = use_context::<DeliveryEcho>();
    let pairs = query_pairs();
    let flag = |name: &str| pairs.iter().any(|(k, _)| k == name);
    let notice = if flag("delivered") {
        None
    } else {
        crate::components::record::write_notice(&pairs, "Contract saved.")
    };
    let delivered = flag("delivered");
    let as_of = crate::components::record::AsOf::from_query(&pairs);
    let contract = Resource::new(move || id, get_contract);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                let as_of = as_of.clone();
                Suspend::new(async move {
                    match contract.await {
                        Ok(contract) => {
                            let shown = match as_of.day {
                                Some(day) => contract.as_of(day),
                                None => contract.clone(),
                            };
                            view! {
                                {notice.map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
                                <CeilingWarning contract=shown.clone() />
                                <ContractDetail contract=shown now=contract echo delivered as_of />
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// What a page shown as of a day leaves out of the record as it is now (`now`).
#[component]
fn AsOfNotice(now: Contract, day: chrono::NaiveDate) -> impl IntoView {
    let amendments = now.amendments.iter().filter(|a| !a.known_by(day)).count();
    let deliveries = now
        .deliveries
        .iter()
        .filter(|d| d.delivered_on.latest() > day)
        .count();
    let unsigned = now.signed_on.filter(|s| s.earliest() > day);
    view! {
        <div class="alert alert-warning" role="status">
            <p><strong>{format!("As of {day}.")}</strong>{format!(
                " The figures leave out {} and {} dated after that day (a date known only by its month or year counts once it is over). Corrections made by editing are not undone: see the history for those.",
                format::plural(amendments, "amendment"),
                format::plural(deliveries, "delivery"),
            )}</p>
            {unsigned.map(|signed| view! { <p>{format!("On that day the contract was not signed yet: it was signed on {signed}.")}</p> })}
        </div>
    }
}

/// A contract's whole record: one `view!` that reads top to bottom as the page does (its facts,
/// value and sources, lines, deliveries and the delivery form).
#[component]
fn ContractDetail(
    /// The contract as the page shows it (as of a day, or as it is now).
    contract: Contract,
    /// The contract as it is now.
    now: Contract,
    echo: Option<DeliveryEcho>,
    delivered: bool,
    /// The day the page is shown as of: no forms then, it is a view of the past.
    as_of: crate::components::record::AsOf,
) -> impl IntoView {
    let c = contract;
    let schedule_day = as_of.day.unwrap_or_else(crate::plans::pages::today);
    let as_of_form = as_of.clone();
    let notice = as_of.day.map(|day| view! { <AsOfNotice now day /> });
    let as_of = as_of.day.map(|d| d.to_string());
    let original = c.original();
    let was = |line_id: i64| {
        original
            .lines
            .iter()
            .find(|l| l.id == line_id)
            .and_then(|l| l.quantity)
    };
    let current = as_of.is_none();
    let unsigned = matches!(c.status.standing(), Standing::Pipeline | Standing::Lapsed);
    let line_name = |line_id: i64| {
        c.lines
            .iter()
            .find(|l| l.id == line_id)
            .map(|l| l.system.name.clone())
            .unwrap_or_default()
    };
    view! {
        <Title text=c.title.clone() />
        <p class="breadcrumb"><a href="/contracts">"Contracts"</a>" /"</p>
        <h1>{c.title.clone()}</h1>
        {notice}
        <dl class="record">
            <dt>"Buyer"</dt>
            <dd>{c.buyer.name()}{(!c.agency.is_empty()).then(|| format!(" — {}", c.agency))}</dd>
            <dt>"Supplier"</dt>
            <dd>{match c.supplier.clone() {
                Some(s) => view! { <a href=format!("/firms/{}", s.id)>{s.name}</a> }.into_any(),
                None => view! { <span class="muted">"not recorded in the sources"</span> }.into_any(),
            }}</dd>
            <dt>"Framework agreement"</dt>
            <dd>{match c.agreement.clone() {
                Some(a) => view! { <a href=format!("/agreements/{}", a.id)>{a.name}</a> }.into_any(),
                None => view! { <span class="muted">"none (a stand-alone contract)"</span> }.into_any(),
            }}</dd>
            <StandingRows status=c.status.as_str() standing=c.status.standing() signed_on=c.signed_on outlook=c.outlook.clone() />
            <dt>"Value"</dt>
            <dd>{match c.provenance.value.clone() {
                Some(figure) => view! { <FigureView figure /> }.into_any(),
                None => view! { <span class="muted">"not disclosed"</span> }.into_any(),
            }}</dd>
            // A value in US dollars is its own equivalent: the row is for other currencies.
            {c.provenance.value.as_ref().is_some_and(|v| v.money.currency().as_str() != "USD").then(|| view! {
                <dt>"In US dollars"</dt>
                <dd>{usd_text(&c)}</dd>
            })}
            <dt>"Value sources"</dt><dd><SourceList sources=c.provenance.value_sources.clone() /></dd>
            {(!c.provenance.identifiers.is_empty()).then(|| view! {
                <dt>"In other registers"</dt><dd><crate::components::record::IdentifierList identifiers=c.provenance.identifiers.clone() /></dd>
            })}
            {(!c.delivery_period.is_empty()).then(|| view! { <dt>"Delivery period"</dt><dd>{c.delivery_period.clone()}</dd> })}
            {(!c.local_production.is_empty()).then(|| view! { <dt>"Local production"</dt><dd class="notes">{c.local_production.clone()}</dd> })}
            {(!c.notes.is_empty()).then(|| view! { <dt>"Notes"</dt><dd class="notes">{c.notes.clone()}</dd> })}
            <dt>"Last changed"</dt>
            <dd><time datetime=format::iso8601(&c.updated_at)>{format::timestamp(&c.updated_at)}</time>{format!(" (version {})", c.version)}</dd>
        </dl>
        {current.then(|| view! { <crate::components::record::RecordActions href=format!("/contracts/{}", c.id) /> })}
        <crate::components::record::AsOfForm href=format!("/contracts/{}", c.id) as_of=as_of_form />
        <Alternatives alternatives=c.provenance.alternatives.clone() />

        <h2>"Lines"</h2>
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"System"</th><th scope="col">"Category"</th><th scope="col" class="num">"Quantity"</th>
                        <th scope="col" class="num">"From options"</th><th scope="col" class="num">"Options open"</th>
                        <th scope="col" class="num">"Value"</th><th scope="col" class="num">"Delivered"</th><th scope="col" class="num">"Still to deliver"</th><th scope="col">"Notes"</th>
                    </tr>
                </thead>
                <tbody>
                    {c.lines.iter().map(|l| view! {
                        <tr>
                            <td><a href=format!("/contracts?system={}", l.system.id)>{l.system.name.clone()}</a></td>
                            <td>{l.category.as_str()}</td>
                            <td class="num">
                                {l.quantity.map_or_else(|| "not disclosed".to_owned(), |q| format::thousands(q.get()))}" "<ConfidenceBadge confidence=l.quantity_confidence />
                                {(was(l.id) != l.quantity).then(|| view! {
                                    <br /><span class="muted small nowrap">{format!("originally {}", was(l.id).map_or_else(|| "not disclosed".to_owned(), |q| format::thousands(q.get())))}</span>
                                })}
                            </td>
                            <td class="num">{format::thousands(l.exercised)}</td>
                            <td class="num">{format::thousands(l.options)}</td>
                            <td class="num">{l.value.map(|m| m.to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td class="num">{format::thousands(l.delivered)}</td>
                            <td class="num">{l.undelivered().map_or_else(|| "—".to_owned(), format::thousands)}</td>
                            <td>{l.notes.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>

        <crate::plans::pages::ContractSchedule contract=c.clone() today=schedule_day current />

        <h2>"Deliveries"</h2>
        {if c.deliveries.is_empty() {
            view! { <p class="empty">{if !current { "None by that day." } else if unsigned { "None: deliveries can be recorded once the contract is signed (edit its status and signing date)." } else { "No deliveries recorded yet. Record one with the form below." }}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="data">
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"System"</th><th scope="col" class="num">"Units"</th><th scope="col">"Confidence"</th><th scope="col">"Notes"</th></tr></thead>
                        <tbody>
                            {c.deliveries.iter().map(|d| view! {
                                <tr>
                                    <td>{d.delivered_on.to_string()}</td>
                                    <td>{line_name(d.line_id)}</td>
                                    <td class="num">{d.units.to_string()}</td>
                                    <td><ConfidenceBadge confidence=d.confidence /></td>
                                    <td>{d.notes.clone()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {delivered.then(|| view! { <p class="alert alert-success" role="status">"Delivery recorded."</p> })}
        {(current && !unsigned && crate::accounts::may(crate::domain::account::Role::Editor)).then(|| view! { <DeliveryForm contract=c.clone() echo /> })}

        <crate::amendments::pages::AmendmentList base=format!("/contracts/{}", c.id) amendments=c.amendments.clone()
            amendable=c.status.standing() == Standing::InForce as_of=as_of.clone() />

        <h2>"Sources"</h2>
        <SourceList sources=c.provenance.sources.clone() />
    }
}

/// Under a framework executed above one of its ceilings: allowed (frameworks get amended), but
/// said plainly on every contract under it.
#[component]
fn CeilingWarning(contract: Contract) -> impl IntoView {
    let agreement = contract.agreement.clone();
    let over = Resource::new(
        move || agreement.as_ref().map(|a| a.id),
        |id| async move {
            match id {
                Some(id) => crate::agreements::api::get_agreement(id).await.map(|a| {
                    a.ceilings
                        .into_iter()
                        .filter(|l| l.over_ceiling())
                        .collect::<Vec<_>>()
                }),
                None => Ok(Vec::new()),
            }
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || {
                Suspend::new(async move {
                    let lines = over.await.unwrap_or_default();
                    (!lines.is_empty()).then(|| view! {
                        <div class="alert alert-warning" role="status">
                            <p><strong>"Above the framework's ceiling."</strong>" Allowed (frameworks get amended), but check the figures:"</p>
                            <ul>
                                {lines.into_iter().map(|l| view! {
                                    <li>{format!("{}: {} executed of a ceiling of {}", l.system.name, format::thousands(l.executed), l.quantity)}</li>
                                }).collect_view()}
                            </ul>
                        </div>
                    })
                })
            }}
        </Suspense>
    }
}

/// The USD equivalent and the rate it was taken at, in words.
fn usd_text(contract: &Contract) -> String {
    let Some(value) = contract.provenance.value.as_ref() else {
        return "—".into();
    };
    match &contract.usd {
        Some(usd) => match &usd.rate {
            Some(rate) => format!(
                "{} at {} US dollars per {} (rate of {}: {})",
                usd.money,
                rate.usd_per_unit,
                value.money.currency(),
                rate.date,
                rate.source
            ),
            None => usd.money.to_string(),
        },
        None if contract.signed_on.is_none() => {
            "none: the signing date is not recorded, so no rate applies".into()
        }
        None => format!(
            "none: no {} rate on or before the signing date (add one under Rates)",
            value.money.currency()
        ),
    }
}
