//! The portfolio dashboard (totals by buyer, supplier, system, category and year, each a link
//! to the contracts behind it) and the framework headroom page (each ceiling line: executed,
//! delivered, what remains). Server-rendered: no JavaScript needed, nothing added to the wasm.

use crate::components::chart::{BarChart, compact_usd};
use crate::components::record::query_pairs;
use crate::components::record::{BuyerFilter, Pager, YearFilter, with_query};
use crate::components::{ErrorPanel, format};
use crate::domain::filter::{AgreementFilter, ContractFilter};
use crate::domain::limits;
use crate::domain::register::{Agreement, CeilingLine};
use crate::domain::summary::{Counting, Dimension, GroupTotal, Portfolio, YearStacks, level_text};
use crate::domain::{Confidence, Money};
use leptos::prelude::*;
use leptos_meta::Title;

/// Values per currency, one per line ("not disclosed" when none counts).
fn values_view(values: &[Money]) -> impl IntoView + use<> {
    if values.is_empty() {
        return view! { <span class="muted">"—"</span> }.into_any();
    }
    values
        .iter()
        .map(|m| view! { <span class="num-line">{m.to_string()}</span> })
        .collect_view()
        .into_any()
}

/// The USD total, and how many counted values it leaves out for want of a rate.
fn usd_view(total: &GroupTotal) -> impl IntoView + use<> {
    let missing = (total.without_usd > 0).then(|| {
        let text = match total.without_usd {
            1 => "1 value left out: it has no rate on or before its signing date".to_owned(),
            n => format!("{n} values left out: no rate on or before their signing date"),
        };
        view! { <span class="muted note">{text}" ("<a href="/rates">"Rates"</a>")"</span> }
    });
    let usd = total
        .usd_shown()
        .map_or_else(|| "—".to_owned(), |usd| usd.to_string());
    view! {
        <span class="num-line">{usd}</span>
        {missing}
    }
}

/// A bar of `part` out of `whole` (with `more` stacked after `part`), for progress at a glance;
/// the numbers are always written beside it.
#[component]
pub fn ProgressBar(
    part: i64,
    #[prop(optional)] more: i64,
    whole: i64,
    label: String,
) -> impl IntoView {
    let percent = |n: i64| {
        if whole <= 0 {
            0.0
        } else {
            (n as f64 * 100.0 / whole as f64).clamp(0.0, 100.0)
        }
    };
    let done = percent(part);
    let extra = percent(part + more) - done;
    view! {
        // SVG attributes, not inline styles: the Content-Security-Policy allows no style="".
        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label=label>
            <rect class="bar-done" x="0" y="0" width=format!("{done:.1}") height="10" />
            {(extra > 0.0).then(|| view! {
                <rect class="bar-more" x=format!("{done:.1}") y="0" width=format!("{extra:.1}") height="10" />
            })}
        </svg>
    }
}

