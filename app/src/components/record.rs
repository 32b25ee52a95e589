//! Display pieces shared by the register's pages.

use crate::components::format;
use crate::domain::pipeline::{Outlook, Percent};
use crate::domain::register::{Alternative, Figure, Page, SourceRef, SystemRecord};
use crate::domain::{Confidence, CountryCode, Money, PartialDate, Standing};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// `path?query`, or just `path` when the query is empty (a list's address with its filters).
pub fn with_query(path: &str, query: String) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The query of a list's address without `deleted` (the name of a record just deleted, which
/// the list announces), and that name.
pub fn take_deleted(pairs: Vec<(String, String)>) -> (Vec<(String, String)>, Option<String>) {
    let (deleted, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == "deleted");
    (rest, deleted.into_iter().next().map(|(_, name)| name))
}

/// "Deleted “…”." after a delete, on the list the user lands on.
/// What a list did not apply from its address (`buyer=XX`, `year_from=soon`): said on the
/// page, so a mistyped or stale link is never read as a filtered list.
#[component]
pub fn IgnoredNotice(ignored: Vec<String>) -> impl IntoView {
    (!ignored.is_empty()).then(|| {
        view! {
            <p class="alert alert-warning" role="status">{format!("Ignored in the address: {}.", ignored.join(", "))}</p>
        }
    })
}

#[component]
pub fn DeletedNotice(name: Option<String>) -> impl IntoView {
    name.map(|name| view! { <p class="alert alert-success" role="status">{format!("Deleted “{name}”.")}</p> })
}

/// Edit and delete buttons of a record page (`href` is the record's address), for editors,
/// and its History for everyone.
#[component]
pub fn RecordActions(href: String) -> impl IntoView {
    let edit = crate::accounts::may(crate::domain::account::Role::Editor);
    view! {
        <p class="actions">
            {edit.then(|| view! {
                <a class="button primary" href=format!("{href}/edit")>"Edit"</a>
                <a class="button danger" href=format!("{href}/delete")>"Delete…"</a>
            })}
            <a class="button" href=format!("{href}/history")>"History"</a>
        </p>
    }
}

