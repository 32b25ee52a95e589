//! The delivery plan pages: the contract page's schedule (planned against delivered by period,
//! and what is late) and the form that edits a contract's plan.

use super::form::{PlanEcho, PlanForm};
use crate::components::record::ConfidenceBadge;
use crate::components::record::with_query;
use crate::components::{ErrorPanel, NotFound, format};
use crate::contracts::api::get_contract;
use crate::domain::filter::ContractFilter;
use crate::domain::limits;
use crate::domain::plan::{
    LineSchedule, PERIOD_MAX, PLAN_SOURCE_MAX, PeriodState, PlanSource, ScheduleRow,
};
use crate::domain::register::Contract;
use crate::forms::EntryFields;
use crate::forms::choices::confidences;
use crate::forms::widgets::{Choice, Entry, EntryForm, route_id};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_meta::Title;

/// Today, on the server that renders the page: what has ended by now is due.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Each line of `contract` that has a plan, with its schedule on `today`.
pub fn schedules(
    contract: &Contract,
    today: NaiveDate,
) -> Vec<(String, Option<i64>, LineSchedule)> {
    contract
        .lines
        .iter()
        .filter_map(|line| {
            let plans: Vec<_> = contract
                .plans
                .iter()
                .filter(|p| p.line_id == line.id)
                .collect();
            if plans.is_empty() {
                return None;
            }
            let deliveries: Vec<_> = contract
                .deliveries
                .iter()
                .filter(|d| d.line_id == line.id)
                .collect();
            Some((
                line.system.name.clone(),
                line.quantity.map(|q| q.get()),
                LineSchedule::of(line.id, &plans, &deliveries, today),
            ))
        })
        .collect()
}

/// "4 late" under a row's units delivered, when its plan is behind.
pub fn late_badge(late: i64) -> impl IntoView {
    (late > 0).then(|| {
        view! { <br /><span class="badge state-late" title="Planned in periods that have ended, not delivered">{format!("{} late", format::thousands(late))}</span> }
    })
}

/// A period's state in words: delivered by its end, delivered late, still late by how much,
/// or to come.
fn state(row: &ScheduleRow) -> (String, &'static str) {
    let state = row.state();
    match state {
        PeriodState::ToCome => (state.as_str().into(), "state-due"),
        PeriodState::OnSchedule | PeriodState::DeliveredLate => {
            (state.as_str().into(), "state-done")
        }
        PeriodState::Late(late) => (format!("late: {}", format::thousands(late)), "state-late"),
    }
}

