//! Firm pages. These render on the server only; the forms inside them are islands.

use super::FirmFormEcho;
use super::api::{get_firm, list_firms};
use super::islands::{FirmEditor, FirmRegister};
use crate::components::{ErrorPanel, NotFound, format};
use crate::domain::Firm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A firm deleted after a conflict check failed: handed to the delete page on re-render.
#[derive(Debug, Clone)]
pub struct DeleteConflict(pub Firm);

fn query_value(name: &str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

/// The `:id` of the route, when it is a number.
fn firm_id() -> Option<i64> {
    use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse().ok())
}

#[component]
pub fn FirmsPage() -> impl IntoView {
    let echo = use_context::<FirmFormEcho>();
    let created: Option<i64> = query_value("created").and_then(|v| v.parse().ok());
    let deleted = query_value("deleted");
    let firms = Resource::new(|| (), |_| list_firms());
    view! {
        <Title text="Firms" />
        <h1>"Supplier firms"</h1>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading firms…"</p> }>
            {move || {
                let echo = echo.clone();
                let deleted = deleted.clone();
                Suspend::new(async move {
                    match firms.await {
                        Ok(list) => {
                            let notice = created
                                .and_then(|id| list.iter().find(|f| f.id == id))
                                .map(|f| format!("Added “{}”.", f.name))
                                .or(deleted.map(|name| format!("Deleted “{name}”.")));
                            view! { <FirmRegister firms=list echo notice highlight=created /> }.into_any()
                        }
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
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
            <p class="actions">
                <a class="button primary" href=format!("/firms/{id}/edit")>"Edit"</a>
                <a class="button danger" href=format!("/firms/{id}/delete")>"Delete…"</a>
            </p>
        }
    })
}

#[component]
pub fn FirmEditPage() -> impl IntoView {
    let echo = use_context::<FirmFormEcho>();
    let saved = query_value("saved").is_some();
    with_firm(move |firm: Firm| {
        view! {
            <Title text=format!("Edit {}", firm.name) />
            <p class="breadcrumb">
                <a href="/firms">"Firms"</a>" / "<a href=format!("/firms/{}", firm.id)>{firm.name.clone()}</a>" /"
            </p>
            <h1>{format!("Edit “{}”", firm.name)}</h1>
            <FirmEditor firm echo=echo.clone() saved />
        }
    })
}

#[component]
pub fn FirmDeletePage() -> impl IntoView {
    let conflict = use_context::<DeleteConflict>();
    let references = Resource::new(firm_id, |id| async move {
        match id {
            Some(id) => super::api::firm_references(id).await,
            None => Ok(Vec::new()),
        }
    });
    with_firm(move |firm: Firm| {
        // After a conflict, confirm against the version the user has now been shown.
        let firm = conflict.clone().map_or(firm, |c| c.0);
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
