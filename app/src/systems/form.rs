//! The system form, parsed into a draft, and the pages that add, edit and delete a system.

use crate::domain::limits;
use crate::domain::register::{SystemDraft, SystemRecord};
use crate::domain::text::{Designation, Prose};
use crate::domain::{Category, FieldErrors};
use crate::error::AppError;
use crate::forms::EntryFields;
use crate::forms::choices::Choices;
use crate::forms::pages::{Doomed, Kind, delete_page, edit_page, new_page};
use crate::forms::parse::optional_id;
use crate::forms::widgets::{Choice, Entry, EntryForm, vocabulary_options};
use leptos::prelude::*;

/// Parses the system form (`designation`, `description`, `category`, `maker_id`,
/// `variant_of_id`).
pub fn system_draft(fields: &EntryFields) -> Result<SystemDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let designation = errors.check(
        "designation",
        Designation::parse_required(fields.get("designation"), "designation (K9A1, FA-50PL…)")
            .map(Designation::into_string),
    );
    let description = errors.check(
        "description",
        Prose::parse(fields.get("description")).map(Prose::into_string),
    );
    let category = errors.check("category", Category::parse(fields.get("category")));
    let maker_id = errors.check(
        "maker_id",
        optional_id(fields.get("maker_id"), "maker")
            .and_then(|m| m.ok_or_else(|| "Choose the firm that makes it.".to_owned())),
    );
    let variant_of_id = errors
        .check(
            "variant_of_id",
            optional_id(fields.get("variant_of_id"), "base system"),
        )
        .flatten();
    match (
        designation,
        description,
        category,
        maker_id,
        errors.is_empty(),
    ) {
        (Some(designation), Some(description), Some(category), Some(maker_id), true) => {
            Ok(SystemDraft {
                designation,
                description,
                category,
                maker_id,
                variant_of_id,
            })
        }
        _ => Err(errors),
    }
}

/// The fields of a stored system, as its edit form starts.
pub fn system_fields(system: &SystemRecord) -> EntryFields {
    let mut fields = EntryFields::default();
    fields.set("version", system.version.to_string());
    fields.set("designation", system.designation.clone());
    fields.set("description", system.description.clone());
    fields.set("category", system.category.as_str());
    fields.set("maker_id", system.maker.id.to_string());
    if let Some(base) = &system.variant_of {
        fields.set("variant_of_id", base.id.to_string());
    }
    fields
}

crate::forms::editable!(SystemRecord, label: |s| s.designation.clone(), fields: system_fields);

/// The system form; `action` is where it posts. `id` is the system being edited (it cannot
/// be its own base).
#[component]
fn SystemForm(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
    #[prop(optional)] id: Option<i64>,
) -> impl IntoView {
    let categories = vocabulary_options(Category::ALL.iter().map(|c| c.as_str()));
    // Variants are one level deep: only base systems can be chosen.
    let bases: Vec<(String, String)> = choices
        .systems
        .iter()
        .filter(|s| s.variant_of.is_none() && Some(s.id) != id)
        .map(|s| (s.id.to_string(), s.designation.clone()))
        .collect();
    let f = fields.clone();
    let e = errors.clone();
    view! {
        <EntryForm fields=fields.clone() errors=errors.clone() action=action save="Save system" cancel=cancel>
            <fieldset class="form-grid">
                <legend>"The system"</legend>
                <Entry label="Designation" name="designation".into() fields=f.clone() errors=e.clone() required=true max=limits::DESIGNATION_MAX hint="As it is sold: K2, K9A1, FA-50PL, K239 Chunmoo" />
                <Choice label="Category" name="category".into() fields=f.clone() errors=e.clone() options=categories empty="Choose a category…" />
                <Choice label="Maker" name="maker_id".into() fields=f.clone() errors=e.clone() options=choices.firm_options() empty="Choose a firm…" />
                <Choice label="Variant of" name="variant_of_id".into() fields=f.clone() errors=e.clone() options=bases empty="None (a base system)" />
                <Entry label="Description" name="description".into() fields=f errors=e max=limits::PROSE_MAX multiline=true />
            </fieldset>
        </EntryForm>
    }
}

const SYSTEMS: Kind = Kind {
    list_href: "/systems",
    list_name: "Systems",
    what: "system",
};

fn system_form(
    fields: EntryFields,
    errors: FieldErrors,
    choices: Choices,
    action: String,
    cancel: String,
    id: Option<i64>,
) -> AnyView {
    match id {
        Some(id) => view! { <SystemForm fields errors choices action cancel id /> }.into_any(),
        None => view! { <SystemForm fields errors choices action cancel /> }.into_any(),
    }
}

#[component]
pub fn NewSystemPage() -> impl IntoView {
    new_page(SYSTEMS, "New system", system_form)
}

#[component]
pub fn EditSystemPage() -> impl IntoView {
    edit_page(SYSTEMS, super::api::get_system, system_form)
}

/// A system with what still refers to it.
async fn system_and_references(
    id: i64,
) -> Result<(crate::domain::register::SystemRecord, Vec<String>), AppError> {
    Ok((
        super::api::get_system(id).await?,
        super::api::system_references(id).await?,
    ))
}

#[component]
pub fn DeleteSystemPage() -> impl IntoView {
    delete_page(system_and_references, |(s, references), id| {
        let consequence = "nothing else (no deal refers to it)".to_owned();
        (
            Doomed::of(SYSTEMS, id, s.designation, s.version, consequence),
            references,
        )
    })
}
