//! Firm pages. These render on the server only; the forms inside them are islands.

use super::FirmFormEcho;
use super::api::{get_firm, list_firms};
use super::islands::{FirmEditor, FirmRegister};
use crate::components::{ErrorPanel, NotFound, SortLink, format};
use crate::domain::Firm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn query_value(name: &str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

/// The `:id` of the route, when it is a number.
fn firm_id() -> Option<i64> {
    use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse().ok())
}

pub(crate) const FIRM_COLUMNS: [(&str, Option<&str>); 4] = [
    ("Name", Some("name")),
    ("Home country", Some("country")),
    ("Website", None),
    ("Last changed", Some("changed")),
];

#[component]
pub fn FirmsPage() -> impl IntoView {
    use crate::domain::filter::ListQuery;
    let echo = use_context::<FirmFormEcho>();
    let created: Option<i64> = query_value("created").and_then(|v| v.parse().ok());
    let deleted = query_value("deleted");
    let pairs: Vec<(String, String)> = use_query_map().with_untracked(|q| {
        q.clone()
            .into_iter()
            .filter(|(k, _)| k != "created" && k != "deleted")
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    });
    let columns: Vec<&str> = FIRM_COLUMNS.iter().filter_map(|(_, c)| *c).collect();
    let (query, ignored) = ListQuery::from_query(&pairs, &columns);
    let headers: Vec<SortLink> = FIRM_COLUMNS
        .iter()
        .map(|(label, column)| SortLink::of(label, *column, "/firms", &query))
        .collect();
    let firms = Resource::new(|| (), |_| list_firms());
    let search = query.q.clone().unwrap_or_default();
    let country = query.country;
    view! {
        <Title text="Firms" />
        <h1>"Supplier firms"</h1>
        <crate::transfer::pages::ExportCsv view=crate::transfer::View::Firms pairs=pairs.clone() />
        <crate::components::record::IgnoredNotice ignored=ignored.clone() />
        <form method="get" action="/firms" class="filters panel" role="search">
            <div class="field">
                <label for="f-q">"Search firms"</label>
                <input id="f-q" name="q" type="search" value=search placeholder="Name, website or notes" />
            </div>
            <div class="field">
                <label for="f-country">"Home country"</label>
                <select id="f-country" name="country">
                    <option value="">"All countries"</option>
                    {crate::domain::CountryCode::all_by_name().into_iter().map(|(code, name)| view! {
                        <option value=code.to_string() selected=country == Some(code)>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <input type="hidden" name="sort" value=query.sort.clone() />
            <div class="form-actions">
                <button type="submit" class="button">"Find"</button>
                <a class="button" href="/firms">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading firms…"</p> }>
            {move || {
                let echo = echo.clone();
                let deleted = deleted.clone();
                let query = query.clone();
                let headers = headers.clone();
                Suspend::new(async move {
                    match firms.await {
                        Ok(list) => {
                            let notice = created
                                .and_then(|id| list.iter().find(|f| f.id == id))
                                .map(|f| format!("Added “{}”.", f.name))
                                .or(deleted.map(|name| format!("Deleted “{name}”.")));
                            let page = firms_page(list, &query, created);
                            let total = page.total;
                            let pager_query = query.clone();
                            view! {
                                <FirmRegister firms=page.rows.clone() echo notice highlight=created headers total countries=super::form::country_choices() editable=crate::accounts::may(crate::domain::account::Role::Editor) />
                                {(page.pages() > 1).then(|| view! {
                                    <crate::components::record::Pager page href=move |p| format!("/firms?{}", pager_query.with_page(p).to_query()) />
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The firms matching the search (name, website, notes) and country, sorted and paged.
fn firms_page(
    all: Vec<Firm>,
    query: &crate::domain::filter::ListQuery,
    created: Option<i64>,
) -> crate::domain::register::Page<Firm> {
    query.page_of_sorted(matching_firms(all, query), |f| Some(f.id) == created)
}

/// The firms matching the search (name, website, notes) and country, in the list's order.
pub fn matching_firms(all: Vec<Firm>, query: &crate::domain::filter::ListQuery) -> Vec<Firm> {
    let rows = all
        .into_iter()
        .filter(|f| query.country.is_none_or(|c| c == f.country))
        .filter(|f| query.matches(&[&f.name, f.website.as_deref().unwrap_or_default(), &f.notes]))
        .collect();
    query.sorted(rows, |f: &Firm, column| match column {
        "country" => format!("{}\u{0}{}", f.country.name(), f.name),
        "changed" => format!("{:020}", f.updated_at.timestamp_micros()),
        _ => f.name.clone(),
    })
}

/// Loads the firm of the route and renders `page` with it, or the 404 page.
fn with_firm<V: IntoView + 'static>(
    page: impl Fn(Firm) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let Some(id) = firm_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let firm = Resource::new(move || id, get_firm);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match firm.await {
                        Ok(firm) => page(firm).into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn FirmPage() -> impl IntoView {
    let family = Resource::new(firm_id, |id| async move {
        match id {
            Some(id) => super::api::firm_family(id).await,
            None => Ok(Default::default()),
        }
    });
    with_firm(move |firm: Firm| {
        let id = firm.id;
        let group = move || {
            Suspend::new(async move {
                let family = family.await.unwrap_or_default();
                view! {
                    {family.parent.map(|p| view! {
                        <dt>"Part of"</dt><dd><a href=format!("/firms/{}", p.id)>{p.name}</a></dd>
                    })}
                    {(!family.members.is_empty()).then(|| view! {
                        <dt>"Group members"</dt>
                        <dd>{family.members.into_iter().enumerate().map(|(i, m)| view! {
                            {(i > 0).then_some(", ")}<a href=format!("/firms/{}", m.id)>{m.name}</a>
                        }).collect_view()}</dd>
                    })}
                }
            })
        };
        view! {
            <Title text=firm.name.clone() />
            <p class="breadcrumb"><a href="/firms">"Firms"</a>" /"</p>
            <h1>{firm.name.clone()}</h1>
            <dl class="record">
                <dt>"Home country"</dt>
                <dd>{firm.country.name()}" "<span class="code">{firm.country.to_string()}</span></dd>
                <dt>"Website"</dt>
                <dd>
                    {match firm.website.clone() {
                        Some(url) => {
                            let label = url.clone();
                            view! { <a href=url rel="noopener noreferrer external">{label}</a> }.into_any()
                        }
                        None => view! { <span class="muted">"Not recorded"</span> }.into_any(),
                    }}
                </dd>
                <dt>"Notes"</dt>
                <dd class="notes">
                    {if firm.notes.is_empty() { "—".to_owned() } else { firm.notes.clone() }}
                </dd>
                <dt>"Last changed"</dt>
                <dd>
                    <time datetime=format::iso8601(&firm.updated_at)>{format::timestamp(&firm.updated_at)}</time>
                    " (version "{firm.version}")"
                </dd>
                <Suspense fallback=|| ()>{group}</Suspense>
                <dt>"Deals"</dt>
                <dd><a href=format!("/contracts?supplier={id}")>"Contracts it supplies"</a></dd>
            </dl>
            <crate::components::record::RecordActions href=format!("/firms/{id}") />
        }
    })
}

/// A group form that did not save, handed back to the edit page it re-renders.
#[derive(Debug, Clone, Default)]
pub struct GroupEcho {
    pub errors: crate::domain::FieldErrors,
    /// Someone saved the firm meanwhile: the form now shows the stored group.
    pub conflict: bool,
}

#[component]
pub fn FirmEditPage() -> impl IntoView {
    let echo = use_context::<FirmFormEcho>();
    let saved = query_value("saved").is_some();
    let grouped = query_value("grouped").is_some();
    let group_echo = use_context::<GroupEcho>().unwrap_or_default();
    let group = Resource::new(firm_id, |id| async move {
        let id = id.unwrap_or_default();
        let family = super::api::firm_family(id).await?;
        let firms = list_firms().await?;
        Ok::<_, crate::error::AppError>((family, firms))
    });
    with_firm(move |firm: Firm| {
        let id = firm.id;
        let version = firm.version;
        let group_echo = group_echo.clone();
        let group_form = move || {
            let group_echo = group_echo.clone();
            Suspend::new(async move {
                let (family, firms) = match group.await {
                    Ok(data) => data,
                    Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                };
                let current = family.parent.map(|p| p.id);
                let members: Vec<i64> = family.members.iter().map(|m| m.id).collect();
                let error = group_echo
                    .errors
                    .get("parent_id")
                    .unwrap_or_default()
                    .to_owned();
                let invalid = !error.is_empty();
                view! {
                    {grouped.then(|| view! { <p class="alert alert-success" role="status">"Group saved."</p> })}
                    {group_echo.conflict.then(|| view! {
                        <p class="alert alert-warning" role="alert">"Not saved: someone else saved this firm after you opened the page. The group below is the stored one; choose again."</p>
                    })}
                    <form method="post" action=format!("/firms/{id}/group") class="panel entry">
                        <input type="hidden" name="version" value=version />
                        <div class="field" class:invalid=invalid>
                            <label for="g-parent">"Part of the group"</label>
                            <select id="g-parent" name="parent_id" aria-describedby="g-parent-error">
                                <option value="">"None (an independent firm or a group of its own)"</option>
                                {firms.into_iter().filter(|f| f.id != id && !members.contains(&f.id)).map(|f| view! {
                                    <option value=f.id.to_string() selected=current == Some(f.id)>{f.name}</option>
                                }).collect_view()}
                            </select>
                            <p class="hint">"Hanwha Aerospace belongs to Hanwha. A joint venture names its partners in its notes."</p>
                            <p class="field-error" id="g-parent-error">{error}</p>
                        </div>
                        <div class="form-actions"><button type="submit" class="button">"Save group"</button></div>
                    </form>
                }.into_any()
            })
        };
        view! {
            <Title text=format!("Edit {}", firm.name) />
            <p class="breadcrumb">
                <a href="/firms">"Firms"</a>" / "<a href=format!("/firms/{}", firm.id)>{firm.name.clone()}</a>" /"
            </p>
            <h1>{format!("Edit “{}”", firm.name)}</h1>
            <FirmEditor firm echo=echo.clone() saved countries=super::form::country_choices() />
            <h2>"Group"</h2>
            <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>{group_form}</Suspense>
        }
    })
}

#[component]
pub fn FirmDeletePage() -> impl IntoView {
    let conflict =
        use_context::<crate::forms::pages::DeleteRefused<Firm>>().and_then(
            |refused| match refused.0 {
                crate::domain::Removal::Stale(current) => Some(current),
                _ => None,
            },
        );
    let references = Resource::new(firm_id, |id| async move {
        match id {
            Some(id) => super::api::firm_references(id).await,
            None => Ok(Vec::new()),
        }
    });
    with_firm(move |firm: Firm| {
        // After a conflict, confirm against the version the user has now been shown.
        let firm = conflict.clone().unwrap_or(firm);
        let id = firm.id;
        let version = firm.version;
        // Either the list of what still refers to the firm, or the confirmation form.
        let decision = move || {
            Suspend::new(async move {
                match references.await {
                    Ok(by) if !by.is_empty() => view! {
                        <div class="alert alert-warning" role="alert">
                            <p><strong>"This firm cannot be deleted while other records refer to it."</strong>" Change or delete these first:"</p>
                            <ul>{by.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                        </div>
                        <p class="actions"><a class="button" href=format!("/firms/{id}")>"Back to the firm"</a></p>
                    }.into_any(),
                    Ok(_) => view! {
                        <p>"Deleting removes the firm for everyone. This cannot be undone."</p>
                        <form method="post" action=format!("/firms/{id}/delete") class="actions">
                            <input type="hidden" name="version" value=version />
                            <button type="submit" class="button danger">"Delete firm"</button>
                            <a class="button" href=format!("/firms/{id}")>"Cancel"</a>
                        </form>
                    }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })
        };
        view! {
            <Title text=format!("Delete {}", firm.name) />
            <p class="breadcrumb"><a href="/firms">"Firms"</a>" / "<a href=format!("/firms/{id}")>{firm.name.clone()}</a>" /"</p>
            <h1>{format!("Delete “{}”?", firm.name)}</h1>
            {conflict.is_some().then(|| view! {
                <p class="alert alert-warning" role="alert">
                    "Not deleted: someone else changed this firm after you opened this page. Check its current details below, then confirm again."
                </p>
            })}
            <dl class="record">
                <dt>"Home country"</dt><dd>{firm.country.name()}</dd>
                <dt>"Website"</dt><dd>{firm.website.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Last changed"</dt><dd>{format::timestamp(&firm.updated_at)}</dd>
            </dl>
            <Suspense fallback=|| view! { <p class="placeholder">"Checking what refers to this firm…"</p> }>{decision}</Suspense>
        }
    })
}