/// The contract page's "Delivery plan": per planned line, its periods with what was planned
/// in each and by then, what had been delivered by each period's end, and what is late.
#[component]
pub fn ContractSchedule(
    contract: Contract,
    /// The day the schedule is read on (today, or the day the page is shown as of).
    today: NaiveDate,
    /// The page shows the contract as it is now: it offers the plan's form.
    current: bool,
) -> impl IntoView {
    let editor = crate::accounts::may(crate::domain::account::Role::Editor);
    let lines = schedules(&contract, today);
    let late: i64 = lines.iter().map(|(_, _, s)| s.late()).sum();
    let href = format!("/contracts/{}/plan", contract.id);
    let unplanned: Vec<String> = contract
        .lines
        .iter()
        .filter(|l| !contract.plans.iter().any(|p| p.line_id == l.id))
        .map(|l| l.system.name.clone())
        .collect();
    let has_plans = !lines.is_empty();
    let late_class = if late > 0 {
        "alert alert-warning"
    } else {
        "muted"
    };
    view! {
        <h2 id="schedule">"Delivery plan"</h2>
        {if !has_plans {
            view! { <p class="empty">{if current {
                "No plan recorded: add the units planned per year (or quarter, month, span of years) as the sources give them, and the page says what is late."
            } else {
                "No plan recorded."
            }}</p> }.into_any()
        } else {
            view! {
                <p class=late_class>
                    {if late > 0 {
                        format!("Behind schedule on {today}: of the units planned in periods that have ended, {} not delivered.", match late { 1 => "1 is".to_owned(), n => format!("{} are", format::thousands(n)) })
                    } else {
                        format!("On schedule on {today}: everything planned in periods that have ended is delivered.")
                    }}
                </p>
                {lines.into_iter().map(|(system, ordered, schedule)| {
                    let mismatch = schedule.mismatch(ordered);
                    let caption = format!(
                        "{system}: {} planned, {} ordered, {} delivered{}",
                        format::thousands(schedule.planned),
                        ordered.map_or_else(|| "quantity not disclosed".to_owned(), format::thousands),
                        format::thousands(schedule.delivered),
                        match schedule.late() { 0 => String::new(), n => format!(", {} late", format::thousands(n)) },
                    );
                    view! {
                        <div class="table-wrap">
                            <table class="data" aria-label=format!("Delivery plan of {system}")>
                                <caption>{caption}</caption>
                                <thead><tr>
                                    <th scope="col">"Period"</th><th scope="col" class="num">"Planned"</th>
                                    <th scope="col" class="num">"Planned by then"</th><th scope="col" class="num">"Delivered by then"</th>
                                    <th scope="col">"State"</th><th scope="col">"Confidence"</th><th scope="col">"Source"</th>
                                </tr></thead>
                                <tbody>
                                    {schedule.rows.iter().map(|row| {
                                        let (text, class) = state(row);
                                        view! {
                                            <tr>
                                                <td class="date">{row.period.to_string()}</td>
                                                <td class="num">{format::thousands(row.planned)}</td>
                                                <td class="num">{format::thousands(row.planned_by_end)}</td>
                                                <td class="num">{format::thousands(row.delivered_by_end)}</td>
                                                <td><span class=format!("badge {class}")>{text}</span></td>
                                                <td><ConfidenceBadge confidence=row.confidence /></td>
                                                <td><PlanSourceLink source=row.source.clone() /></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {mismatch.map(|text| view! { <p class="hint warning">{format!("{text} Sources disagree, or the plan is partial: both are kept as entered.")}</p> })}
                    }
                }).collect_view()}
                {(!unplanned.is_empty()).then(|| view! { <p class="muted">{format!("No plan for: {}.", unplanned.join(", "))}</p> })}
                <p class="hint">"A period that ended with fewer units delivered than planned by then is late until they come, then delivered late. A delivery dated only by its year or month counts at that year's or month's end."</p>
            }.into_any()
        }}
        {(current && editor).then(|| view! {
            <p class="actions"><a class="button" href=href>{if has_plans { "Edit the delivery plan" } else { "Add a delivery plan" }}</a></p>
        })}
    }
}

/// A plan's source: its title, linked when it has an address.
#[component]
fn PlanSourceLink(source: PlanSource) -> impl IntoView {
    match source.url {
        Some(url) => view! { <a href=url rel="noopener noreferrer">{source.title}</a> }.into_any(),
        None => view! { <span>{source.title}</span> }.into_any(),
    }
}

/// `/contracts/{id}/plan`: the form of a contract's delivery plan.
#[component]
pub fn PlanPage() -> impl IntoView {
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let echo = use_context::<PlanEcho>();
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
                                None => (PlanForm::of(&contract), Default::default()),
                            };
                            view! { <PlanEntry contract fields errors /> }.into_any()
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
fn PlanEntry(
    contract: Contract,
    fields: EntryFields,
    errors: crate::domain::FieldErrors,
) -> impl IntoView {
    let href = format!("/contracts/{}", contract.id);
    let lines: Vec<(String, String)> = contract
        .lines
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let ordered = l.quantity.map_or_else(
                || "quantity not disclosed".to_owned(),
                |q| format!("{} ordered", format::thousands(q.get())),
            );
            (
                l.id.to_string(),
                format!("Line {}: {} ({ordered})", n + 1, l.system.name),
            )
        })
        .collect();
    let single_line = (contract.lines.len() == 1).then(|| contract.lines[0].id.to_string());
    let rows = PlanForm::rows(&fields);
    let note = (!contract.delivery_period.is_empty()).then(|| contract.delivery_period.clone());
    let f = fields.clone();
    let e = errors.clone();
    view! {
        <Title text=format!("Delivery plan: {}", contract.title) />
        <p class="breadcrumb"><a href="/contracts">"Contracts"</a>" / "<a href=href.clone()>{contract.title.clone()}</a>" /"</p>
        <h1>"Delivery plan"</h1>
        <p class="lead">
            "The units each line is planned to deliver, per period as the sources give it: a year (2026), a quarter (2026-Q3), a month (2026-07), or a span of years (2026–2027) when they give no more. "
            "Units planned in a period that has ended and not delivered are late. When a programme slips, change the plan here: the history keeps the old one."
        </p>
        {note.map(|text| view! { <p class="hint">{format!("The contract's note on its deliveries: “{text}”.")}</p> })}
        <EntryForm fields=fields.clone() errors=errors.clone() action=format!("{href}/plan") save="Save plan" cancel=format!("{href}#schedule")>
            <fieldset class="lines">
                <legend>"Planned deliveries"</legend>
                <p class="hint">"One row per line and period. Leave a row empty to remove it; save and edit again for more rows."</p>
                {(0..rows).map(|row| {
                    let name = |n: &str| PlanForm::key(row, n);
                    let default_line = single_line.clone();
                    view! {
                        <div class="form-grid line-row plan-row" role="group" aria-label=format!("Planned delivery {}", row + 1)>
                            {match default_line {
                                Some(line) if f.get(&name("line")).is_empty() => {
                                    let mut with_line = f.clone();
                                    with_line.set(name("line"), line);
                                    view! { <Choice label="Line" name=name("line") fields=with_line errors=e.clone() options=lines.clone() /> }.into_any()
                                }
                                _ => view! { <Choice label="Line" name=name("line") fields=f.clone() errors=e.clone() options=lines.clone() empty="Choose…" /> }.into_any(),
                            }}
                            <Entry label="Period" name=name("period") fields=f.clone() errors=e.clone() max=PERIOD_MAX hint="2026, 2026-Q3, 2026-07 or 2026–2027" />
                            <Entry label="Units planned" name=name("units") fields=f.clone() errors=e.clone() max=limits::QUANTITY_MAX number=true />
                            <Choice label="Confidence" name=name("confidence") fields=f.clone() errors=e.clone() options=confidences() default="reported" />
                            <Entry label="Plan source" name=name("source") fields=f.clone() errors=e.clone() max=PLAN_SOURCE_MAX hint="e.g. Polish MoD, schedule of 2023" />
                            <Entry label="Source address" name=name("url") fields=f.clone() errors=e.clone() max=limits::WEBSITE_MAX />
                        </div>
                    }
                }).collect_view()}
            </fieldset>
        </EntryForm>
    }
}

/// Units planned and delivered by year: against the plans of the contracts counted, what
/// their deliveries brought in each year. A plan over a span of years keeps its own row.
#[component]
pub fn ScheduleTable(
    mut years: Vec<crate::domain::summary::ScheduleYear>,
    filter: ContractFilter,
) -> impl IntoView {
    // By the year each row ends, as its "by its end" columns add up.
    years.sort_by_key(|y| (y.to_year, y.from_year));
    let behind = with_query(
        "/contracts",
        ContractFilter {
            behind: true,
            page: 1,
            ..filter
        }
        .to_query(),
    );
    let this_year = chrono::Datelike::year(&today());
    view! {
        <h2 id="schedule">"Units planned and delivered, by year"</h2>
        {if years.iter().all(|y| y.planned == 0) {
            view! { <p class="empty">"No delivery plans recorded for these contracts: add one from a contract's page (“Add a delivery plan”), and this table sets the units planned each year against those delivered."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="data" aria-label="Units planned and delivered by year">
                        <thead><tr>
                            <th scope="col">"Year"</th><th scope="col" class="num">"Planned"</th>
                            <th scope="col" class="num">"Delivered"</th>
                            <th scope="col" class="num">"Planned by its end"</th><th scope="col" class="num">"Delivered by its end"</th>
                            <th scope="col" class="num">"Delivered less planned, by its end"</th>
                        </tr></thead>
                        <tbody>
                            {years.iter().map(|y| {
                                let span = y.from_year != y.to_year;
                                // Everything a row's end year (or an earlier one) ends: a span of
                                // years is due by its last year.
                                let by_end = |measure: fn(&crate::domain::summary::ScheduleYear) -> i64| {
                                    years.iter().filter(|o| o.to_year <= y.to_year).map(measure).sum::<i64>()
                                };
                                let planned_by_end = by_end(|o| o.planned);
                                let delivered_by_end = by_end(|o| o.delivered);
                                let past = y.to_year < this_year;
                                let gap = delivered_by_end - planned_by_end;
                                let gap_class = if past && gap < 0 { "num late" } else { "num" };
                                view! {
                                    <tr>
                                        <th scope="row">{crate::domain::plan::years_label(y.from_year, y.to_year)}</th>
                                        <td class="num">{format::thousands(y.planned)}</td>
                                        <td class="num">{if span { "—".to_owned() } else { format::thousands(y.delivered) }}</td>
                                        <td class="num">{format::thousands(planned_by_end)}</td>
                                        <td class="num">{format::thousands(delivered_by_end)}</td>
                                        <td class=gap_class>{match (past, gap) {
                                            (false, _) => "still to come".to_owned(),
                                            (true, 0) => "0".to_owned(),
                                            (true, gap) if gap > 0 => format!("+{}", format::thousands(gap)),
                                            (true, gap) => format!("−{}", format::thousands(-gap)),
                                        }}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <p class="hint">"Planned: units the delivery plans put in that year (a plan over a span of years stays one row, due by its last year: the sources gave no split). Delivered: units delivered that year on the lines that have a plan. By its end: everything planned (delivered) in the rows that end by then; a surplus on one programme can hide a shortfall on another, which the contracts behind schedule below show. Each counts at its own confidence."</p>
            }.into_any()
        }}
        <p><a href=behind>"Contracts behind schedule"</a>" (units planned in periods that have ended, not delivered)"</p>
    }
}
