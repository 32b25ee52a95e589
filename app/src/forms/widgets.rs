//! The inputs the entry forms are made of: labelled fields and selects with their messages,
//! the value, other-figure, source and line rows, and the panel of an edit conflict.

use super::choices::{Choices, backs_label, confidences};
use super::fields::{
    ALTERNATIVE_ROWS, BACKS_RECORD, BACKS_VALUE, EntryFields, LINE_ROWS, SOURCE_ROWS,
};
use super::labels::field_label;
use super::merge::EditConflict;
use crate::components::format;
use crate::domain::{CurrencyCode, FieldErrors, limits};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A labelled input with its hint and its error message.
#[component]
pub fn Entry(
    label: &'static str,
    name: String,
    fields: EntryFields,
    errors: FieldErrors,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(default = limits::TITLE_MAX)] max: usize,
    /// A textarea, for text that runs to sentences (notes, descriptions).
    #[prop(optional)]
    multiline: bool,
    /// An amount, rate or quantity: phones show their number keyboard.
    #[prop(optional)]
    number: bool,
) -> impl IntoView {
    let id = format!("e-{name}");
    let error = errors.get(&name).unwrap_or_default().to_owned();
    let invalid = !error.is_empty();
    let value = fields.get(&name).to_owned();
    let input = if multiline {
        view! {
            <textarea id=id.clone() name=name.clone() maxlength=max rows="3"
                aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error")>{value}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name.clone() type="text" maxlength=max required=required value=value
                inputmode=number.then_some("decimal") aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error") />
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            {input}
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="field-error" id=format!("{id}-error")>{error}</p>
        </div>
    }
}

/// A labelled select; `options` are `(value, label)`, with a leading empty choice `empty`.
#[component]
pub fn Choice(
    label: &'static str,
    name: String,
    fields: EntryFields,
    errors: FieldErrors,
    options: Vec<(String, String)>,
    #[prop(optional)] empty: Option<&'static str>,
    #[prop(optional)] default: Option<&'static str>,
) -> impl IntoView {
    let id = format!("e-{name}");
    let error = errors.get(&name).unwrap_or_default().to_owned();
    let chosen = match fields.get(&name) {
        "" => default.unwrap_or_default().to_owned(),
        value => value.to_owned(),
    };
    let invalid = !error.is_empty();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <select id=id.clone() name=name.clone() aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error")>
                {empty.map(|text| view! { <option value="">{text}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let selected = value == chosen;
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
            <p class="field-error" id=format!("{id}-error")>{error}</p>
        </div>
    }
}

/// A hidden field, when the form has a value for it (an edit form's version and lines' ids).
pub fn hidden(fields: &EntryFields, name: String) -> impl IntoView + use<> {
    let value = fields.get(&name).to_owned();
    (!value.is_empty()).then(|| view! { <input type="hidden" name=name value=value /> })
}

pub fn currencies() -> Vec<(String, String)> {
    CurrencyCode::all()
        .map(|c| (c.to_string(), format!("{c} — {}", c.name())))
        .collect()
}

/// The chosen value with its confidence and basis.
#[component]
pub fn ValueFields(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    view! {
        <fieldset class="form-grid">
            <legend>"Value"</legend>
            <Entry label="Value" name="value_amount".into() fields=fields.clone() errors=errors.clone() max=limits::AMOUNT_MAX number=true
                hint="Optional. Digits as signed, with a decimal point: 3,370,000,000 or 3370000000.50 (not 3370000000,50)" />
            <Choice label="Currency" name="value_currency".into() fields=fields.clone() errors=errors.clone() options=currencies() default="USD" />
            <Choice label="Confidence" name="value_confidence".into() fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
            <Entry label="Basis" name="value_basis".into() fields=fields errors=errors hint="What the value includes, e.g. net of VAT, incl. logistics and training" />
        </fieldset>
    }
}

/// Figures other sources give ("$6.7bn, Polish side"); blank rows are ignored.
#[component]
pub fn AlternativeRows(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    let rows = fields.rows("alt", ALTERNATIVE_ROWS);
    view! {
        <fieldset class="lines">
            <legend>"Other reported figures"</legend>
            <p class="hint">"When sources disagree: the figures not chosen above, each with what it includes. Give their sources below."</p>
            {(0..rows).map(|row| {
                let name = |n: &str| format!("alt{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("Other figure {}", row + 1)>
                        <Entry label="Other value" name=name("amount") fields=fields.clone() errors=errors.clone() max=limits::AMOUNT_MAX number=true />
                        <Choice label="Currency" name=name("currency") fields=fields.clone() errors=errors.clone() options=currencies() default="USD" />
                        <Choice label="Confidence" name=name("confidence") fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
                        <Entry label="Basis" name=name("basis") fields=fields.clone() errors=errors.clone() />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Sources, each supporting the value, one of the other figures or the record as a whole.
#[component]
pub fn SourceRows(
    fields: EntryFields,
    errors: FieldErrors,
    /// Whether each source says what it supports (the value, the record, another figure).
    #[prop(default = true)]
    supports: bool,
) -> impl IntoView {
    let rows = fields.rows("source", SOURCE_ROWS);
    let mut backs = vec![
        (BACKS_VALUE.to_owned(), backs_label(BACKS_VALUE)),
        (BACKS_RECORD.to_owned(), backs_label(BACKS_RECORD)),
    ];
    for alt in 0..fields.rows("alt", ALTERNATIVE_ROWS) {
        let value = format!("alt{alt}");
        backs.push((value.clone(), backs_label(&value)));
    }
    view! {
        <fieldset class="lines">
            <legend>"Sources"</legend>
            <p class="hint">"Where the figures come from. Leave unused rows empty; save and edit again for more rows."</p>
            {(0..rows).map(|row| {
                let name = |n: &str| format!("source{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("Source {}", row + 1)>
                        <Entry label="Source title" name=name("title") fields=fields.clone() errors=errors.clone() hint="The article or document" />
                        <Entry label="Publisher" name=name("publisher") fields=fields.clone() errors=errors.clone() max=limits::PUBLISHER_MAX />
                        <Entry label="Source address" name=name("url") fields=fields.clone() errors=errors.clone() max=limits::WEBSITE_MAX />
                        <Entry label="Source date" name=name("date") fields=fields.clone() errors=errors.clone() max=limits::DATE_MAX hint="YYYY-MM-DD, YYYY-MM or YYYY" />
                        {supports.then(|| view! { <Choice label="Supports" name=name("backs") fields=fields.clone() errors=errors.clone() options=backs.clone() default=BACKS_VALUE /> })}
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Rows of identifiers in other registers (kind, value); blank rows are ignored.
#[component]
pub fn IdentifierRows(fields: EntryFields, errors: FieldErrors) -> impl IntoView {
    let rows = fields.rows("ident", 1);
    let kinds: Vec<(String, String)> = crate::domain::IdentifierKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.as_str().to_owned()))
        .collect();
    view! {
        <fieldset class="lines">
            <legend>"In other registers"</legend>
            <p class="hint">"Its identifiers elsewhere: a SIPRI deal id, a 36(b) transmittal number, contract numbers, a USAspending award id, the address of a press release. Save and edit again for more rows."</p>
            {(0..rows).map(|row| {
                let name = |n: &str| format!("ident{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("Identifier {}", row + 1)>
                        <Choice label="Register" name=name("kind") fields=fields.clone() errors=errors.clone() options=kinds.clone() empty="—" />
                        <Entry label="Identifier" name=name("value") fields=fields.clone() errors=errors.clone() max=limits::IDENTIFIER_MAX />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Rows of (system, quantity, confidence, value, notes); blank rows are ignored.
#[component]
pub fn LineRows(
    fields: EntryFields,
    errors: FieldErrors,
    systems: Vec<(String, String)>,
    ceiling: bool,
) -> impl IntoView {
    let legend = if ceiling { "Ceiling lines" } else { "Lines" };
    let hint = if ceiling {
        "The most each system may be ordered under the agreement. Leave unused rows empty."
    } else {
        "What is sold: the system and how many (leave the quantity empty when it was not disclosed). Clear a row to remove the line."
    };
    let rows = fields.rows("line", LINE_ROWS);
    view! {
        <fieldset class="lines">
            <legend>{legend}</legend>
            <p class="hint">{hint}</p>
            {(0..rows).map(|row| {
                let name = |n: &str| format!("line{row}_{n}");
                view! {
                    <div class="form-grid line-row" role="group" aria-label=format!("{} {}", if ceiling { "Ceiling line" } else { "Line" }, row + 1)>
                        {hidden(&fields, name("id"))}
                        <Choice label="System" name=name("system") fields=fields.clone() errors=errors.clone() options=systems.clone() empty="—" />
                        <Entry label=if ceiling { "Ceiling quantity" } else { "Quantity" } name=name("quantity") fields=fields.clone() errors=errors.clone() max=limits::QUANTITY_MAX number=true />
                        <Choice label="Confidence" name=name("confidence") fields=fields.clone() errors=errors.clone() options=confidences() default="reported" />
                        <Entry label="Value (currency above)" name=name("value") fields=fields.clone() errors=errors.clone() max=limits::AMOUNT_MAX number=true />
                        {ceiling.then(|| view! { <Entry label="Basis" name=name("basis") fields=fields.clone() errors=errors.clone() /> })}
                        {(!ceiling).then(|| view! {
                            <Entry label="Options not exercised" name=name("options") fields=fields.clone() errors=errors.clone() max=limits::QUANTITY_MAX number=true hint="Units the buyer may still order" />
                            <Entry label="Options already exercised" name=name("exercised") fields=fields.clone() errors=errors.clone() max=limits::QUANTITY_MAX number=true hint="Part of the units ordered above" />
                        })}
                        <Entry label="Line notes" name=name("notes") fields=fields.clone() errors=errors.clone() max=limits::LINE_NOTES_MAX />
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

pub fn summary(errors: &FieldErrors) -> Option<impl IntoView + use<>> {
    (!errors.is_empty()).then(|| view! {
        <p class="alert alert-error" role="alert">"Nothing was saved. Correct the fields marked below."</p>
    })
}

/// What happened when someone else saved the record while this form was open.
#[component]
pub fn ConflictPanel(
    conflict: EditConflict,
    choices: Choices,
    what: &'static str,
) -> impl IntoView {
    let saved_at = chrono::DateTime::from_timestamp_micros(conflict.saved_at)
        .map(|at| format::timestamp(&at))
        .unwrap_or_default();
    let row = |(key, value): (String, String)| {
        let shown = choices.shown(&key, &value);
        view! { <li><strong>{field_label(&key)}</strong>": "{shown}</li> }
    };
    view! {
        <div class="alert alert-warning conflict" role="alert">
            <p><strong>{format!("Not saved: someone else saved this {what} at {saved_at}, after you opened it.")}</strong></p>
            {(!conflict.taken.is_empty()).then(|| view! {
                <p>"Their changes to fields you had not touched are now in the form:"</p>
                <ul class="taken">{conflict.taken.clone().into_iter().map(row).collect_view()}</ul>
            })}
            {(!conflict.clashes.is_empty()).then(|| view! {
                <p>"You both changed these fields. The form keeps yours; their values were:"</p>
                <ul class="clashes">{conflict.clashes.clone().into_iter().map(row).collect_view()}</ul>
            })}
            <p>"Check the form, then save again to store it as it is now."</p>
        </div>
    }
}

pub fn route_id() -> Option<i64> {
    use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|id| id.parse().ok())
}

/// An entry form: the "nothing was saved" summary above it, the version and starting point it
/// was opened at (for the edit conflict check and merge), its fields, then its buttons.
#[component]
pub fn EntryForm(
    fields: EntryFields,
    errors: FieldErrors,
    action: String,
    save: &'static str,
    #[prop(optional)] cancel: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        {summary(&errors)}
        <form method="post" action=action class="panel entry">
            {hidden(&fields, "version".into())}
            {hidden(&fields, "base".into())}
            {children()}
            <div class="form-actions">
                <button type="submit" class="button primary">{save}</button>
                {cancel.map(|href| view! { <a class="button" href=href>"Cancel"</a> })}
            </div>
        </form>
    }
}

/// The choices of a select over one of the domain's vocabularies (statuses, categories…): each
/// value is its own label.
pub fn vocabulary_options<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    values
        .into_iter()
        .map(|v| (v.to_owned(), v.to_owned()))
        .collect()
}
