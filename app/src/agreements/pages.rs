//! Framework agreement pages: the list, and an agreement with its ceiling lines (how much of
//! each is executed and delivered) and the contracts signed under it.

use super::api::{get_agreement, list_agreements};
use crate::components::record::query_pairs;
use crate::components::record::{
    Alternatives, BuyerFilter, ConfidenceBadge, FigureView, Pager, SourceList, StandingRows,
    date_text, money_text,
};
use crate::components::{ErrorPanel, NotFound, SortHeader, SortLink, format};
use crate::domain::amendment::Amends;
use crate::domain::filter::{AgreementFilter, DealSort};
use crate::domain::limits;
use crate::domain::register::Agreement;
use crate::domain::{AgreementStatus, StatusGroup};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn link(filter: &AgreementFilter) -> String {
    crate::components::record::with_query("/agreements", filter.to_query())
}

#[component]
pub fn AgreementsPage() -> impl IntoView {
    let (pairs, deleted) = crate::components::record::take_deleted(query_pairs());
    let (filter, ignored) = AgreementFilter::from_query(&pairs);
    let rows = Resource::new(
        {
            let filter = filter.clone();
            move || filter.clone()
        },
        list_agreements,
    );
    view! {
        <Title text="Framework agreements" />
        <div class="page-head">
            <h1>"Framework agreements"</h1>
            {crate::accounts::may(crate::domain::account::Role::Editor).then(|| view! { <a class="button primary" href="/agreements/new">"New agreement"</a> })}
        </div>
        <p class="lead">"Umbrella agreements with their ceilings; executive contracts are signed under them."</p>
        <crate::transfer::pages::ExportCsv view=crate::transfer::View::Agreements pairs=crate::components::record::query_pairs() />
        <crate::components::record::DeletedNotice name=deleted />
        <crate::components::record::IgnoredNotice ignored=ignored.clone() />
        <form method="get" action="/agreements" class="filters panel" role="search">
            <div class="field">
                <label for="a-q">"Search"</label>
                <input id="a-q" name="q" type="search" maxlength=limits::SEARCH_MAX value=filter.q.clone().unwrap_or_default() />
            </div>
            <BuyerFilter id="a-buyer" selected=filter.buyer />
            <div class="field">
                <label for="a-status">"Status"</label>
                <select id="a-status" name="status">
                    <option value="">"Any status"</option>
                    {StatusGroup::ALL.iter().map(|g| view! {
                        <option value=g.as_str() selected=filter.group == Some(*g)>{g.label()}</option>
                    }).collect_view()}
                    {AgreementStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=filter.status == Some(*s)>{s.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary">"Apply filters"</button>
                <a class="button" href="/agreements">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading agreements…"</p> }>
            {move || {
                let filter = filter.clone();
                let header = {
                    let filter = filter.clone();
                    move |sort: DealSort, label: &str| {
                        SortLink::new(label, link(&filter.sorted_by(sort)), filter.sort == sort, filter.descending)
                    }
                };
                Suspend::new(async move {
                    match rows.await {
                        Ok(page) if page.rows.is_empty() => view! {
                            <p class="empty">"No framework agreement matches. Clear the filters to see them all."</p>
                        }.into_any(),
                        Ok(page) => view! {
                            <div class="table-wrap">
                                <table class="data">
                                    <thead>
                                        <tr>
                                            <SortHeader link=header(DealSort::Signed, "Signed") />
                                            <SortHeader link=header(DealSort::Title, "Agreement") />
                                            <SortHeader link=header(DealSort::Buyer, "Buyer") />
                                            <SortHeader link=header(DealSort::Supplier, "Suppliers") />
                                            <SortHeader link=header(DealSort::Status, "Status") />
                                            <SortHeader link=header(DealSort::Value, "Value") numeric=true />
                                            <SortHeader link=header(DealSort::Units, "Ceiling units") numeric=true />
                                            <th scope="col" class="num">"Contracts"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {page.rows.clone().into_iter().map(|a| view! {
                                            <tr>
                                                <td class="date">{date_text(a.signed_on)}</td>
                                                <td><a href=format!("/agreements/{}", a.id)>{a.title}</a></td>
                                                <td>{a.buyer.name()}</td>
                                                <td>{a.suppliers}</td>
                                                <td>{crate::components::record::status_with_probability(a.status.as_str(), a.probability)}</td>
                                                <td class="num">{money_text(a.value)}{a.value_confidence.map(|confidence| view! { <br /><ConfidenceBadge confidence /> })}</td>
                                                <td class="num">{format::thousands(a.ceiling_units)}</td>
                                                <td class="num"><a href=format!("/contracts?agreement={}", a.id)>{format::thousands(a.contracts)}</a></td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page href=move |p| link(&filter.with_page(p)) />
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
pub fn AgreementPage() -> impl IntoView {
    let Some(id) = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return view! { <NotFound /> }.into_any();
    };
    let agreement = Resource::new(move || id, get_agreement);
    let pairs = query_pairs();
    let notice = crate::components::record::write_notice(&pairs, "Framework agreement saved.");
    let as_of = crate::components::record::AsOf::from_query(&pairs);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let as_of = as_of.clone();
                Suspend::new(async move {
                    match agreement.await {
                        Ok(now) => {
                            let agreement = match as_of.day {
                                Some(day) => now.as_of(day),
                                None => now.clone(),
                            };
                            view! {
                                {notice.map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
                                <AgreementDetail agreement now as_of />
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

#[component]
fn AgreementDetail(
    /// The agreement as the page shows it (as of a day, or as it is now).
    agreement: Agreement,
    now: Agreement,
    as_of: crate::components::record::AsOf,
) -> impl IntoView {
    let a = agreement;
    let suppliers = a.suppliers.clone();
    let current = as_of.day.is_none();
    let later = as_of.day.map(|day| {
        (
            day,
            now.amendments.iter().filter(|x| !x.known_by(day)).count(),
        )
    });
    // The options column only where a line has options (most frameworks' contracts have none).
    let options = a
        .ceilings
        .iter()
        .any(|l| l.unexercised_options > 0 || l.exercised_options > 0);
    let original = now.original();
    let was = move |id: i64| {
        original
            .ceilings
            .iter()
            .find(|l| l.id == id)
            .map(|l| l.quantity)
    };
    view! {
        <Title text=a.title.clone() />
        <p class="breadcrumb"><a href="/agreements">"Framework agreements"</a>" /"</p>
        <h1>{a.title.clone()}</h1>
        {later.map(|(day, left_out)| view! {
            <div class="alert alert-warning" role="status">
                <p><strong>{format!("As of {day}.")}</strong>{format!(
                    " The ceilings and value leave out {} dated after that day (a date known only by its month or year counts once it is over); what is executed and delivered is as it is now. Corrections made by editing are not undone: see the history for those.",
                    format::plural(left_out, "amendment"),
                )}</p>
            </div>
        })}
        <dl class="record">
            <dt>"Buyer"</dt><dd>{a.buyer.name()}{(!a.agency.is_empty()).then(|| format!(" — {}", a.agency))}</dd>
            <dt>"Suppliers"</dt>
            <dd>{suppliers.into_iter().enumerate().map(|(i, s)| view! {
                {(i > 0).then_some(", ")}<a href=format!("/firms/{}", s.id)>{s.name}</a>
            }).collect_view()}</dd>
            <StandingRows status=a.status.as_str() standing=a.status.standing() signed_on=a.signed_on outlook=a.outlook.clone() />
            <dt>"Value"</dt>
            <dd>{match a.provenance.value.clone() {
                Some(figure) => view! { <FigureView figure /> }.into_any(),
                None => view! { <span class="muted">"not disclosed (see the reported estimates below)"</span> }.into_any(),
            }}</dd>
            {(!a.provenance.identifiers.is_empty()).then(|| view! {
                <dt>"In other registers"</dt><dd><crate::components::record::IdentifierList identifiers=a.provenance.identifiers.clone() /></dd>
            })}
            {(!a.notes.is_empty()).then(|| view! { <dt>"Notes"</dt><dd class="notes">{a.notes.clone()}</dd> })}
            <dt>"Last changed"</dt>
            <dd><time datetime=crate::components::format::iso8601(&a.updated_at)>{crate::components::format::timestamp(&a.updated_at)}</time>{format!(" (version {})", a.version)}</dd>
        </dl>
        {current.then(|| view! { <crate::components::record::RecordActions href=format!("/agreements/{}", a.id) /> })}
        <crate::components::record::AsOfForm href=format!("/agreements/{}", a.id) as_of=as_of.clone() />
        <Alternatives alternatives=a.provenance.alternatives.clone() />

        <p><a class="button" href=format!("/agreements/{}/waterfall", a.id)>"Programme waterfall"</a>" From the headline figure to the ceilings, what is signed, the options exercised and what is delivered."</p>

        <h2 id="ceilings">"Ceiling lines"</h2>

        <p class="muted">"Executed counts the lines of the signed contracts under this agreement (cancelled ones aside) for the line's system and its variants: firm orders and options exercised. Options open are those contracts' options not exercised yet; in the pipeline, the lines of contracts not signed yet, at face value."</p>
        <div class="table-wrap">
            <table class="data" aria-label="Ceiling lines">
                <thead>
                    <tr>
                        <th scope="col">"System"</th><th scope="col" class="num">"Ceiling"</th>
                        <th scope="col" class="num">"Executed"</th>
                        <th scope="col" class="num">"Delivered"</th><th scope="col" class="num">"Not yet executed"</th>
                        {options.then(|| view! { <th scope="col" class="num">"Options open"</th> })}
                        <th scope="col" class="num">"In the pipeline"</th><th scope="col">"Basis and notes"</th>
                    </tr>
                </thead>
                <tbody>
                    {a.ceilings.iter().map(|line| {
                        let over = line.over_ceiling();
                        let remaining = line.quantity.get() - line.executed;
                        view! {
                            <tr class:over-ceiling=over>
                                <td><a href=format!("/contracts?agreement={}&system={}", a.id, line.system.id)>{line.system.name.clone()}</a></td>
                                <td class="num">
                                    {format::thousands(line.quantity.get())}" "<ConfidenceBadge confidence=line.confidence />
                                    {(was(line.id) != Some(line.quantity)).then(|| view! {
                                        <br /><span class="muted small nowrap">{format!("originally {}", was(line.id).map_or_else(|| "—".to_owned(), |q| format::thousands(q.get())))}</span>
                                    })}
                                </td>
                                <td class="num"><crate::components::record::ExecutedCell line=line.clone() /></td>
                                <td class="num">{format::thousands(line.delivered)}</td>
                                <td class="num">
                                    {if over {
                                        view! { <strong class="warning">{format!("{} over the ceiling", format::thousands(-remaining))}</strong> }.into_any()
                                    } else {
                                        view! { <span>{format::thousands(remaining)}</span> }.into_any()
                                    }}
                                </td>
                                {options.then(|| view! { <td class="num"><crate::components::record::OptionsOpenCell line=line.clone() /></td> })}
                                <td class="num"><crate::components::record::PipelineCell line=line.clone() /></td>
                                <td>{line.basis.clone()}{(!line.notes.is_empty()).then(|| view! { <br /><span class="muted small">{line.notes.clone()}</span> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>

        <div class="page-head">
            <h2>"Contracts under this agreement"</h2>
            {crate::accounts::may(crate::domain::account::Role::Editor).then(|| view! {
                <a class="button" href=format!("/contracts/new?agreement={}", a.id)>"Add a contract under it"</a>
            })}
        </div>
        {if a.contracts.is_empty() {
            view! { <p class="empty">"No executive contract signed under this agreement yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="data" aria-label="Contracts under this agreement">
                        <thead><tr><th scope="col">"Signed"</th><th scope="col">"Contract"</th><th scope="col">"Systems"</th><th scope="col">"Status"</th><th scope="col" class="num">"Value"</th><th scope="col" class="num">"Units ordered / delivered"</th></tr></thead>
                        <tbody>
                            {a.contracts.iter().map(|c| view! {
                                <tr>
                                    <td class="date">{crate::components::record::signed_or_expected(c.signed_on, c.expected_signing)}</td>
                                    <td><a href=format!("/contracts/{}", c.id)>{c.title.clone()}</a></td>
                                    <td>{c.systems.clone()}</td>
                                    <td>{crate::components::record::status_with_probability(c.status.as_str(), c.probability)}</td>
                                    <td class="num">{money_text(c.value)}</td>
                                    <td class="num">{format::thousands(c.units_ordered)}" / "{format::thousands(c.units_delivered)}{crate::plans::pages::late_badge(c.units_late)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <crate::amendments::pages::AmendmentList base=format!("/agreements/{}", a.id) amendments=a.amendments.clone()
            amendable=a.status.standing() == crate::domain::Standing::InForce as_of=as_of.day.map(|d| d.to_string()) />

        <h2>"Sources"</h2>
        <SourceList sources=a.provenance.sources.clone() />
    }
}
