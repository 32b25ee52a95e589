//! Data entry for agreements and contracts: the forms' raw text, parsed field by field into
//! drafts, with every problem reported at its field (`line2_quantity`, `value_amount`…).

use crate::domain::register::{
    Agreement, AgreementDraft, Alternative, CeilingDraft, Contract, ContractDraft, Figure,
    LineDraft, Provenance, SourceRef, SystemDraft, SystemRecord,
};
use crate::domain::text::Lines;
use crate::domain::{
    AgreementStatus, Category, Confidence, ContractStatus, CountryCode, CurrencyCode, FieldErrors,
    Money, Notes, PartialDate, Quantity,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Rows of lines a form offers (blank rows are ignored).
pub const LINE_ROWS: usize = 4;

/// A form's fields by name, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryFields(pub BTreeMap<String, String>);

impl EntryFields {
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(|v| v.as_str()).unwrap_or_default()
    }

    fn trimmed(&self, name: &str) -> &str {
        self.get(name).trim()
    }

    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.0.insert(name.into(), value);
        }
    }

    /// How many rows of `prefix{n}_…` fields a form shows: every filled row, one blank row for
    /// more, and at least `min`.
    pub fn rows(&self, prefix: &str, min: usize) -> usize {
        let filled = self
            .0
            .iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .filter_map(|(key, _)| {
                let rest = key.strip_prefix(prefix)?;
                let (index, _) = rest.split_once('_')?;
                index.parse::<usize>().ok()
            })
            .max()
            .map_or(0, |last| last + 1);
        (filled + 1).max(min)
    }
}

/// Rows of sources and alternatives a form offers at least.
pub const SOURCE_ROWS: usize = 2;
pub const ALTERNATIVE_ROWS: usize = 1;

/// What a source row supports: `value`, `record` or `alt{n}` (the n-th alternative).
pub const BACKS_VALUE: &str = "value";
pub const BACKS_RECORD: &str = "record";

/// What a rejected entry form hands back to the page it re-renders.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryEcho {
    pub fields: EntryFields,
    pub errors: FieldErrors,
    pub conflict: Option<EditConflict>,
}

/// Someone else saved the record while this form was open. Their changes that the user had
/// not touched are taken into the form (`taken`); fields both changed keep the user's value
/// and list theirs (`clashes`). Saving again saves the merged form on purpose.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditConflict {
    /// When they saved (microseconds since 1970, UTC).
    pub saved_at: i64,
    pub taken: Vec<(String, String)>,
    pub clashes: Vec<(String, String)>,
}

/// The fields a form was opened with, kept in the form as `base` (JSON) so that a conflict can
/// tell the user's changes from the other user's.
pub fn with_base(mut fields: EntryFields) -> EntryFields {
    fields.0.remove("base");
    let mut base = fields.clone();
    base.0.remove("version");
    if let Ok(json) = serde_json::to_string(&base) {
        fields.set("base", json);
    }
    fields
}

/// Three-way merge of an edit form (`mine`) that met a newer stored version (`theirs`, as
/// `contract_fields`/`agreement_fields` give it): see `EditConflict`.
pub fn merge(
    mine: &EntryFields,
    theirs: &EntryFields,
    saved_at: i64,
) -> (EntryFields, EditConflict) {
    // Without the form's starting point, every difference is the user's to decide.
    let base: Option<EntryFields> = serde_json::from_str(mine.get("base")).ok();
    let mut merged = mine.clone();
    let mut conflict = EditConflict {
        saved_at,
        ..EditConflict::default()
    };
    let keys: std::collections::BTreeSet<&String> = mine
        .0
        .keys()
        .chain(theirs.0.keys())
        .filter(|k| *k != "version" && *k != "base")
        .collect();
    for key in keys {
        let (m, t) = (mine.trimmed(key), theirs.trimmed(key));
        let b = base.as_ref().map(|b| b.trimmed(key));
        if m == t || b == Some(t) {
            continue;
        }
        if b == Some(m) {
            merged.0.insert(key.clone(), t.to_owned());
            conflict.taken.push((key.clone(), t.to_owned()));
        } else {
            conflict.clashes.push((key.clone(), t.to_owned()));
        }
    }
    merged.0.remove("version");
    merged.set("version", theirs.get("version"));
    (with_base_of(merged, theirs), conflict)
}