#[component]
pub fn SummaryPage() -> impl IntoView {
    let pairs = query_pairs();
    let (filter, ignored) = ContractFilter::from_query(&pairs);
    // The value chart stacks by supplier unless the address asks for buyers.
    let stack = match pairs
        .iter()
        .find(|(k, _)| k == "stack")
        .map(|(_, v)| v.as_str())
    {
        Some("buyer") => Dimension::Buyer,
        _ => Dimension::Supplier,
    };
    let portfolio = Resource::new(
        {
            let filter = filter.clone();
            move || (filter.clone(), stack)
        },
        |(filter, stack)| super::api::portfolio(filter, stack),
    );
    let choices = Resource::new(|| (), |_| crate::firms::api::list_firms());
    let level = filter.confidence;
    let f = filter.clone();
    view! {
        <Title text="Summary" />
        <h1>"Portfolio summary"</h1>
        <p class="lead">"What is signed, ordered and delivered, by buyer, supplier, system, category and year. Every total links to the contracts behind it."</p>
        <crate::transfer::pages::ExportCsv view=crate::transfer::View::Summary pairs=crate::components::record::query_pairs() />
        <crate::components::record::IgnoredNotice ignored=ignored.clone() />
        <form method="get" action="/summary" class="filters panel" role="search">
            <BuyerFilter id="s-buyer" selected=f.buyer />
            <div class="field">
                <label for="s-supplier">"Supplier"</label>
                <select id="s-supplier" name="supplier">
                    <option value="">"All suppliers"</option>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            choices.await.unwrap_or_default().into_iter().map(|firm| view! {
                                <option value=firm.id.to_string() selected=f.supplier == Some(firm.id)>{firm.name}</option>
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </div>
            <YearFilter id="s-from" name="year_from" label="Signed from (year)" value=filter.year_from />
            <YearFilter id="s-to" name="year_to" label="Signed to (year)" value=filter.year_to />
            <div class="field">
                <label for="s-confidence">"Count"</label>
                <select id="s-confidence" name="confidence">
                    // Short labels: the filter bar's columns are narrow; the line above the totals
                    // says in full what is counted.
                    <option value="" selected=level.is_none()>"Everything"</option>
                    <option value="reported" selected=level == Some(Confidence::Reported)>"No estimates"</option>
                    <option value="confirmed" selected=level == Some(Confidence::Confirmed)>"Confirmed only"</option>
                </select>
            </div>
            <div class="field">
                <label for="s-counting">"Pipeline"</label>
                <select id="s-counting" name="count">
                    {Counting::ALL.iter().map(|c| view! {
                        <option value=c.as_str() selected=filter.counting == *c>{c.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary">"Apply"</button>
                <a class="button" href="/summary">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="placeholder">"Adding up…"</p> }>
            {move || Suspend::new(async move {
                match portfolio.await {
                    Ok(portfolio) => view! { <PortfolioView portfolio /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PortfolioView(portfolio: Portfolio) -> impl IntoView {
    let total = portfolio.total.clone();
    view! {
        <p class="counting" role="status">{format!(
            "Counting {}: {}. Cancelled and lapsed contracts are left out unless the status filter asks for them.",
            level_text(portfolio.level),
            portfolio.filter.counting.text(),
        )}</p>
        <dl class="totals">
            <div><dt>"Contracts"</dt><dd><a href=with_query("/contracts", total.drill.to_query())>{format::thousands(total.contracts)}</a></dd></div>
            <div><dt>"In US dollars"</dt><dd>{usd_view(&total)}</dd></div>
            <div><dt>"Value in original currencies"</dt><dd>{values_view(&total.values)}</dd></div>
            <div><dt>"Units ordered"</dt><dd>{format::thousands(total.units_ordered)}</dd></div>
            <div><dt>"Units delivered"</dt><dd>{format::thousands(total.units_delivered)}</dd></div>
        </dl>
        <ValueChart stacks=portfolio.by_year.clone() filter=portfolio.filter.clone() />
        {portfolio.groups.iter().find(|(d, _)| *d == Dimension::Year).map(|(_, years)| {
            let categories: Vec<String> = years.iter().map(|y| y.label.clone()).collect();
            let series = vec![
                ("Units ordered".to_owned(), years.iter().map(|y| y.units_ordered).collect()),
                ("Units delivered".to_owned(), years.iter().map(|y| y.units_delivered).collect()),
            ];
            view! {
                <BarChart id="units-chart".into() title="Units ordered and delivered, by signed year (numbers in the table “By signed year” below)".into()
                    categories series grouped=true label=|n| format::thousands(n) />
            }
        })}
        <crate::plans::pages::ScheduleTable years=portfolio.schedule.clone() filter=portfolio.filter.clone() />
        {portfolio.groups.into_iter().map(|(dimension, rows)| view! {
            <h2>{dimension.title()}</h2>
            <GroupTable column=dimension.column() rows />
        }).collect_view()}
    }
}

#[component]
fn GroupTable(column: &'static str, rows: Vec<GroupTotal>) -> impl IntoView {
    let with_usd = rows.iter().any(|r| r.usd.is_some());
    if rows.is_empty() {
        return view! { <p class="empty">"Nothing matches. Clear the filters to see the whole portfolio."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data" aria-label=format!("Totals by {}", column.to_lowercase())>
                <thead>
                    <tr>
                        <th scope="col">{column}</th><th scope="col" class="num">"Contracts"</th>
                        {with_usd.then(|| view! { <th scope="col" class="num">"In US dollars"</th> })}
                        <th scope="col" class="num">"Value"</th>
                        <th scope="col" class="num">"Units ordered"</th><th scope="col" class="num">"Delivered"</th><th scope="col">"Delivery progress"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let href = with_query("/contracts", row.drill.to_query());
                        let label = format!("{} of {} units delivered", format::thousands(row.units_delivered), format::thousands(row.units_ordered));
                        view! {
                            <tr>
                                <th scope="row"><a href=href.clone()>{row.label.clone()}</a></th>
                                <td class="num"><a href=href>{format::thousands(row.contracts)}</a></td>
                                {with_usd.then(|| view! { <td class="num">{usd_view(&row)}</td> })}
                                <td class="num">{values_view(&row.values)}</td>
                                <td class="num">{format::thousands(row.units_ordered)}</td>
                                <td class="num">{format::thousands(row.units_delivered)}</td>
                                <td><ProgressBar part=row.units_delivered whole=row.units_ordered label /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn HeadroomPage() -> impl IntoView {
    let (filter, ignored) = AgreementFilter::from_query(&query_pairs());
    let data = Resource::new(
        {
            let filter = filter.clone();
            move || filter.clone()
        },
        super::api::headroom,
    );
    view! {
        <Title text="Framework headroom" />
        <h1>"Framework headroom"</h1>
        <p class="lead">"For each framework agreement and ceiling line: the ceiling, what contracts under it have executed, what is delivered, and what remains."</p>
        <crate::transfer::pages::ExportCsv view=crate::transfer::View::Agreements pairs=crate::components::record::query_pairs() />
        <crate::components::record::IgnoredNotice ignored=ignored.clone() />
        <form method="get" action="/headroom" class="filters panel" role="search">
            <div class="field">
                <label for="h-q">"Search"</label>
                <input id="h-q" name="q" type="search" maxlength=limits::SEARCH_MAX value=filter.q.clone().unwrap_or_default() />
            </div>
            <BuyerFilter id="h-buyer" selected=filter.buyer />
            <div class="form-actions">
                <button type="submit" class="button primary">"Apply"</button>
                <a class="button" href="/headroom">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="placeholder">"Adding up…"</p> }>
            {move || {
                let filter = filter.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(page) if page.rows.is_empty() => view! {
                            <p class="empty">"No framework agreement matches. Clear the search, or enter one under Agreements."</p>
                        }.into_any(),
                        Ok(page) => view! {
                            {page.rows.clone().into_iter().map(|agreement| view! { <AgreementHeadroom agreement /> }).collect_view()}
                            <Pager page href=move |p| with_query("/headroom", filter.with_page(p).to_query()) />
                        }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AgreementHeadroom(agreement: Agreement) -> impl IntoView {
    let a = agreement;
    view! {
        <section class="headroom" aria-labelledby=format!("a{}", a.id)>
            <h2 id=format!("a{}", a.id)><a href=format!("/agreements/{}", a.id)>{a.title.clone()}</a></h2>
            <p class="muted">{format!("{} · {} · {} contracts under it · ", a.buyer.name(), a.status.as_str(), a.contracts.len())}<a href=format!("/agreements/{}/waterfall", a.id)>"Waterfall"</a></p>
            {if a.ceilings.is_empty() {
                view! { <p class="empty">"No ceiling lines recorded: edit the agreement to add them."</p> }.into_any()
            } else {
                view! { <CeilingTable title=a.title.clone() lines=a.ceilings.clone() /> }.into_any()
            }}
        </section>
    }
}

/// The ceiling lines of one agreement with their headroom.
#[component]
pub fn CeilingTable(title: String, lines: Vec<CeilingLine>) -> impl IntoView {
    // The options column only where a line has options (most frameworks' contracts have none).
    let options = lines
        .iter()
        .any(|l| l.unexercised_options > 0 || l.exercised_options > 0);
    view! {
        <div class="table-wrap">
            <table class="data" aria-label=format!("Headroom of {title}")>
                <thead>
                    <tr>
                        <th scope="col">"System"</th><th scope="col" class="num">"Ceiling"</th>
                        <th scope="col" class="num">"Executed"</th>
                        <th scope="col" class="num">"Delivered"</th><th scope="col" class="num">"Remaining"</th>
                        {options.then(|| view! { <th scope="col" class="num">"Options open"</th> })}<th scope="col">"Progress"</th>
                        <th scope="col" class="num">"In the pipeline"</th><th scope="col" class="num">"Ceiling value"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|line| {
                        let over = line.over_ceiling();
                        let ceiling = line.quantity.get();
                        let remaining = ceiling - line.executed;
                        let label = format!(
                            "{} delivered and {} executed of a ceiling of {}",
                            format::thousands(line.delivered), format::thousands(line.executed), format::thousands(ceiling)
                        );
                        view! {
                            <tr class:over-ceiling=over>
                                <th scope="row">{line.system.name.clone()}</th>
                                <td class="num">{format::thousands(ceiling)}</td>
                                <td class="num"><crate::components::record::ExecutedCell line=line.clone() /></td>
                                <td class="num">{format::thousands(line.delivered)}</td>
                                <td class="num">{if over {
                                    view! { <strong class="warning">{format!("{} over the ceiling", format::thousands(-remaining))}</strong> }.into_any()
                                } else {
                                    view! { {format::thousands(remaining)} }.into_any()
                                }}</td>
                                {options.then(|| view! { <td class="num"><crate::components::record::OptionsOpenCell line=line.clone() /></td> })}
                                <td><ProgressBar part=line.delivered more=line.executed - line.delivered whole=ceiling.max(line.executed) label /></td>
                                <td class="num"><crate::components::record::PipelineCell line=line.clone() /></td>
                                <td class="num">{line.value.map(|m| m.to_string()).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Contract value in US dollars by signed year, stacked by supplier or buyer, with the numbers
/// as a table.
#[component]
fn ValueChart(stacks: YearStacks, filter: ContractFilter) -> impl IntoView {
    if stacks.years.is_empty() {
        return view! { <p class="empty">"No value with a signing year and a USD equivalent to chart."</p> }.into_any();
    }
    let other = if stacks.stacked_by == "buyer" {
        "supplier"
    } else {
        "buyer"
    };
    let switch = {
        let query = filter.to_query();
        let separator = if query.is_empty() { "" } else { "&" };
        format!("/summary?{query}{separator}stack={other}")
    };
    let categories: Vec<String> = stacks.years.iter().map(|y| y.to_string()).collect();
    let title = format!(
        "Contract value in US dollars by signed year, by {}",
        stacks.stacked_by
    );
    // A dash where a series has nothing that year, so the figures stand out.
    let usd = |cents: i64| match cents {
        0 => "—".to_owned(),
        _ => crate::domain::Money::from_minor(
            cents,
            crate::domain::CurrencyCode::parse("USD").unwrap_or_else(|_| unreachable!()),
        )
        .to_string(),
    };
    view! {
        <h2>"Value by signed year"</h2>
        <p><a href=switch>{format!("Stack by {other} instead")}</a></p>
        <BarChart id="value-chart".into() title=title.clone() categories=categories.clone() series=stacks.series.clone() label=compact_usd />
        <details class="chart-data">
            <summary>"The numbers behind the chart"</summary>
            <div class="table-wrap">
                <table class="data" aria-label=title>
                    <thead>
                        <tr>
                            <th scope="col">"Year"</th>
                            {stacks.series.iter().map(|(name, _)| view! { <th scope="col" class="num">{name.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {categories.iter().enumerate().map(|(i, year)| view! {
                            <tr>
                                <th scope="row">{year.clone()}</th>
                                {stacks.series.iter().map(|(_, values)| view! { <td class="num">{usd(values[i])}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}
