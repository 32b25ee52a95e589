//! The firm form's fields, shared by the create and edit islands.

use crate::domain::{CountryCode, FieldErrors, FirmFields, limits};
use leptos::prelude::*;

/// A labelled field with its hint and its error message. The message area is always in the
/// layout, so a message appearing does not make the form jump.
#[component]
fn Field(
    label: &'static str,
    input_id: &'static str,
    field: &'static str,
    errors: Signal<FieldErrors>,
    #[prop(optional)] hint: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let message = move || errors.with(|e| e.get(field).map(str::to_owned));
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=input_id>{label}</label>
            {children()}
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="field-error" id=format!("{input_id}-error") aria-live="polite">
                {message}
            </p>
        </div>
    }
}

/// Countries as `(code, English name)`, sorted by name: sent to the firm islands as data, so
/// the 249-country list is not compiled into the wasm.
pub type CountryChoices = Vec<(String, String)>;

/// Every country, for the firm islands' select and names.
pub fn country_choices() -> CountryChoices {
    CountryCode::all_by_name()
        .into_iter()
        .map(|(code, name)| (code.to_string(), name.to_owned()))
        .collect()
}

/// The English name of `code` in `countries`, or the code itself if it is not there.
pub fn country_name(countries: &[(String, String)], code: CountryCode) -> String {
    countries
        .iter()
        .find(|(c, _)| c == code.as_str())
        .map_or_else(|| code.to_string(), |(_, name)| name.clone())
}

#[component]
pub fn FirmFieldInputs(
    initial: FirmFields,
    errors: Signal<FieldErrors>,
    countries: CountryChoices,
) -> impl IntoView {
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.get(field).is_some()).to_string();
    let chosen = initial.country.trim().to_ascii_uppercase();
    let options = countries
        .into_iter()
        .map(|(code, name)| {
            let selected = code == chosen;
            view! { <option value=code.clone() selected=selected>{name}" ("{code.clone()}")"</option> }
        })
        .collect_view();
    view! {
        <Field label="Name" input_id="firm-name" field="name" errors>
            <input
                id="firm-name"
                name="name"
                type="text"
                required
                maxlength=limits::FIRM_NAME_MAX
                autocomplete="organization"
                value=initial.name
                aria-invalid=invalid("name")
                aria-describedby="firm-name-error"
            />
        </Field>
        <Field label="Home country" input_id="firm-country" field="country" errors>
            <select
                id="firm-country"
                name="country"
                required
                aria-invalid=invalid("country")
                aria-describedby="firm-country-error"
            >
                <option value="" selected=chosen.is_empty()>"Choose a country…"</option>
                {options}
            </select>
        </Field>
        <Field
            label="Website"
            input_id="firm-website"
            field="website"
            errors
            hint="Optional. For example www.hanwha.com"
        >
            <input
                id="firm-website"
                name="website"
                type="text"
                inputmode="url"
                maxlength=limits::WEBSITE_MAX
                value=initial.website
                aria-invalid=invalid("website")
                aria-describedby="firm-website-error"
            />
        </Field>
        <Field label="Notes" input_id="firm-notes" field="notes" errors hint="Optional: parent company, joint-venture partners, sources.">
            <textarea
                id="firm-notes"
                name="notes"
                rows="3"
                maxlength=limits::NOTES_MAX
                aria-invalid=invalid("notes")
                aria-describedby="firm-notes-error"
            >
                {initial.notes}
            </textarea>
        </Field>
    }
}