/// `fields` with `base` set to `theirs`: the next save compares against what is stored now.
fn with_base_of(mut fields: EntryFields, theirs: &EntryFields) -> EntryFields {
    let mut base = theirs.clone();
    base.0.remove("version");
    base.0.remove("base");
    if let Ok(json) = serde_json::to_string(&base) {
        fields.0.insert("base".into(), json);
    }
    fields
}

/// A readable name for a form field: `line2_quantity` → "Line 3: quantity".
pub fn field_label(key: &str) -> String {
    let plain = |name: &str| -> String {
        match name {
            "title" => "Title",
            "agreement_id" => "Framework agreement",
            "supplier_id" | "id" => "Supplier",
            "buyer" => "Buyer",
            "agency" => "Buying agency",
            "signed_on" => "Signed on",
            "status" => "Status",
            "delivery_period" => "Delivery period",
            "local_production" => "Local production",
            "notes" => "Notes",
            "value_amount" | "value" | "amount" => "Value",
            "value_currency" | "currency" => "Currency",
            "value_confidence" | "confidence" => "Confidence",
            "value_basis" | "basis" => "Basis",
            "system" => "System",
            "quantity" => "Quantity",
            "publisher" => "Publisher",
            "url" => "Address",
            "date" => "Date",
            "backs" => "Supports",
            other => other,
        }
        .to_owned()
    };
    for (prefix, name) in [
        ("line", "Line"),
        ("source", "Source"),
        ("alt", "Other figure"),
        ("supplier", "Supplier"),
    ] {
        if let Some(rest) = key.strip_prefix(prefix)
            && let Some((index, field)) = rest.split_once('_')
            && let Ok(index) = index.parse::<usize>()
        {
            return format!("{name} {}: {}", index + 1, plain(field).to_lowercase());
        }
    }
    plain(key)
}

/// A one-line text field: trimmed, within `max` characters, no control characters.
fn text(
    fields: &EntryFields,
    name: &str,
    label: &str,
    max: usize,
    required: bool,
) -> Result<String, String> {
    text_of(fields, name, label, max, required, Lines::One)
}

/// A text field of several lines (notes, descriptions): line breaks and tabs kept.
fn lines_text(fields: &EntryFields, name: &str, label: &str, max: usize) -> Result<String, String> {
    text_of(fields, name, label, max, false, Lines::Many)
}

fn text_of(
    fields: &EntryFields,
    name: &str,
    label: &str,
    max: usize,
    required: bool,
    lines: Lines,
) -> Result<String, String> {
    let value = crate::domain::text::clean(fields.get(name), lines)?;
    let length = value.chars().count();
    if required && value.is_empty() {
        Err(format!("Enter the {label}."))
    } else if length > max {
        Err(format!("Use at most {max} characters (this has {length})."))
    } else {
        Ok(value)
    }
}

fn optional_id(fields: &EntryFields, name: &str, what: &str) -> Result<Option<i64>, String> {
    match fields.trimmed(name) {
        "" => Ok(None),
        value => value
            .parse()
            .map(Some)
            .map_err(|_| format!("Choose a {what} from the list.")),
    }
}

fn optional_date(fields: &EntryFields, name: &str) -> Result<Option<PartialDate>, String> {
    match fields.trimmed(name) {
        "" => Ok(None),
        value => PartialDate::parse_past(value).map(Some),
    }
}

fn optional_money(
    fields: &EntryFields,
    amount: &str,
    currency: &str,
) -> (Result<Option<Money>, String>, Result<(), String>) {
    let amount_text = fields.trimmed(amount);
    let currency_text = fields.trimmed(currency);
    if amount_text.is_empty() {
        return (Ok(None), Ok(()));
    }
    match CurrencyCode::parse(currency_text) {
        Ok(code) => (Money::parse(amount_text, code).map(Some), Ok(())),
        Err(message) => (Ok(None), Err(message)),
    }
}

