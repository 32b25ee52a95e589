//! The pages every kind of record shares: new, edit (with the conflict panel) and the
//! confirmation of a delete. Server-rendered plain forms: they post to their own address and
//! work the same with JavaScript on or off.

use super::choices::Choices;
use super::fields::{EntryEcho, EntryFields};
use super::merge::{Editable, with_base};
use super::widgets::{ConflictPanel, route_id};
use crate::components::{ErrorPanel, NotFound};
use crate::domain::{FieldErrors, Removal};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// A refused delete, handed to the confirmation page when it re-renders: someone saved the
/// record meanwhile (with their version where the page shows it), or records now refer to it.
#[derive(Debug, Clone)]
pub struct DeleteRefused<C = ()>(pub Removal<C>);

/// What a confirmation page shows about the record it deletes.
pub struct Doomed {
    pub kind: &'static str,
    pub title: String,
    pub href: String,
    pub list_href: &'static str,
    pub list_name: &'static str,
    pub version: i64,
    /// What goes with it ("its 3 lines and 2 deliveries").
    pub consequence: String,
}

impl Doomed {
    pub fn of(kind: Kind, id: i64, title: String, version: i64, consequence: String) -> Self {
        Self {
            kind: kind.what,
            title,
            href: format!("{}/{id}", kind.list_href),
            list_href: kind.list_href,
            list_name: kind.list_name,
            version,
            consequence,
        }
    }
}

/// The confirmation page of a delete: what goes with the record, or what still refers to it.
pub fn confirm_delete(doomed: Doomed, references: Vec<String>) -> impl IntoView {
    let refused = use_context::<DeleteRefused>();
    let Doomed {
        kind,
        title,
        href,
        list_href,
        list_name,
        version,
        consequence,
    } = doomed;
    let stale = matches!(refused, Some(DeleteRefused(Removal::Stale(()))));
    let decision = if references.is_empty() {
        view! {
            <p>{format!("Deleting removes the {kind} for everyone, with {consequence}. This cannot be undone.")}</p>
            <form method="post" action=format!("{href}/delete") class="actions">
                <input type="hidden" name="version" value=version />
                <button type="submit" class="button danger">{format!("Delete {kind}")}</button>
                <a class="button" href=href.clone()>"Cancel"</a>
            </form>
        }
        .into_any()
    } else {
        view! {
            <div class="alert alert-warning" role="alert">
                <p><strong>{format!("This {kind} cannot be deleted while other records refer to it.")}</strong>" Change or delete these first:"</p>
                <ul>{references.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
            </div>
            <p class="actions"><a class="button" href=href.clone()>{format!("Back to the {kind}")}</a></p>
        }
        .into_any()
    };
    view! {
        <Title text=format!("Delete {title}") />
        <p class="breadcrumb"><a href=list_href>{list_name}</a>" / "<a href=href.clone()>{title.clone()}</a>" /"</p>
        <h1>{format!("Delete “{title}”?")}</h1>
        {stale.then(|| view! {
            <p class="alert alert-warning" role="alert">
                {format!("Not deleted: someone else changed this {kind} after you opened this page. Check it, then confirm again.")}
            </p>
        })}
        {decision}
    }
}

/// The form of one kind of record: `(fields, errors, choices, action, cancel, record id)`.
type FormView = fn(EntryFields, FieldErrors, Choices, String, String, Option<i64>) -> AnyView;

/// Which records a page is about: their list's address and name, and what one is called.
#[derive(Clone, Copy)]
pub struct Kind {
    pub list_href: &'static str,
    pub list_name: &'static str,
    pub what: &'static str,
}

/// The page that adds a record: its form with the choices, or the echo of a post that did not
/// save.
pub fn new_page(kind: Kind, title: &'static str, form: FormView) -> impl IntoView {
    let echo = use_context::<EntryEcho>().unwrap_or_default();
    let choices = Resource::new(|| (), |_| Choices::load());
    view! {
        <Title text=title />
        <p class="breadcrumb"><a href=kind.list_href>{kind.list_name}</a>" /"</p>
        <h1>{title}</h1>
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    match choices.await {
                        Ok(choices) => form(echo.fields, echo.errors, choices, format!("{}/new", kind.list_href), kind.list_href.to_owned(), None),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The page that edits record `:id`: the form starts from the stored record (or the echo of a
/// post that did not save) and shows the conflict when someone else saved meanwhile.
pub fn edit_page<R, Fut>(kind: Kind, load: fn(i64) -> Fut, form: FormView) -> AnyView
where
    R: Editable + Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<R, AppError>> + Send + 'static,
{
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let echo = use_context::<EntryEcho>();
    let data = Resource::new(
        move || id,
        move |id| async move { Ok::<_, AppError>((load(id).await?, Choices::load().await?)) },
    );
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || {
                let echo = echo.clone();
                Suspend::new(async move {
                    let (record, choices) = match data.await {
                        Ok(data) => data,
                        Err(error) => return view! { <ErrorPanel error /> }.into_any(),
                    };
                    let echo = echo.unwrap_or_else(|| EntryEcho {
                        fields: with_base(record.fields()),
                        ..EntryEcho::default()
                    });
                    let href = format!("{}/{id}", kind.list_href);
                    let label = record.label();
                    view! {
                        <Title text=format!("Edit {label}") />
                        <p class="breadcrumb"><a href=kind.list_href>{kind.list_name}</a>" / "<a href=href.clone()>{label.clone()}</a>" /"</p>
                        <h1>{format!("Edit “{label}”")}</h1>
                        {echo.conflict.clone().map(|conflict| view! { <ConflictPanel conflict choices=choices.clone() what=kind.what /> })}
                        {form(echo.fields, echo.errors, choices, format!("{href}/edit"), href.clone(), Some(id))}
                    }.into_any()
                })
            }}
        </Suspense>
    }
    .into_any()
}

/// The confirmation page that deletes record `:id`: `load` reads it (with what refers to it,
/// when that is not part of the record), `doomed` says what goes with it.
pub fn delete_page<R, Fut>(
    load: fn(i64) -> Fut,
    doomed: fn(R, i64) -> (Doomed, Vec<String>),
) -> AnyView
where
    R: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<R, AppError>> + Send + 'static,
{
    let Some(id) = route_id() else {
        return view! { <NotFound /> }.into_any();
    };
    let record = Resource::new(move || id, load);
    view! {
        <Suspense fallback=|| view! { <p class="placeholder">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Ok(record) => {
                        let (doomed, references) = doomed(record, id);
                        confirm_delete(doomed, references).into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
