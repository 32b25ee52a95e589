//! The audit trail's pages: `/audit` (admins: every entry, filtered, exportable) and each
//! record's History (`/contracts/:id/history`, …: anyone signed in; 404 for a record that
//! never existed).

use crate::components::ErrorPanel;
use crate::components::format::thousands;
use crate::domain::audit::{
    AUDIT_PER_PAGE, AuditAction, AuditFilter, RecordKind, Shown, ShownEntry,
};
use crate::transfer::View;
use crate::transfer::pages::ExportCsv;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn when(entry: &ShownEntry) -> String {
    entry.at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// A value of a change: its text, linked to the record it names when there is one.
fn value(shown: Shown) -> impl IntoView {
    match shown.href {
        Some(href) => view! { <a href=href>{shown.text}</a> }.into_any(),
        None => shown.text.into_any(),
    }
}

/// The fields a change touched, labelled as their record page labels them, before → after.
#[component]
fn Changes(entry: ShownEntry) -> impl IntoView {
    let detail = (!entry.detail.is_empty()).then(|| entry.detail.clone());
    let changes = entry.changes;
    view! {
        {detail.map(|text| view! { <p class="detail">{text}</p> })}
        {(!changes.is_empty()).then(|| {
            // A whole record (created or deleted) folds away; an edit's few fields show.
            let whole = matches!(entry.action, AuditAction::Create | AuditAction::Delete);
            let count = changes.len();
            let list = view! {
                <ul class="changes">
                    {changes.into_iter().map(|change| {
                        let before = (!change.before.text.is_empty()).then(|| view! { <del>{value(change.before)}</del> });
                        let after = (!change.after.text.is_empty()).then(|| view! { <ins>{value(change.after)}</ins> });
                        view! { <li><span class="change-field">{change.field}</span>": " {before} " → " {after}</li> }
                    }).collect_view()}
                </ul>
            };
            if whole && count > 3 {
                view! { <details><summary>{format!("{count} fields")}</summary>{list}</details> }.into_any()
            } else {
                list.into_any()
            }
        })}
    }
}

fn record_link(record: Option<(RecordKind, i64)>) -> impl IntoView {
    record.map(|(kind, id)| {
        let label = format!("{} {id}", kind.as_str());
        match kind.href(id) {
            Some(href) => view! { <a href=href>{label}</a> }.into_any(),
            None => view! { <span>{label}</span> }.into_any(),
        }
    })
}

#[component]
pub fn HistoryPage(kind: RecordKind) -> impl IntoView {
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse::<i64>().ok())
        .unwrap_or(0);
    let history = Resource::new(move || (), move |_| super::api::record_history(kind, id));
    let title = format!("History of {} {id}", kind.as_str());
    let back = kind.href(id);
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <p class="lead">"Every change to this record: who made it, when, and each field before → after (oldest first)."
            {back.map(|href| view! { " " <a href=href>"Back to the record"</a> })}
        </p>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading the history…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(entries) if entries.is_empty() => view! {
                        <p class="empty">"No changes on record for it. Records loaded before the audit trail existed have no history until they are next changed."</p>
                    }.into_any(),
                    Ok(entries) => view! { <EntryTable entries show_record=false /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EntryTable(entries: Vec<ShownEntry>, show_record: bool) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data audit" aria-label="Audit entries">
                <thead>
                    <tr>
                        <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                        {show_record.then(|| view! { <th scope="col">"Record"</th> })}
                        <th scope="col">"Changes"</th>
                    </tr>
                </thead>
                <tbody>
                    {entries.into_iter().map(|entry| {
                        let client = (!entry.client.is_empty()).then(|| format!(" from {}", entry.client));
                        let what = match (entry.action, entry.record) {
                            (action, Some((RecordKind::Delivery, _))) if !show_record => format!("{} (delivery)", action.as_str()),
                            (action, Some((RecordKind::Amendment, _))) if !show_record => format!("{} (amendment)", action.as_str()),
                            (action, _) => action.as_str().to_owned(),
                        };
                        view! {
                            <tr>
                                <td class="nowrap">{when(&entry)}</td>
                                <td>{entry.actor.clone()}<span class="muted">{client}</span></td>
                                <td>{what}</td>
                                {show_record.then(|| view! { <td>{record_link(entry.record)}</td> })}
                                <td><Changes entry /></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let pairs: Vec<(String, String)> = use_query_map().with_untracked(|q| {
        q.clone()
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect()
    });
    let (filter, bad) = AuditFilter::from_query(&pairs);
    let shown = filter.clone();
    let page = Resource::new(move || (), move |_| super::api::list_audit(filter.clone()));
    let text = |value: Option<String>| value.unwrap_or_default();
    view! {
        <Title text="Audit trail" />
        <h1>"Audit trail"</h1>
        <p class="lead">"Every change to every record, every sign-in and failed sign-in, and every refused request. Entries are never changed or deleted."</p>
        <crate::components::record::IgnoredNotice ignored=bad.clone() />
        <form method="get" action="/audit" class="filters panel">
            <div class="field">
                <label for="f-actor">"Who"</label>
                <input id="f-actor" name="actor" type="text" value=text(shown.actor.clone()) placeholder="username" />
            </div>
            <div class="field">
                <label for="f-action">"What"</label>
                <select id="f-action" name="action">
                    <option value="">"Anything"</option>
                    {AuditAction::ALL.into_iter().map(|a| view! {
                        <option value=a.as_str() selected=shown.action == Some(a)>{a.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-kind">"Record"</label>
                <select id="f-kind" name="kind">
                    <option value="">"Any"</option>
                    {RecordKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=shown.kind == Some(k)>{k.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-from">"From"</label>
                <input id="f-from" name="from" type="date" value=shown.from.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div class="field">
                <label for="f-to">"To"</label>
                <input id="f-to" name="to" type="date" value=shown.to.map(|d| d.to_string()).unwrap_or_default() />
            </div>
            <div class="form-actions">
                <button type="submit" class="button primary">"Filter"</button>
                <a class="button" href="/audit">"Clear"</a>
            </div>
        </form>
        <ExportCsv view=View::Audit pairs=pairs.clone() />
        <Suspense fallback=|| view! { <p class="placeholder">"Loading the audit trail…"</p> }>
            {move || {
                let shown = shown.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) if page.entries.is_empty() => view! {
                            <p class="empty">"No entries match these filters. Clear them to see the whole trail."</p>
                        }.into_any(),
                        Ok(page) => {
                            let pages = (page.total as u32).div_ceil(AUDIT_PER_PAGE).max(1);
                            let query = shown.to_query();
                            let link = move |n: u32| format!("/audit?{query}{}page={n}", if query.is_empty() { "" } else { "&" });
                            view! {
                                <p class="count">{format!("{} entries", thousands(page.total))}{format!(" · page {} of {pages}", shown.page)}</p>
                                <EntryTable entries=page.entries show_record=true />
                                <nav class="pager" aria-label="Pages">
                                    {(shown.page > 1).then(|| view! { <a href=link(shown.page - 1)>"← Newer"</a> })}
                                    {(shown.page < pages).then(|| view! { " " <a href=link(shown.page + 1)>"Older →"</a> })}
                                </nav>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