pub fn date_text(date: Option<PartialDate>) -> String {
    date.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

pub fn money_text(money: Option<Money>) -> String {
    money.map_or_else(|| "not disclosed".to_owned(), |m| m.to_string())
}

#[component]
pub fn ConfidenceBadge(confidence: Confidence) -> impl IntoView {
    view! { <span class=format!("badge confidence-{}", confidence.as_str())>{confidence.as_str()}</span> }
}

/// A figure with its confidence and basis: `USD 3,370,000,000.00 reported (incl. logistics)`.
#[component]
pub fn FigureView(figure: Figure) -> impl IntoView {
    view! {
        <span class="num">{figure.money.to_string()}</span>
        " "
        <ConfidenceBadge confidence=figure.confidence />
        {(!figure.basis.is_empty()).then(|| view! { " " <span class="muted">"(" {figure.basis.clone()} ")"</span> })}
    }
}

#[component]
pub fn SourceList(sources: Vec<SourceRef>) -> impl IntoView {
    if sources.is_empty() {
        return view! { <span class="muted">"no source recorded"</span> }.into_any();
    }
    view! {
        <ul class="sources">
            {sources
                .into_iter()
                .map(|s| {
                    let label = if s.publisher.is_empty() || s.title.contains(&s.publisher) {
                        s.title.clone()
                    } else {
                        format!("{} — {}", s.publisher, s.title)
                    };
                    let date = s.published_on.map(|d| format!(" ({d})")).unwrap_or_default();
                    match s.url {
                        Some(url) => view! { <li><a href=url rel="noopener noreferrer external">{label}</a>{date}</li> }.into_any(),
                        None => view! { <li>{label}{date}</li> }.into_any(),
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// A record's identifiers in other registers ("SIPRI deal id: 12345"), linked where the
/// register has an address for them.
#[component]
pub fn IdentifierList(identifiers: Vec<crate::domain::identifier::Identifier>) -> impl IntoView {
    view! {
        <ul class="identifiers">
            {identifiers
                .into_iter()
                .map(|i| {
                    let label = format!("{}: ", i.kind());
                    match i.href() {
                        Some(href) => view! { <li>{label}<a href=href rel="noopener noreferrer external">{i.value().to_owned()}</a></li> }.into_any(),
                        None => view! { <li>{format!("{label}{}", i.value())}</li> }.into_any(),
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// A ceiling line's executed units, with how many came from options when some did.
#[component]
pub fn ExecutedCell(line: crate::domain::register::CeilingLine) -> impl IntoView {
    view! {
        {super::format::thousands(line.executed)}
        {(line.exercised_options > 0).then(|| view! {
            <br /><span class="muted small nowrap">{format!("{} firm, {} from options", super::format::thousands(line.firm()), super::format::thousands(line.exercised_options))}</span>
        })}
    }
}

/// A ceiling line's options not exercised yet, with what would be left were they all.
#[component]
pub fn OptionsOpenCell(line: crate::domain::register::CeilingLine) -> impl IntoView {
    view! {
        {super::format::thousands(line.unexercised_options)}
        {(line.unexercised_options > 0).then(|| view! {
            <br /><span class="muted small nowrap">{format!("{} left if all are exercised", super::format::thousands(line.left_after_options()))}</span>
        })}
    }
}

/// The figures other sources give, each with its sources.
#[component]
pub fn Alternatives(alternatives: Vec<Alternative>) -> impl IntoView {
    (!alternatives.is_empty()).then(|| {
        view! {
            <h2>"Other reported figures"</h2>
            <div class="table-wrap">
                <table class="data">
                    <thead>
                        <tr><th scope="col">"Figure"</th><th scope="col">"Confidence"</th><th scope="col">"Basis"</th><th scope="col">"Sources"</th></tr>
                    </thead>
                    <tbody>
                        {alternatives
                            .into_iter()
                            .map(|a| view! {
                                <tr>
                                    <td class="num">{a.figure.money.to_string()}</td>
                                    <td><ConfidenceBadge confidence=a.figure.confidence /></td>
                                    <td>{a.figure.basis.clone()}</td>
                                    <td><SourceList sources=a.sources /></td>
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}

/// "Rows 26–50 of 73" with previous/next links; `href(page)` builds each page's link, and
/// `next`, where given, the next page's (a list that starts it after this page's last row).
/// A capped count reads "of more than 10,000".
#[component]
pub fn Pager<T: Send + Sync + 'static>(
    page: Page<T>,
    href: impl Fn(u32) -> String + 'static,
    #[prop(default = None)] next: Option<String>,
) -> impl IntoView {
    let pages = page.pages();
    let first = (page.page - 1) as i64 * page.per_page as i64 + 1;
    let last = (first + page.rows.len() as i64 - 1).max(0);
    let summary = match (page.rows.is_empty(), page.capped) {
        (true, _) if page.page <= 1 => "No rows".to_owned(),
        (true, _) => "No rows on this page".to_owned(),
        (false, false) => format!(
            "Rows {}–{} of {}",
            format::thousands(first),
            format::thousands(last),
            format::thousands(page.total)
        ),
        (false, true) => format!(
            "Rows {}–{} of more than {}",
            format::thousands(first),
            format::thousands(last),
            format::thousands(page.total)
        ),
    };
    let position = match page.capped {
        false => (pages > 1).then(|| format!("page {} of {}", page.page, pages)),
        true => Some(format!("page {}", format::thousands(page.page.into()))),
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <span>{summary}</span>
            {(page.page > 1).then(|| view! { <a rel="prev" href=href(page.page - 1)>"← Previous"</a> })}
            {position.map(|p| view! { <span class="muted">{p}</span> })}
            {page.has_next.then(|| view! { <a rel="next" href=next.unwrap_or_else(|| href(page.page + 1))>"Next →"</a> })}
        </nav>
    }
}

/// The buyer filter of a list (`name="buyer"`).
#[component]
pub fn BuyerFilter(id: &'static str, selected: Option<CountryCode>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>"Buyer"</label>
            <select id=id name="buyer">
                <option value="">"All buyers"</option>
                {CountryCode::all_by_name().into_iter().map(|(code, name)| view! {
                    <option value=code.to_string() selected=selected == Some(code)>{name}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The system filter of a list (`name="system"`; a system includes its variants).
#[component]
pub fn SystemFilter(
    id: &'static str,
    systems: Vec<SystemRecord>,
    selected: Option<i64>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>"System"</label>
            <select id=id name="system">
                <option value="">"All systems"</option>
                {systems.into_iter().map(|s| view! {
                    <option value=s.id.to_string() selected=selected == Some(s.id)>{s.designation}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// A year bound of a list filter (`year_from` / `year_to`).
#[component]
pub fn YearFilter(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: Option<i32>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name=name type="number" min="1945" max="2100" value=value.map(|y| y.to_string()).unwrap_or_default() />
        </div>
    }
}

/// The query of the current URL as pairs.
pub fn query_pairs() -> Vec<(String, String)> {
    let search = use_location().search.get_untracked();
    url::form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
        .into_owned()
        .collect()
}

/// The rows of a record's description list that say where it stands: its status, when it was
/// signed or may be, how likely a deal not signed yet is, and why one lapsed.
#[component]
pub fn StandingRows(
    status: &'static str,
    standing: Standing,
    signed_on: Option<PartialDate>,
    outlook: Outlook,
) -> impl IntoView {
    let before_signature = matches!(standing, Standing::Pipeline | Standing::Lapsed);
    let status_text = match standing {
        Standing::Pipeline => format!("{status} (pipeline: not signed yet)"),
        Standing::Lapsed => format!("{status} (a pipeline deal that fell through)"),
        _ => status.to_owned(),
    };
    view! {
        <dt>"Status"</dt><dd>{status_text}</dd>
        {(!before_signature || signed_on.is_some()).then(|| view! { <dt>"Signed"</dt><dd>{date_text(signed_on)}</dd> })}
        {before_signature.then(|| view! {
            <dt>"Expected signing"</dt>
            <dd>{outlook.expected_signing.map_or_else(|| "not known".to_owned(), |d| d.to_string())}</dd>
        })}
        {outlook.probability.clone().map(|p| view! {
            <dt>"Probability of signing"</dt>
            <dd>
                <span class="num">{p.percent.to_string()}</span>" "<ConfidenceBadge confidence=p.confidence />
                {(!p.basis.is_empty()).then(|| view! { " " <span class="muted">"(" {p.basis.clone()} ")"</span> })}
            </dd>
        })}
        {(!outlook.lapsed_reason.is_empty()).then(|| view! { <dt>"Why it lapsed"</dt><dd class="notes">{outlook.lapsed_reason.clone()}</dd> })}
    }
}

/// A list row's date: when it was signed, or before signature when it is expected to be
/// (`expected 2027-03`).
pub fn signed_or_expected(signed_on: Option<PartialDate>, expected: Option<PartialDate>) -> String {
    match (signed_on, expected) {
        (None, Some(expected)) => format!("expected {expected}"),
        (signed_on, _) => date_text(signed_on),
    }
}

/// A list row's status: the stage, and its probability before signature (`negotiating, 40 %`).
pub fn status_with_probability(status: &str, probability: Option<Percent>) -> String {
    match probability {
        Some(p) => format!("{status}, {p}"),
        None => status.to_owned(),
    }
}

/// The day a record page is shown as of (`?as_of=2026-03-01`), or what was wrong with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AsOf {
    pub typed: String,
    pub day: Option<chrono::NaiveDate>,
    pub problem: Option<String>,
}

impl AsOf {
    pub fn from_query(pairs: &[(String, String)]) -> Self {
        let typed = pairs
            .iter()
            .find(|(k, _)| k == "as_of")
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default();
        if typed.is_empty() {
            return Self::default();
        }
        match chrono::NaiveDate::parse_from_str(&typed, "%Y-%m-%d") {
            Ok(day) if typed.len() == 10 => Self {
                typed,
                day: Some(day),
                problem: None,
            },
            _ => Self {
                problem: Some(format!(
                    "“{typed}” is not a day: use YYYY-MM-DD, e.g. 2026-03-01."
                )),
                typed,
                day: None,
            },
        }
    }
}

/// The "as of" form of a record page: a day, and back to now.
#[component]
pub fn AsOfForm(href: String, as_of: AsOf) -> impl IntoView {
    view! {
        <form method="get" action=href.clone() class="as-of" role="search">
            <div class="field" class:invalid=as_of.problem.is_some()>
                <label for="as-of">"Show as of"</label>
                <input id="as-of" name="as_of" type="text" inputmode="numeric" maxlength=crate::domain::limits::DATE_MAX placeholder="YYYY-MM-DD"
                    value=as_of.typed.clone() aria-invalid=as_of.problem.is_some().to_string() aria-describedby="as-of-error" />
                <p class="field-error" id="as-of-error">{as_of.problem.clone().unwrap_or_default()}</p>
            </div>
            <button type="submit" class="button">"Show"</button>
            {as_of.day.is_some().then(|| view! { <a class="button" href=href.clone()>"Show as now"</a> })}
        </form>
    }
}

/// What a record page says after the write that led to it (its address's flags): saved
/// (`saved` in the record's words), an amendment recorded or deleted.
pub fn write_notice(pairs: &[(String, String)], saved: &'static str) -> Option<&'static str> {
    let flag = |name: &str| pairs.iter().any(|(k, _)| k == name);
    if flag("created") || flag("saved") {
        Some(saved)
    } else if flag("amended") {
        Some("Amendment recorded: the figures below include it.")
    } else if flag("amendment_deleted") {
        Some("Amendment deleted: its changes are out of the figures.")
    } else if flag("planned") {
        Some("Delivery plan saved.")
    } else {
        None
    }
}

/// A ceiling line's units in the pipeline, with the same weighted by probability.
#[component]
pub fn PipelineCell(line: crate::domain::register::CeilingLine) -> impl IntoView {
    view! {
        {super::format::thousands(line.pipeline)}
        {(line.pipeline > 0).then(|| view! {
            <br /><span class="muted small nowrap">{format!("{} weighted by probability", super::format::thousands(line.pipeline_weighted))}</span>
        })}
    }
}
