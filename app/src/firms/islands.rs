//! The interactive parts of the firm pages: the only firm code that ships to the browser.
//! Each form is a plain `<form method="post">` to its page's own address, so it works before
//! the wasm loads or without JavaScript; once hydrated, submitting calls the server function
//! instead and updates the page in place.

use super::FirmFormEcho;
use super::api::{CreateFirm, UpdateFirm, create_firm, update_firm};
use super::form::{CountryChoices, FirmFieldInputs, country_name};
use crate::components::{SubmittedForm, format};
use crate::domain::{FieldErrors, Firm, FormOutcome};
use leptos::prelude::*;

fn sort_firms(rows: &mut [Firm]) {
    rows.sort_by_cached_key(|f| (f.name.to_lowercase(), f.id));
}

/// The firm list with the "add a firm" form above it. One island, so one function: its signals
/// (the rows, the form's messages, the action) are shared by the form and the table it updates.
#[island]
pub fn FirmRegister(
    firms: Vec<Firm>,
    echo: Option<FirmFormEcho>,
    notice: Option<String>,
    highlight: Option<i64>,
    /// The list's sortable column headers (links rendered by the page) and how many firms
    /// match its search in all pages.
    headers: Vec<crate::components::SortLink>,
    total: i64,
    countries: CountryChoices,
    /// Whether the signed-in user may add, edit and delete firms: a viewer gets no form.
    editable: bool,
) -> impl IntoView {
    let countries = StoredValue::new(countries);
    let echo = echo.unwrap_or_default();
    let (rows, set_rows) = signal(firms);
    let (total, set_total) = signal(total);
    let (errors, set_errors) = signal(echo.errors);
    let (notice, set_notice) = signal(notice);
    let (failure, set_failure) = signal(echo.failure.map(|e| e.to_string()));
    let (highlight, set_highlight) = signal(highlight);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // A plain Action (not ServerAction): the no-JavaScript path has its own page handlers, so
    // the decoder for errors passed in the URL would only add weight to the wasm.
    let create = Action::new(|args: &CreateFirm| {
        let CreateFirm {
            name,
            country,
            website,
            notes,
        } = args.clone();
        create_firm(name, country, website, notes)
    });

    Effect::new(move |_| {
        let Some(result) = create.value().get() else {
            return;
        };
        set_failure.set(None);
        match result {
            Ok(FormOutcome::Saved(firm)) => {
                set_errors.set(FieldErrors::new());
                set_notice.set(Some(format!("Added “{}”.", firm.name)));
                set_highlight.set(Some(firm.id));
                set_total.update(|t| *t += 1);
                set_rows.update(|rows| {
                    rows.push(firm);
                    sort_firms(rows);
                });
                if let Some(form) = form_ref.get_untracked() {
                    form.reset();
                }
            }
            Ok(FormOutcome::Invalid(messages)) => {
                set_notice.set(None);
                set_errors.set(messages);
            }
            Ok(FormOutcome::Conflict { .. }) => {}
            Err(error) => set_failure.set(Some(error.to_string())),
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match SubmittedForm::from_event(&ev) {
            Some(form) => {
                create.dispatch(CreateFirm {
                    name: form.text("name"),
                    country: form.text("country"),
                    website: form.text("website"),
                    notes: form.text("notes"),
                });
            }
            None => set_failure.set(Some(
                "The form could not be read. Reload the page and try again.".into(),
            )),
        }
    };
    let pending = create.pending();
    let hydrated = crate::components::hydrated();

    view! {
        {editable.then(|| view! {
        <section class="panel" aria-labelledby="add-firm">
            <h2 id="add-firm">"Add a firm"</h2>
            <form method="post" action="/firms" class="form-grid" node_ref=form_ref on:submit=on_submit data-hydrated=move || hydrated.get().to_string()>
                <FirmFieldInputs initial=echo.fields errors=errors.into() countries=countries.get_value() />
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=pending aria-busy=move || pending.get().to_string()>
                        {move || if pending.get() { "Adding…" } else { "Add firm" }}
                    </button>
                </div>
            </form>
            <div class="messages" aria-live="polite">
                {move || notice.get().map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
                {move || failure.get().map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
                {move || (!errors.with(FieldErrors::is_empty)).then(|| view! {
                    <p class="alert alert-error" role="alert">"Nothing was saved. Correct the fields marked below the form."</p>
                })}
            </div>
        </section>
        })}
        <section aria-labelledby="firm-list">
            <h2 id="firm-list">
                "Firms "<span class="count">{move || format!("({})", format::thousands(total.get()))}</span>
            </h2>
            <Show
                when=move || rows.with(|r| !r.is_empty())
                fallback=move || view! {
                    <p class="empty">{if editable {
                        "No firms yet. Add the first supplier with the form above, for example Hanwha Aerospace (South Korea)."
                    } else {
                        "No firms yet. An editor adds them."
                    }}</p>
                }
            >
                <div class="table-wrap">
                    <table class="data">
                        <thead>
                            <tr>
                                {headers.iter().map(|h| match h.href.clone() {
                                    Some(href) => view! { <th scope="col" aria-sort=h.aria.clone()><a href=href>{h.label.clone()}</a></th> }.into_any(),
                                    None => view! { <th scope="col">{h.label.clone()}</th> }.into_any(),
                                }).collect_view()}
                                {editable.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || rows.get() key=|firm| (firm.id, firm.version) let:firm>
                                <FirmRow firm highlight countries editable />
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}

#[component]
fn FirmRow(
    firm: Firm,
    highlight: ReadSignal<Option<i64>>,
    countries: StoredValue<CountryChoices>,
    editable: bool,
) -> impl IntoView {
    let id = firm.id;
    let href = format!("/firms/{id}");
    let name = firm.name.clone();
    view! {
        <tr class:highlight=move || highlight.get() == Some(id)>
            <td><a href=href.clone()>{firm.name.clone()}</a></td>
            <td>{countries.with_value(|c| country_name(c, firm.country))}" "<span class="code">{firm.country.to_string()}</span></td>
            <td>
                {firm.website.clone().map(|url| {
                    let label = format::host(&url).to_owned();
                    view! { <a href=url rel="noopener noreferrer external">{label}</a> }
                })}
            </td>
            <td><time datetime=format::iso8601(&firm.updated_at)>{format::timestamp(&firm.updated_at)}</time></td>
            {editable.then(|| view! {
                <td class="actions">
                    <a href=format!("{href}/edit") aria-label=format!("Edit {name}")>"Edit"</a>
                    <a href=format!("{href}/delete") class="danger" aria-label=format!("Delete {name}")>"Delete"</a>
                </td>
            })}
        </tr>
    }
}

/// The edit form. Saving names the version the form was opened at; if someone else saved in
/// between, nothing is overwritten and their version is shown beside the user's. One island, so
/// one function: the form and the conflict panel read the same signals.
#[island]
pub fn FirmEditor(
    firm: Firm,
    echo: Option<FirmFormEcho>,
    saved: bool,
    countries: CountryChoices,
) -> impl IntoView {
    let countries = StoredValue::new(countries);
    let id = firm.id;
    let initial = echo
        .as_ref()
        .map_or_else(|| firm.fields(), |e| e.fields.clone());
    let (errors, set_errors) = signal(echo.as_ref().map(|e| e.errors.clone()).unwrap_or_default());
    let (version, set_version) = signal(
        echo.as_ref()
            .and_then(|e| e.version)
            .unwrap_or(firm.version),
    );
    let (conflict, set_conflict) = signal(echo.as_ref().and_then(|e| e.conflict.clone()));
    let (saved_at, set_saved_at) = signal(saved.then_some(firm.updated_at));
    let (failure, set_failure) = signal(
        echo.as_ref()
            .and_then(|e| e.failure.as_ref())
            .map(|e| e.to_string()),
    );
    let update = Action::new(|args: &UpdateFirm| {
        let UpdateFirm {
            id,
            version,
            name,
            country,
            website,
            notes,
        } = args.clone();
        update_firm(id, version, name, country, website, notes)
    });

    Effect::new(move |_| {
        let Some(result) = update.value().get() else {
            return;
        };
        set_failure.set(None);
        match result {
            Ok(FormOutcome::Saved(firm)) => {
                set_errors.set(FieldErrors::new());
                set_conflict.set(None);
                set_version.set(firm.version);
                set_saved_at.set(Some(firm.updated_at));
            }
            Ok(FormOutcome::Invalid(messages)) => {
                set_saved_at.set(None);
                set_errors.set(messages);
            }
            Ok(FormOutcome::Conflict { current }) => {
                set_saved_at.set(None);
                set_errors.set(FieldErrors::new());
                // Saving again now replaces their version on purpose.
                set_version.set(current.version);
                set_conflict.set(Some(current));
            }
            Err(error) => set_failure.set(Some(error.to_string())),
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match SubmittedForm::from_event(&ev) {
            Some(form) => {
                update.dispatch(UpdateFirm {
                    id,
                    version: form.integer("version").unwrap_or(version.get_untracked()),
                    name: form.text("name"),
                    country: form.text("country"),
                    website: form.text("website"),
                    notes: form.text("notes"),
                });
            }
            None => set_failure.set(Some(
                "The form could not be read. Reload the page and try again.".into(),
            )),
        }
    };
    let pending = update.pending();
    let hydrated = crate::components::hydrated();

    view! {
        <div class="messages" aria-live="polite">
            {move || saved_at.get().map(|at| view! {
                <p class="alert alert-success" role="status">
                    "Saved at "{format::timestamp(&at)}". "
                    <a href=format!("/firms/{id}")>"View the firm"</a>" · "<a href="/firms">"Back to all firms"</a>
                </p>
            })}
            {move || failure.get().map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
            {move || conflict.get().map(|current| view! { <ConflictPanel current countries /> })}
        </div>
        <form method="post" action=format!("/firms/{id}/edit") class="form-grid panel" on:submit=on_submit data-hydrated=move || hydrated.get().to_string()>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=move || version.get() />
            <FirmFieldInputs initial errors=errors.into() countries=countries.get_value() />
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=pending aria-busy=move || pending.get().to_string()>
                    {move || if pending.get() { "Saving…" } else { "Save changes" }}
                </button>
                <a class="button" href=format!("/firms/{id}")>"Cancel"</a>
            </div>
        </form>
    }
}

/// The other user's saved version, shown after a conflicting save.
#[component]
fn ConflictPanel(current: Firm, countries: StoredValue<CountryChoices>) -> impl IntoView {
    view! {
        <div class="alert alert-warning conflict" role="alert">
            <p>
                <strong>"Not saved: someone else changed this firm while you were editing."</strong>
                " Their version (saved "{format::timestamp(&current.updated_at)}") is below; your changes are still in the form. "
                "Save again to replace their version with yours, or "
                <a href=format!("/firms/{}/edit", current.id)>"discard yours and edit theirs"</a>"."
            </p>
            <dl class="compact">
                <dt>"Name"</dt><dd>{current.name.clone()}</dd>
                <dt>"Home country"</dt><dd>{countries.with_value(|c| country_name(c, current.country))}" ("{current.country.to_string()}")"</dd>
                <dt>"Website"</dt><dd>{current.website.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Notes"</dt><dd class="notes">{if current.notes.is_empty() { "—".to_owned() } else { current.notes.clone() }}</dd>
            </dl>
        </div>
    }
}