/// The chosen value of the record, its alternatives (`alt{n}_…`) and its sources
/// (`source{n}_…`, each backing the value, an alternative or the record).
fn provenance(fields: &EntryFields, errors: &mut FieldErrors) -> Provenance {
    let (money, currency) = optional_money(fields, "value_amount", "value_currency");
    let money = errors.check("value_amount", money).flatten();
    errors.check("value_currency", currency);
    // A confidence belongs to a value: without one there is nothing to be sure of.
    let confidence = match money {
        Some(_) => errors.check(
            "value_confidence",
            Confidence::parse(fields.get("value_confidence")),
        ),
        None => None,
    };
    let basis = errors
        .check(
            "value_basis",
            text(fields, "value_basis", "basis", 300, false),
        )
        .unwrap_or_default();
    let value = money.zip(confidence).map(|(money, confidence)| Figure {
        money,
        confidence,
        basis,
    });
    let mut provenance = Provenance {
        value,
        ..Provenance::default()
    };

    // Alternatives keep their row number, so that `alt{n}` in a source row still points at
    // the row the user meant even when an earlier alternative row is blank.
    let mut alternative_rows: Vec<usize> = Vec::new();
    for row in 0..fields.rows("alt", ALTERNATIVE_ROWS) {
        let field = |n: &str| format!("alt{row}_{n}");
        if ["amount", "basis"]
            .iter()
            .all(|n| fields.trimmed(&field(n)).is_empty())
        {
            continue;
        }
        let (money, currency) = optional_money(fields, &field("amount"), &field("currency"));
        let money = errors.check(&field("amount"), money).flatten();
        errors.check(&field("currency"), currency);
        if money.is_none() && errors.get(&field("amount")).is_none() {
            errors.add(
                &field("amount"),
                "Enter the other figure, or clear this row.",
            );
        }
        let confidence = errors.check(
            &field("confidence"),
            Confidence::parse(fields.get(&field("confidence"))),
        );
        let basis = errors
            .check(
                &field("basis"),
                text(fields, &field("basis"), "basis", 300, false),
            )
            .unwrap_or_default();
        if let (Some(money), Some(confidence)) = (money, confidence) {
            alternative_rows.push(row);
            provenance.alternatives.push(Alternative {
                figure: Figure {
                    money,
                    confidence,
                    basis,
                },
                sources: Vec::new(),
            });
        }
    }

    for row in 0..fields.rows("source", SOURCE_ROWS) {
        let field = |n: &str| format!("source{row}_{n}");
        let title = errors
            .check(
                &field("title"),
                text(fields, &field("title"), "source's title", 300, false),
            )
            .unwrap_or_default();
        let publisher = errors
            .check(
                &field("publisher"),
                text(fields, &field("publisher"), "publisher", 200, false),
            )
            .unwrap_or_default();
        let url = errors
            .check(
                &field("url"),
                crate::domain::Website::parse(fields.get(&field("url"))),
            )
            .flatten()
            .map(|w| w.as_str().to_owned());
        let published_on = errors
            .check(&field("date"), optional_date(fields, &field("date")))
            .flatten();
        if title.is_empty() {
            if url.is_some() || !publisher.is_empty() || published_on.is_some() {
                errors.add(
                    &field("title"),
                    "Give the source a title (the article or document).",
                );
            }
            continue;
        }
        let source = SourceRef {
            title,
            publisher,
            url,
            published_on,
        };
        match fields.trimmed(&field("backs")) {
            BACKS_RECORD => provenance.sources.push(source),
            // A source given without any figure supports the record.
            "" | BACKS_VALUE if provenance.value.is_none() => provenance.sources.push(source),
            "" | BACKS_VALUE => provenance.value_sources.push(source),
            other => {
                let index = other
                    .strip_prefix("alt")
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| alternative_rows.iter().position(|r| *r == n));
                match index {
                    Some(index) => provenance.alternatives[index].sources.push(source),
                    None => errors.add(
                        &field("backs"),
                        "That alternative figure is empty; choose what this source supports.",
                    ),
                }
            }
        }
    }
    provenance
}

/// The form fields of a stored value and its sources and alternatives (for an edit form).
fn provenance_fields(fields: &mut EntryFields, provenance: &Provenance) {
    if let Some(value) = &provenance.value {
        fields.set("value_amount", value.money.grouped());
        fields.set("value_currency", value.money.currency().as_str());
        fields.set("value_confidence", value.confidence.as_str());
        fields.set("value_basis", value.basis.clone());
    }
    let mut sources: Vec<(String, &SourceRef)> = Vec::new();
    sources.extend(
        provenance
            .value_sources
            .iter()
            .map(|s| (BACKS_VALUE.to_owned(), s)),
    );
    for (row, alternative) in provenance.alternatives.iter().enumerate() {
        let field = |n: &str| format!("alt{row}_{n}");
        fields.set(field("amount"), alternative.figure.money.grouped());
        fields.set(
            field("currency"),
            alternative.figure.money.currency().as_str(),
        );
        fields.set(field("confidence"), alternative.figure.confidence.as_str());
        fields.set(field("basis"), alternative.figure.basis.clone());
        sources.extend(alternative.sources.iter().map(|s| (format!("alt{row}"), s)));
    }
    sources.extend(
        provenance
            .sources
            .iter()
            .map(|s| (BACKS_RECORD.to_owned(), s)),
    );
    for (row, (backs, source)) in sources.into_iter().enumerate() {
        let field = |n: &str| format!("source{row}_{n}");
        fields.set(field("title"), source.title.clone());
        fields.set(field("publisher"), source.publisher.clone());
        fields.set(field("url"), source.url.clone().unwrap_or_default());
        fields.set(
            field("date"),
            source
                .published_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        );
        fields.set(field("backs"), backs);
    }
}

