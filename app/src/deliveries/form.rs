//! The record-a-delivery form, shown on a contract's page.

use crate::components::format;
use crate::domain::register::Contract;
use crate::domain::{Confidence, FieldErrors, limits};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The raw text of the record-a-delivery form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryFields {
    pub line_id: String,
    pub delivered_on: String,
    pub units: String,
    pub confidence: String,
    pub notes: String,
}

/// A delivery form that did not save, handed back to the contract page it re-renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliveryEcho {
    pub fields: DeliveryFields,
    pub errors: FieldErrors,
}

/// Records a delivery. A plain form post: it ends on this page with the new row either way.
#[component]
pub fn DeliveryForm(contract: Contract, echo: Option<DeliveryEcho>) -> impl IntoView {
    let echo = echo.unwrap_or_default();
    let fields: DeliveryFields = echo.fields;
    let errors: FieldErrors = echo.errors;
    let error = |field: &str| errors.get(field).unwrap_or_default().to_owned();
    let invalid = |field: &str| errors.get(field).is_some().to_string();
    let chosen_line = fields.line_id.clone();
    let chosen_confidence = if fields.confidence.is_empty() {
        "reported".to_owned()
    } else {
        fields.confidence.clone()
    };
    view! {
        <section class="panel" aria-labelledby="record-delivery">
            <h2 id="record-delivery">"Record a delivery"</h2>
            {(!errors.is_empty()).then(|| view! {
                <p class="alert alert-error" role="alert">"Nothing was saved. Correct the fields marked below."</p>
            })}
            <form method="post" action=format!("/contracts/{}/deliveries", contract.id) class="form-grid">
                <div class="field" class:invalid=errors.get("line_id").is_some()>
                    <label for="d-line">"Line"</label>
                    <select id="d-line" name="line_id" required aria-invalid=invalid("line_id") aria-describedby="d-line-error">
                        {contract.lines.iter().map(|l| {
                            let label = match l.undelivered() {
                                Some(left) => format!("{} ({} still to deliver)", l.system.name, format::thousands(left)),
                                None => format!("{} (quantity not disclosed)", l.system.name),
                            };
                            view! { <option value=l.id.to_string() selected=chosen_line == l.id.to_string()>{label}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error" id="d-line-error">{error("line_id")}</p>
                </div>
                <div class="field" class:invalid=errors.get("delivered_on").is_some()>
                    <label for="d-date">"Delivered on"</label>
                    <input id="d-date" name="delivered_on" type="text" required inputmode="numeric" maxlength=limits::DATE_MAX placeholder="YYYY-MM-DD"
                        value=fields.delivered_on.clone() aria-invalid=invalid("delivered_on") aria-describedby="d-date-error" />
                    <p class="hint">"A day, or YYYY-MM or YYYY when the source gives no more."</p>
                    <p class="field-error" id="d-date-error">{error("delivered_on")}</p>
                </div>
                <div class="field" class:invalid=errors.get("units").is_some()>
                    <label for="d-units">"Units"</label>
                    <input id="d-units" name="units" type="text" inputmode="numeric" required maxlength=limits::QUANTITY_MAX
                        value=fields.units.clone() aria-invalid=invalid("units") aria-describedby="d-units-error" />
                    <p class="field-error" id="d-units-error">{error("units")}</p>
                </div>
                <div class="field" class:invalid=errors.get("confidence").is_some()>
                    <label for="d-confidence">"Confidence"</label>
                    <select id="d-confidence" name="confidence" aria-invalid=invalid("confidence") aria-describedby="d-confidence-error">
                        {Confidence::ALL.iter().map(|c| view! {
                            <option value=c.as_str() selected=chosen_confidence == c.as_str()>{c.as_str()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" id="d-confidence-error">{error("confidence")}</p>
                </div>
                <div class="field" class:invalid=errors.get("notes").is_some()>
                    <label for="d-notes">"Notes and source"</label>
                    <textarea id="d-notes" name="notes" rows="2" maxlength=limits::NOTES_MAX aria-invalid=invalid("notes") aria-describedby="d-notes-error">{fields.notes.clone()}</textarea>
                    <p class="field-error" id="d-notes-error">{error("notes")}</p>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button primary">"Record delivery"</button>
                </div>
            </form>
        </section>
    }
}
