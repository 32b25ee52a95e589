//! System pages: the list (search, category, sort, pages) and a system's record.

use super::api::{get_system, list_systems};
use crate::components::record::{DeletedNotice, Pager, RecordActions, take_deleted, with_query};
use crate::components::{ErrorPanel, NotFound, SortLink, format};
use crate::domain::Category;
use crate::domain::filter::ListQuery;
use crate::domain::register::{Page, SystemRecord};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

pub(crate) const COLUMNS: [(&str, &str); 4] = [
    ("designation", "Designation"),
    ("category", "Category"),
    ("maker", "Maker"),
    ("variant", "Variant of"),
];

fn link(query: &ListQuery) -> String {
    with_query("/systems", query.to_query())
}

#[component]
pub fn SystemsPage() -> impl IntoView {
    let (pairs, deleted) = take_deleted(crate::components::record::query_pairs());
    let columns: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
    let (query, ignored) = ListQuery::from_query(&pairs, &columns);
    let systems = Resource::new(|| (), |_| list_systems());
    let q = query.q.clone().unwrap_or_default();
    let category = query.category;
    view! {
        <Title text="Systems" />
        <div class="page-head">
            <h1>"Systems"</h1>
            {crate::accounts::may(crate::domain::account::Role::Editor).then(|| view! { <a class="button primary" href="/systems/new">"New system"</a> })}
        </div>
        <p class="lead">"What is sold, in SIPRI's categories. A variant (K2PL) counts against a framework ceiling on its base system (K2)."</p>
        <crate::transfer::pages::ExportCsv view=crate::transfer::View::Systems pairs=crate::components::record::query_pairs() />
        <DeletedNotice name=deleted />
        <crate::components::record::IgnoredNotice ignored=ignored.clone() />
        <form method="get" action="/systems" class="filters panel" role="search">
            <div class="field">
                <label for="s-q">"Search"</label>
                <input id="s-q" name="q" type="search" value=q placeholder="Designation, description or maker" />
            </div>
            <div class="field">
                <label for="s-category">"Category"</label>
                <select id="s-category" name="category">
                    <option value="">"All categories"</option>
                    {Category::ALL.iter().map(|c| view! {
                        <option value=c.as_str() selected=category == Some(*c)>{c.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <input type="hidden" name="sort" value=query.sort.clone() />
            <div class="form-actions">
                <button type="submit" class="button">"Apply"</button>
                <a class="button" href="/systems">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading systems…"</p> }>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    match systems.await {
                        Ok(all) => {
                            let page = systems_page(all, &query);
                            view! { <SystemTable query page /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn SystemTable(query: ListQuery, page: Page<SystemRecord>) -> impl IntoView {
    if page.rows.is_empty() {
        let message = if query.is_filtered() {
            "No system matches. Widen the search, or clear it to see every system."
        } else {
            "No systems yet. Add the first with “New system”."
        };
        return view! { <p class="empty">{message}</p> }.into_any();
    }
    let pager_query = query.clone();
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        {COLUMNS.iter().map(|(column, label)| {
                            let header = SortLink::of(label, Some(column), "/systems", &query);
                            view! { <th scope="col" aria-sort=header.aria><a href=header.href>{header.label}</a></th> }
                        }).collect_view()}
                        <th scope="col">"Description"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.iter().map(|s| view! {
                        <tr>
                            <td><a href=format!("/systems/{}", s.id)>{s.designation.clone()}</a></td>
                            <td>{s.category.as_str()}</td>
                            <td><a href=format!("/firms/{}", s.maker.id)>{s.maker.name.clone()}</a></td>
                            <td>{s.variant_of.clone().map(|v| view! { <a href=format!("/systems/{}", v.id)>{v.name}</a> })}</td>
                            <td>{s.description.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page href=move |p| link(&pager_query.with_page(p)) />
    }
    .into_any()
}

#[component]
pub fn SystemPage() -> impl IntoView {
    let Some(id) = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse::<i64>().ok())
    else {
        return view! { <NotFound /> }.into_any();
    };
    let saved = crate::components::record::query_pairs()
        .iter()
        .any(|(k, _)| k == "created" || k == "saved");
    let data = Resource::new(
        move || id,
        |id| async move {
            let system = get_system(id).await?;
            let variants: Vec<SystemRecord> = list_systems()
                .await?
                .into_iter()
                .filter(|s| s.variant_of.as_ref().is_some_and(|v| v.id == id))
                .collect();
            Ok::<_, crate::error::AppError>((system, variants))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((s, variants)) => view! {
                        <Title text=s.designation.clone() />
                        {saved.then(|| view! { <p class="alert alert-success" role="status">"System saved."</p> })}
                        <p class="breadcrumb"><a href="/systems">"Systems"</a>" /"</p>
                        <h1>{s.designation.clone()}</h1>
                        <dl class="record">
                            <dt>"Category"</dt><dd>{s.category.as_str()}</dd>
                            <dt>"Maker"</dt><dd><a href=format!("/firms/{}", s.maker.id)>{s.maker.name.clone()}</a></dd>
                            <dt>"Variant of"</dt>
                            <dd>{match s.variant_of.clone() {
                                Some(v) => view! { <a href=format!("/systems/{}", v.id)>{v.name}</a> }.into_any(),
                                None => view! { <span class="muted">"— (a base system)"</span> }.into_any(),
                            }}</dd>
                            {(!variants.is_empty()).then(|| view! {
                                <dt>"Variants"</dt>
                                <dd>{variants.into_iter().enumerate().map(|(i, v)| view! {
                                    {(i > 0).then_some(", ")}<a href=format!("/systems/{}", v.id)>{v.designation}</a>
                                }).collect_view()}</dd>
                            })}
                            <dt>"Description"</dt><dd class="notes">{if s.description.is_empty() { "—".to_owned() } else { s.description.clone() }}</dd>
                            <dt>"Deals"</dt><dd><a href=format!("/contracts?system={}", s.id)>"Contracts for it and its variants"</a></dd>
                            <dt>"Last changed"</dt>
                            <dd><time datetime=format::iso8601(&s.updated_at)>{format::timestamp(&s.updated_at)}</time>{format!(" (version {})", s.version)}</dd>
                        </dl>
                        <RecordActions href=format!("/systems/{}", s.id) />
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// A page of the systems list: searched (designation, description, maker), filtered by
/// category, sorted by any column.
fn systems_page(
    all: Vec<SystemRecord>,
    query: &crate::domain::filter::ListQuery,
) -> Page<SystemRecord> {
    query.page_of_sorted(matching_systems(all, query), |_| false)
}

/// The systems the list shows for `query`, all of them, in its order.
pub fn matching_systems(
    all: Vec<SystemRecord>,
    query: &crate::domain::filter::ListQuery,
) -> Vec<SystemRecord> {
    let rows = all
        .into_iter()
        .filter(|s| query.category.is_none_or(|c| c == s.category))
        .filter(|s| query.matches(&[&s.designation, &s.description, &s.maker.name]))
        .collect();
    query.sorted(rows, |s: &SystemRecord, column| match column {
        "category" => format!("{}\u{0}{}", s.category.as_str(), s.designation),
        "maker" => format!("{}\u{0}{}", s.maker.name, s.designation),
        "variant" => format!(
            "{}\u{0}{}",
            s.variant_of
                .as_ref()
                .map_or("\u{10FFFF}", |v| v.name.as_str()),
            s.designation
        ),
        _ => s.designation.clone(),
    })
}