/// The fields of a stored contract, as its edit form starts.
pub fn contract_fields(contract: &Contract) -> EntryFields {
    let mut fields = EntryFields::default();
    fields.set("version", contract.version.to_string());
    fields.set("title", contract.title.clone());
    if let Some(agreement) = &contract.agreement {
        fields.set("agreement_id", agreement.id.to_string());
    }
    if let Some(supplier) = &contract.supplier {
        fields.set("supplier_id", supplier.id.to_string());
    }
    fields.set("buyer", contract.buyer.as_str());
    fields.set("agency", contract.agency.clone());
    fields.set(
        "signed_on",
        contract
            .signed_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    fields.set("status", contract.status.as_str());
    fields.set("delivery_period", contract.delivery_period.clone());
    fields.set("local_production", contract.local_production.clone());
    fields.set("notes", contract.notes.clone());
    provenance_fields(&mut fields, &contract.provenance);
    for (row, line) in contract.lines.iter().enumerate() {
        let field = |n: &str| format!("line{row}_{n}");
        fields.set(field("id"), line.id.to_string());
        fields.set(field("system"), line.system.id.to_string());
        fields.set(
            field("quantity"),
            line.quantity
                .map(|q| q.get().to_string())
                .unwrap_or_default(),
        );
        fields.set(field("confidence"), line.quantity_confidence.as_str());
        fields.set(
            field("value"),
            line.value.map(|m| m.grouped()).unwrap_or_default(),
        );
        fields.set(field("notes"), line.notes.clone());
    }
    fields
}

/// The fields of a stored agreement, as its edit form starts.
pub fn agreement_fields(agreement: &Agreement) -> EntryFields {
    let mut fields = EntryFields::default();
    fields.set("version", agreement.version.to_string());
    fields.set("title", agreement.title.clone());
    fields.set("buyer", agreement.buyer.as_str());
    fields.set("agency", agreement.agency.clone());
    fields.set(
        "signed_on",
        agreement
            .signed_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    fields.set("status", agreement.status.as_str());
    fields.set("notes", agreement.notes.clone());
    for (row, supplier) in agreement.suppliers.iter().enumerate() {
        fields.set(format!("supplier{row}_id"), supplier.id.to_string());
    }
    provenance_fields(&mut fields, &agreement.provenance);
    for (row, line) in agreement.ceilings.iter().enumerate() {
        let field = |n: &str| format!("line{row}_{n}");
        fields.set(field("system"), line.system.id.to_string());
        fields.set(field("quantity"), line.quantity.get().to_string());
        fields.set(field("confidence"), line.confidence.as_str());
        fields.set(
            field("value"),
            line.value.map(|m| m.grouped()).unwrap_or_default(),
        );
        fields.set(field("basis"), line.basis.clone());
        fields.set(field("notes"), line.notes.clone());
    }
    fields
}

/// A record an entry form edits: what its form starts from, and what a conflict shows of it.
pub trait Editable {
    fn id(&self) -> i64;
    /// How pages name it ("K2 executive contract #1", "KRW 2023-01-01").
    fn label(&self) -> String;
    /// The fields its edit form starts from.
    fn fields(&self) -> EntryFields;
    /// When it was last saved, in microseconds since 1970 (UTC).
    fn saved_at(&self) -> i64;
}

impl Editable for Contract {
    fn id(&self) -> i64 {
        self.id
    }
    fn label(&self) -> String {
        self.title.clone()
    }
    fn fields(&self) -> EntryFields {
        contract_fields(self)
    }
    fn saved_at(&self) -> i64 {
        self.updated_at.timestamp_micros()
    }
}

impl Editable for Agreement {
    fn id(&self) -> i64 {
        self.id
    }
    fn label(&self) -> String {
        self.title.clone()
    }
    fn fields(&self) -> EntryFields {
        agreement_fields(self)
    }
    fn saved_at(&self) -> i64 {
        self.updated_at.timestamp_micros()
    }
}

impl Editable for SystemRecord {
    fn id(&self) -> i64 {
        self.id
    }
    fn label(&self) -> String {
        self.designation.clone()
    }
    fn fields(&self) -> EntryFields {
        system_fields(self)
    }
    fn saved_at(&self) -> i64 {
        self.updated_at.timestamp_micros()
    }
}

impl Editable for crate::domain::rate::ExchangeRate {
    fn id(&self) -> i64 {
        self.id
    }
    fn label(&self) -> String {
        format!("{} {}", self.currency, self.date)
    }
    fn fields(&self) -> EntryFields {
        rate_fields(self)
    }
    fn saved_at(&self) -> i64 {
        self.updated_at.timestamp_micros()
    }
}

/// The version an edit form was opened at.
pub fn version(fields: &EntryFields) -> Result<i64, String> {
    fields
        .trimmed("version")
        .parse()
        .map_err(|_| "The form lost track of the record's version; open it again.".to_owned())
}

fn row_is_blank(fields: &EntryFields, row: usize, names: &[&str]) -> bool {
    names
        .iter()
        .all(|n| fields.trimmed(&format!("line{row}_{n}")).is_empty())
}

/// One filled row of line fields (`line{row}_system`, `_quantity`, `_confidence`, `_value`,
/// `_notes`, and on an edit form the stored line's `_id`; a ceiling line also has `_basis`).
struct Row {
    id: Option<i64>,
    system_id: i64,
    quantity: Option<Quantity>,
    confidence: Confidence,
    value: Option<Money>,
    basis: String,
    notes: String,
}

/// Parses row `row`; `None` for a blank row or one with errors (recorded in `errors`). A ceiling
/// needs its quantity; a contract line may leave it empty (not disclosed).
fn line_row(
    fields: &EntryFields,
    row: usize,
    quantity_required: bool,
    errors: &mut FieldErrors,
) -> Option<Row> {
    if row_is_blank(
        fields,
        row,
        &["system", "quantity", "value", "basis", "notes"],
    ) {
        return None;
    }
    let field = |n: &str| format!("line{row}_{n}");
    let id = errors
        .check(&field("system"), optional_id(fields, &field("id"), "line"))
        .flatten();
    let system_id = errors.check(
        &field("system"),
        optional_id(fields, &field("system"), "system")
            .and_then(|s| s.ok_or_else(|| "Choose the system of this line.".to_owned())),
    );
    let quantity = errors.check(
        &field("quantity"),
        match fields.trimmed(&field("quantity")) {
            "" if !quantity_required => Ok(None),
            q => Quantity::parse(q).map(Some),
        },
    );
    let confidence = errors.check(
        &field("confidence"),
        Confidence::parse(fields.get(&field("confidence"))),
    );
    let value = errors.check(
        &field("value"),
        optional_money(fields, &field("value"), "value_currency").0,
    );
    let basis = errors.check(
        &field("basis"),
        text(fields, &field("basis"), "basis", 300, false),
    );
    let notes = errors.check(
        &field("notes"),
        lines_text(fields, &field("notes"), "line notes", 1000),
    );
    Some(Row {
        id,
        system_id: system_id?,
        quantity: quantity?,
        confidence: confidence?,
        value: value?,
        basis: basis?,
        notes: notes?,
    })
}

/// Parses the new-contract form.
pub fn contract_draft(fields: &EntryFields) -> Result<ContractDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.check(
        "title",
        text(fields, "title", "contract's title", 300, true),
    );
    let agreement_id = errors
        .check(
            "agreement_id",
            optional_id(fields, "agreement_id", "framework agreement"),
        )
        .flatten();
    let supplier_id = errors
        .check(
            "supplier_id",
            optional_id(fields, "supplier_id", "supplier"),
        )
        .flatten();
    let buyer = errors.check("buyer", CountryCode::parse(fields.get("buyer")));
    let agency = errors.check("agency", text(fields, "agency", "agency", 200, false));
    let signed_on = errors.check("signed_on", optional_date(fields, "signed_on"));
    let status = errors.check("status", ContractStatus::parse(fields.get("status")));
    let provenance = provenance(fields, &mut errors);
    let delivery_period = errors.check(
        "delivery_period",
        text(fields, "delivery_period", "delivery period", 100, false),
    );
    let local_production = errors.check(
        "local_production",
        lines_text(fields, "local_production", "local production", 2000),
    );
    let notes = errors.check(
        "notes",
        Notes::parse(fields.get("notes")).map(|n| n.as_str().to_owned()),
    );
    let lines: Vec<LineDraft> = (0..fields.rows("line", LINE_ROWS))
        .filter_map(|row| line_row(fields, row, false, &mut errors))
        .map(|r| LineDraft {
            id: r.id,
            system_id: r.system_id,
            quantity: r.quantity,
            quantity_confidence: r.confidence,
            value: r.value,
            notes: r.notes,
        })
        .collect();
    if lines.is_empty() && errors.iter().all(|(f, _)| !f.starts_with("line")) {
        errors.add(
            "line0_system",
            "Add at least one line: the system sold and how many.",
        );
    }
    match (
        title,
        buyer,
        agency,
        signed_on,
        status,
        delivery_period,
        local_production,
        notes,
        errors.is_empty(),
    ) {
        (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(delivery_period),
            Some(local_production),
            Some(notes),
            true,
        ) => Ok(ContractDraft {
            title,
            agreement_id,
            supplier_id,
            buyer,
            agency,
            signed_on,
            status,
            provenance,
            delivery_period,
            local_production,
            lines,
            notes,
        }),
        _ => Err(errors),
    }
}

/// Parses the new-agreement form.
pub fn agreement_draft(fields: &EntryFields) -> Result<AgreementDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = errors.check(
        "title",
        text(fields, "title", "agreement's title", 300, true),
    );
    let buyer = errors.check("buyer", CountryCode::parse(fields.get("buyer")));
    let agency = errors.check("agency", text(fields, "agency", "agency", 200, false));
    let signed_on = errors.check("signed_on", optional_date(fields, "signed_on"));
    let status = errors.check("status", AgreementStatus::parse(fields.get("status")));
    let mut supplier_ids: Vec<i64> = Vec::new();
    for i in 0..fields.rows("supplier", LINE_ROWS) {
        let name = format!("supplier{i}_id");
        // The same firm chosen twice is one supplier.
        if let Some(id) = errors
            .check(&name, optional_id(fields, &name, "supplier"))
            .flatten()
            && !supplier_ids.contains(&id)
        {
            supplier_ids.push(id);
        }
    }
    if supplier_ids.is_empty() {
        errors.add("supplier0_id", "Choose at least one supplier firm.");
    }
    let provenance = provenance(fields, &mut errors);
    let notes = errors.check(
        "notes",
        Notes::parse(fields.get("notes")).map(|n| n.as_str().to_owned()),
    );
    let ceilings: Vec<CeilingDraft> = (0..fields.rows("line", LINE_ROWS))
        .filter_map(|row| line_row(fields, row, true, &mut errors))
        .filter_map(|r| {
            Some(CeilingDraft {
                system_id: r.system_id,
                quantity: r.quantity?,
                value: r.value,
                confidence: r.confidence,
                basis: r.basis,
                notes: r.notes,
            })
        })
        .collect();
    match (
        title,
        buyer,
        agency,
        signed_on,
        status,
        notes,
        errors.is_empty(),
    ) {
        (
            Some(title),
            Some(buyer),
            Some(agency),
            Some(signed_on),
            Some(status),
            Some(notes),
            true,
        ) => Ok(AgreementDraft {
            title,
            buyer,
            agency,
            signed_on,
            status,
            supplier_ids,
            provenance,
            ceilings,
            notes,
        }),
        _ => Err(errors),
    }
}

/// Parses the system form (`designation`, `description`, `category`, `maker_id`,
/// `variant_of_id`).
pub fn system_draft(fields: &EntryFields) -> Result<SystemDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let designation = errors.check(
        "designation",
        text(
            fields,
            "designation",
            "designation (K9A1, FA-50PL…)",
            100,
            true,
        ),
    );
    let description = errors.check(
        "description",
        lines_text(fields, "description", "description", 2000),
    );
    let category = errors.check("category", Category::parse(fields.get("category")));
    let maker_id = errors.check(
        "maker_id",
        optional_id(fields, "maker_id", "maker")
            .and_then(|m| m.ok_or_else(|| "Choose the firm that makes it.".to_owned())),
    );
    let variant_of_id = errors
        .check(
            "variant_of_id",
            optional_id(fields, "variant_of_id", "base system"),
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

/// Parses the exchange-rate form (`currency`, `date`, `usd_per_unit`, `source`).
pub fn rate_draft(fields: &EntryFields) -> Result<crate::domain::rate::RateDraft, FieldErrors> {
    let mut errors = FieldErrors::new();
    let currency = errors.check(
        "currency",
        CurrencyCode::parse(fields.get("currency")).and_then(|c| match c.as_str() {
            "USD" => {
                Err("A value in US dollars is its own USD equivalent: it needs no rate.".to_owned())
            }
            _ => Ok(c),
        }),
    );
    let date = errors.check(
        "date",
        PartialDate::parse_past(fields.get("date")).and_then(|d| match d.day() {
            Some(_) => Ok(d),
            None => Err("A rate is of a day: write the whole date, YYYY-MM-DD.".to_owned()),
        }),
    );
    let usd_per_unit = errors.check(
        "usd_per_unit",
        crate::domain::rate::parse_usd_per_unit(fields.get("usd_per_unit")),
    );
    let source = errors.check("source", text(fields, "source", "source", 300, true));
    match (currency, date, usd_per_unit, source) {
        (Some(currency), Some(date), Some(usd_per_unit), Some(source)) if errors.is_empty() => {
            Ok(crate::domain::rate::RateDraft {
                currency,
                date,
                usd_per_unit,
                source,
            })
        }
        _ => Err(errors),
    }
}

/// The fields of a stored rate, as its edit form starts.
pub fn rate_fields(rate: &crate::domain::rate::ExchangeRate) -> EntryFields {
    let mut fields = EntryFields::default();
    fields.set("version", rate.version.to_string());
    fields.set("currency", rate.currency.as_str());
    fields.set("date", rate.date.to_string());
    fields.set("usd_per_unit", rate.usd_per_unit.to_string());
    fields.set("source", rate.source.clone());
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> EntryFields {
        EntryFields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    fn good_contract() -> Vec<(&'static str, &'static str)> {
        vec![
            ("title", "K2 executive contract #3"),
            ("buyer", "PL"),
            ("status", "signed"),
            ("signed_on", "2026-01"),
            ("value_amount", "6,500,000,000"),
            ("value_currency", "USD"),
            ("value_confidence", "reported"),
            ("source0_title", "Yonhap"),
            ("line0_system", "3"),
            ("line0_quantity", "180"),
            ("line0_confidence", "confirmed"),
        ]
    }

    #[test]
    fn a_good_contract_parses_with_its_value_and_source() {
        let draft = contract_draft(&fields(&good_contract())).unwrap();
        assert_eq!(draft.lines.len(), 1);
        assert_eq!(draft.lines[0].quantity.unwrap().get(), 180);
        let value = draft.provenance.value.unwrap();
        assert_eq!(value.money.to_string(), "USD 6,500,000,000.00");
        assert_eq!(draft.provenance.value_sources[0].title, "Yonhap");
    }

    #[test]
    fn every_problem_is_reported_at_its_field() {
        let mut bad = good_contract();
        bad.retain(|(k, _)| *k != "title");
        bad.push(("line1_system", "3"));
        bad.push(("line1_quantity", "-4"));
        bad.push(("line1_confidence", "reported"));
        bad.push(("line2_quantity", "12"));
        bad.push(("line2_confidence", "reported"));
        bad.retain(|(k, _)| *k != "value_amount");
        bad.push(("value_amount", "1.234"));
        let errors = contract_draft(&fields(&bad)).unwrap_err();
        assert!(errors.get("title").is_some());
        assert!(errors.get("line1_quantity").unwrap().contains("at least 1"));
        assert_eq!(
            errors.get("line2_system"),
            Some("Choose the system of this line.")
        );
        assert!(
            errors
                .get("value_amount")
                .unwrap()
                .contains("2 decimal places")
        );
        assert!(errors.get("line0_quantity").is_none());
    }

    #[test]
    fn a_conflict_takes_their_untouched_changes_and_lists_the_clashes() {
        let opened = with_base(fields(&[
            ("version", "3"),
            ("title", "K2 #2"),
            ("agency", "AU"),
            ("line0_quantity", "180"),
        ]));
        let mut mine = opened.clone();
        mine.0.insert("line0_quantity".into(), "190".into());
        mine.0.insert("agency".into(), "Armament Agency".into());
        let theirs = fields(&[
            ("version", "4"),
            ("title", "K2 executive contract #2"),
            ("agency", "Agencja Uzbrojenia"),
            ("line0_quantity", "180"),
        ]);
        let (merged, conflict) = merge(&mine, &theirs, 0);
        assert_eq!(merged.get("version"), "4");
        assert_eq!(merged.get("title"), "K2 executive contract #2"); // theirs, untouched by me
        assert_eq!(merged.get("line0_quantity"), "190"); // mine, untouched by them
        assert_eq!(merged.get("agency"), "Armament Agency"); // both: mine kept…
        assert_eq!(
            conflict.clashes,
            vec![("agency".to_owned(), "Agencja Uzbrojenia".to_owned())] // …theirs shown
        );
        assert_eq!(conflict.taken.len(), 1);
        // The next save compares against what is stored now.
        let (_, again) = merge(&merged, &theirs, 0);
        assert!(again.taken.is_empty() && again.clashes.is_empty());
        assert_eq!(field_label("line2_quantity"), "Line 3: quantity");
        assert_eq!(field_label("value_amount"), "Value");
    }

    #[test]
    fn a_stored_contract_comes_back_from_its_edit_fields() {
        use crate::domain::register::{Contract, ContractLine, Named};
        let draft = contract_draft(&fields(&good_contract())).unwrap();
        let contract = Contract {
            id: 9,
            title: draft.title.clone(),
            agreement: None,
            supplier: Some(Named {
                id: 2,
                name: "Hyundai Rotem".into(),
            }),
            buyer: draft.buyer,
            agency: String::new(),
            signed_on: draft.signed_on,
            status: draft.status,
            provenance: draft.provenance.clone(),
            delivery_period: String::new(),
            local_production: String::new(),
            lines: vec![ContractLine {
                id: 41,
                system: Named {
                    id: 3,
                    name: "K2".into(),
                },
                category: crate::domain::Category::ArmouredVehicles,
                quantity: draft.lines[0].quantity,
                quantity_confidence: draft.lines[0].quantity_confidence,
                value: None,
                notes: "first 180".into(),
                delivered: 0,
            }],
            deliveries: vec![],
            usd: None,
            notes: String::new(),
            version: 2,
            updated_at: chrono::Utc::now(),
        };
        let fields = contract_fields(&contract);
        assert_eq!(version(&fields), Ok(2));
        let again = contract_draft(&fields).unwrap();
        assert_eq!(again.provenance, draft.provenance);
        assert_eq!(again.lines[0].id, Some(41));
        assert_eq!(again.lines[0].notes, "first 180");
        assert_eq!(again.supplier_id, Some(2));
    }

    #[test]
    fn sources_back_the_value_an_alternative_or_the_record() {
        let mut input = good_contract();
        input.extend([
            ("alt0_amount", "6,700,000,000"),
            ("alt0_currency", "USD"),
            ("alt0_confidence", "reported"),
            ("alt0_basis", "Polish side"),
            ("source1_title", "Polish MoD"),
            ("source1_backs", "alt0"),
            ("source2_title", "SIPRI"),
            ("source2_backs", "record"),
        ]);
        let draft = contract_draft(&fields(&input)).unwrap();
        let p = &draft.provenance;
        assert_eq!(p.value_sources.len(), 1);
        assert_eq!(p.alternatives[0].sources[0].title, "Polish MoD");
        assert_eq!(p.alternatives[0].figure.basis, "Polish side");
        assert_eq!(p.sources[0].title, "SIPRI");

        input.push(("source3_title", "Nowhere"));
        input.push(("source3_backs", "alt1"));
        input.push(("alt2_basis", "no amount"));
        let errors = contract_draft(&fields(&input)).unwrap_err();
        assert!(errors.get("source3_backs").is_some());
        assert!(errors.get("alt2_amount").is_some());
    }

    #[test]
    fn a_contract_needs_a_line_and_an_agreement_a_supplier() {
        let no_lines: Vec<_> = good_contract()
            .into_iter()
            .filter(|(k, _)| !k.starts_with("line"))
            .collect();
        assert!(
            contract_draft(&fields(&no_lines))
                .unwrap_err()
                .get("line0_system")
                .is_some()
        );
        let agreement = fields(&[
            ("title", "Framework"),
            ("buyer", "PL"),
            ("status", "signed"),
        ]);
        assert!(
            agreement_draft(&agreement)
                .unwrap_err()
                .get("supplier0_id")
                .is_some()
        );
    }

    #[test]
    fn a_rate_is_not_for_us_dollars() {
        let errors = rate_draft(&fields(&[
            ("currency", "USD"),
            ("date", "2020-01-01"),
            ("usd_per_unit", "1"),
            ("source", "Test"),
        ]))
        .unwrap_err();
        assert!(errors.get("currency").unwrap().contains("needs no rate"));
        assert!(
            rate_draft(&fields(&[
                ("currency", "EUR"),
                ("date", "2020-01-01"),
                ("usd_per_unit", "1.1"),
                ("source", "Test"),
            ]))
            .is_ok()
        );
    }
}
