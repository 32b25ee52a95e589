//! The audit trail as pages read it: entries, their filter, and a record's change as a list of
//! fields with their values before and after.

use super::account::Role;
use super::{CountryCode, CurrencyCode, Money};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    SignIn,
    SignInFailed,
    SignOut,
    Refused,
}

impl AuditAction {
    pub const ALL: [AuditAction; 7] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::SignIn => "sign-in",
            AuditAction::SignInFailed => "sign-in failed",
            AuditAction::SignOut => "sign-out",
            AuditAction::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// The kinds of record whose changes are on record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordKind {
    Contract,
    Agreement,
    Firm,
    System,
    Delivery,
    Rate,
    User,
}

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Contract,
        RecordKind::Agreement,
        RecordKind::Firm,
        RecordKind::System,
        RecordKind::Delivery,
        RecordKind::Rate,
        RecordKind::User,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Contract => "contract",
            RecordKind::Agreement => "agreement",
            RecordKind::Firm => "firm",
            RecordKind::System => "system",
            RecordKind::Delivery => "delivery",
            RecordKind::Rate => "rate",
            RecordKind::User => "user",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// "Contract 7": how a message names the record.
    pub fn title(self, id: i64) -> String {
        let kind = self.as_str();
        let mut chars = kind.chars();
        let first = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .unwrap_or_default();
        format!("{first}{} {id}", chars.as_str())
    }

    /// The record's page, where it has one.
    pub fn href(self, id: i64) -> Option<String> {
        let base = match self {
            RecordKind::Contract => "contracts",
            RecordKind::Agreement => "agreements",
            RecordKind::Firm => "firms",
            RecordKind::System => "systems",
            RecordKind::Rate => "rates",
            RecordKind::Delivery | RecordKind::User => return None,
        };
        Some(format!("/{base}/{id}"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub record: Option<(RecordKind, i64)>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub detail: String,
    pub client: String,
}

/// One field that a change touched: its path ("lines 2 · quantity") and its values as text
/// ("" where it had none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// `Value: USD 1,000.00 → USD 1,200.00`, as the import's preview and its command line list it.
impl std::fmt::Display for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} \u{2192} {}", self.field, self.before, self.after)
    }
}

impl AuditEntry {
    /// The fields whose values differ between before and after, in the record's column order.
    pub fn changes(&self) -> Vec<FieldChange> {
        let mut before = Vec::new();
        let mut after = Vec::new();
        if let Some(value) = &self.before {
            flatten("", value, &mut before);
        }
        if let Some(value) = &self.after {
            flatten("", value, &mut after);
        }
        let mut fields: Vec<&String> = before.iter().map(|(f, _)| f).collect();
        for (field, _) in &after {
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
        let find = |list: &[(String, String)], field: &str| {
            list.iter()
                .find(|(f, _)| f == field)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        fields
            .into_iter()
            .map(|field| FieldChange {
                field: field.clone(),
                before: find(&before, field),
                after: find(&after, field),
            })
            .filter(|change| change.before != change.after)
            .collect()
    }
}

/// Leaf values of `value` with their paths; list items are numbered from 1.
fn flatten(path: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path} · {key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                flatten(&join(key), value, out);
            }
        }
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                flatten(&join(&(n + 1).to_string()), item, out);
            }
        }
        Value::Null => out.push((path.to_owned(), String::new())),
        Value::String(text) => out.push((path.to_owned(), text.clone())),
        other => out.push((path.to_owned(), other.to_string())),
    }
}

/// What a reference column points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RefTo {
    Firm,
    System,
    Agreement,
    /// A contract line (a delivery's): named by its contract and system.
    Line,
}

/// How a stored column reads in a history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// As stored.
    Text,
    /// Not shown: it orders rows, or repeats another column (a year of a date, the id of the
    /// record the page is about).
    Hidden,
    /// Integer minor units of the currency held in the named column of the same row.
    Money(&'static str),
    /// The currency of the named money column: shown with its amount.
    CurrencyOf(&'static str),
    /// US dollars per unit times 10^9.
    Rate,
    /// The id of another record: shown by its name, linked to its page.
    Ref(RefTo),
    /// An ISO 3166-1 code, shown by the country's name.
    Country,
    /// A flag, "yes" or "no".
    Flag,
}

/// A stored column with the label its record page gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    /// "" for the only column of a list item (a supplier): the item's own label names it.
    pub label: &'static str,
    pub shape: Shape,
}

/// A part of a record's snapshot: its own row (key "") or a list of dependent rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub key: &'static str,
    /// What one row of the list is called ("Line"); numbered from 1 in a history.
    pub item: &'static str,
    pub columns: &'static [Column],
}

const fn col(name: &'static str, label: &'static str, shape: Shape) -> Column {
    Column { name, label, shape }
}

const fn text(name: &'static str, label: &'static str) -> Column {
    col(name, label, Shape::Text)
}

const fn hidden(name: &'static str) -> Column {
    col(name, "", Shape::Hidden)
}

const OTHER_FIGURES: Part = Part {
    key: "other figures",
    item: "Other figure",
    columns: &[
        hidden("position"),
        col("amount_minor", "Amount", Shape::Money("currency")),
        col("currency", "", Shape::CurrencyOf("amount_minor")),
        text("confidence", "Confidence"),
        text("basis", "Basis"),
    ],
};

const SOURCES: Part = Part {
    key: "sources",
    item: "Source",
    columns: &[
        col("backs_value", "Supports the value", Shape::Flag),
        hidden("position"),
        text("title", "Title"),
        text("publisher", "Publisher"),
        text("url", "Address"),
        text("published_on", "Published"),
    ],
};

/// The deal's own value columns, shared by contracts and agreements.
macro_rules! deal_columns {
    ($($before:expr),* ; $($after:expr),*) => {
        &[
            hidden("id"),
            text("title", "Title"),
            $($before,)*
            col("buyer_code", "Buyer", Shape::Country),
            text("agency", "Buying agency"),
            text("signed_on", "Signed"),
            hidden("signed_year"),
            text("status", "Status"),
            col("value_minor", "Value", Shape::Money("value_currency")),
            col("value_currency", "", Shape::CurrencyOf("value_minor")),
            text("value_confidence", "Value confidence"),
            text("value_basis", "Value basis"),
            $($after,)*
            text("notes", "Notes"),
        ]
    };
}

const CONTRACT: &[Part] = &[
    Part {
        key: "",
        item: "",
        columns: deal_columns!(
            col("agreement_id", "Framework agreement", Shape::Ref(RefTo::Agreement)),
            col("supplier_id", "Supplier", Shape::Ref(RefTo::Firm));
            text("delivery_period", "Delivery period"),
            text("local_production", "Local production")
        ),
    },
    Part {
        key: "lines",
        item: "Line",
        columns: &[
            hidden("position"),
            col("system_id", "System", Shape::Ref(RefTo::System)),
            text("quantity", "Quantity"),
            text("quantity_confidence", "Quantity confidence"),
            col("value_minor", "Value", Shape::Money("value_currency")),
            col("value_currency", "", Shape::CurrencyOf("value_minor")),
            text("notes", "Notes"),
        ],
    },
    OTHER_FIGURES,
    SOURCES,
];

const AGREEMENT: &[Part] = &[
    Part {
        key: "",
        item: "",
        columns: deal_columns!(;),
    },
    Part {
        key: "suppliers",
        item: "Supplier",
        columns: &[col("firm_id", "", Shape::Ref(RefTo::Firm))],
    },
    Part {
        key: "ceiling lines",
        item: "Ceiling line",
        columns: &[
            hidden("position"),
            col("system_id", "System", Shape::Ref(RefTo::System)),
            text("quantity", "Ceiling"),
            col("value_minor", "Value", Shape::Money("value_currency")),
            col("value_currency", "", Shape::CurrencyOf("value_minor")),
            text("confidence", "Confidence"),
            text("basis", "Basis"),
            text("notes", "Notes"),
        ],
    },
    OTHER_FIGURES,
    SOURCES,
];

const FIRM: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("name", "Name"),
        col("country_code", "Home country", Shape::Country),
        text("website", "Website"),
        text("notes", "Notes"),
        col("parent_id", "Part of", Shape::Ref(RefTo::Firm)),
    ],
}];

const SYSTEM: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("designation", "Designation"),
        text("description", "Description"),
        text("category", "Category"),
        col("maker_id", "Maker", Shape::Ref(RefTo::Firm)),
        col("variant_of_id", "Variant of", Shape::Ref(RefTo::System)),
    ],
}];

const DELIVERY: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        col("line_id", "Line", Shape::Ref(RefTo::Line)),
        text("delivered_on", "Delivered on"),
        hidden("delivered_year"),
        text("units", "Units"),
        text("confidence", "Confidence"),
        text("notes", "Notes"),
    ],
}];

const RATE: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("currency", "Currency"),
        text("rate_date", "Date"),
        col("usd_nanos", "US dollars per unit", Shape::Rate),
        text("source", "Source"),
    ],
}];

const USER: &[Part] = &[Part {
    key: "",
    item: "",
    columns: &[
        hidden("id"),
        text("username", "Username"),
        text("role", "Role"),
        col("disabled", "Disabled", Shape::Flag),
    ],
}];

impl RecordKind {
    /// How the kind's audit snapshot is laid out and labelled: its own row first.
    pub fn parts(self) -> &'static [Part] {
        match self {
            RecordKind::Contract => CONTRACT,
            RecordKind::Agreement => AGREEMENT,
            RecordKind::Firm => FIRM,
            RecordKind::System => SYSTEM,
            RecordKind::Delivery => DELIVERY,
            RecordKind::Rate => RATE,
            RecordKind::User => USER,
        }
    }

    /// Column `name` of the snapshot's part `key` ("" for the record's own row).
    pub fn column(self, key: &str, name: &str) -> Option<&'static Column> {
        self.parts()
            .iter()
            .find(|part| part.key == key)?
            .columns
            .iter()
            .find(|column| column.name == name)
    }

    /// Who may read this kind's history: the same role as the pages that show the records
    /// (user records are on the admins' users page, everything else is open to viewers).
    pub fn history_role(self) -> Role {
        match self {
            RecordKind::User => Role::Admin,
            _ => Role::Viewer,
        }
    }
}

/// A value as a reader sees it, and the page of the record it names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub text: String,
    pub href: Option<String>,
}

impl Shown {
    fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: None,
        }
    }
}

/// A field a change touched, labelled and formatted ("Line 2 · Value": "USD 1,000.00").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownChange {
    pub field: String,
    pub before: Shown,
    pub after: Shown,
}

/// An entry as its readers see it: its changes labelled, formatted and with names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShownEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub record: Option<(RecordKind, i64)>,
    pub detail: String,
    pub client: String,
    pub changes: Vec<ShownChange>,
}

/// The current names of referenced records; one that is missing has been deleted.
#[derive(Debug, Clone, Default)]
pub struct Names(HashMap<(RefTo, i64), Shown>);

impl Names {
    pub fn insert(&mut self, to: RefTo, id: i64, name: String, href: String) {
        self.0.insert(
            (to, id),
            Shown {
                text: name,
                href: Some(href),
            },
        );
    }

    fn get(&self, to: RefTo, id: i64) -> Shown {
        self.0
            .get(&(to, id))
            .cloned()
            .unwrap_or_else(|| Shown::text(format!("#{id} (deleted)")))
    }
}

/// A JSON cell's text: "" for null.
fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `value` of `column` as a reader sees it; `row` holds the columns it reads with it (a
/// currency). `None` for a column that is not shown.
fn shown_cell(
    column: Option<&Column>,
    value: &Value,
    row: &serde_json::Map<String, Value>,
    names: &Names,
) -> Option<Shown> {
    let Some(column) = column else {
        return Some(Shown::text(plain(value)));
    };
    if value.is_null() {
        return match column.shape {
            Shape::Hidden | Shape::CurrencyOf(_) => None,
            _ => Some(Shown::default()),
        };
    }
    let shown = match column.shape {
        Shape::Hidden | Shape::CurrencyOf(_) => return None,
        Shape::Text => Shown::text(plain(value)),
        Shape::Money(currency) => {
            let code = row.get(currency).map(plain).unwrap_or_default();
            match (value.as_i64(), CurrencyCode::parse(&code)) {
                (Some(minor), Ok(code)) => Shown::text(Money::from_minor(minor, code).to_string()),
                _ => Shown::text(format!("{code} {} (minor units)", plain(value))),
            }
        }
        Shape::Rate => match value.as_i64() {
            Some(nanos) => Shown::text(crate::domain::rate::from_nanos(nanos).to_string()),
            None => Shown::text(plain(value)),
        },
        Shape::Ref(to) => match value.as_i64() {
            Some(id) => names.get(to, id),
            None => Shown::text(plain(value)),
        },
        Shape::Country => {
            let code = plain(value);
            Shown::text(
                CountryCode::parse(&code)
                    .map(|c| c.name().to_owned())
                    .unwrap_or(code),
            )
        }
        Shape::Flag => Shown::text(match value {
            Value::Bool(true) => "yes",
            Value::Bool(false) => "no",
            other if other.as_i64() == Some(0) => "no",
            other if other.as_i64().is_some() => "yes",
            _ => return Some(Shown::text(plain(value))),
        }),
    };
    Some(shown)
}

/// The cells of `row` in the order of `columns`, then those `columns` does not know (under
/// their stored names, so a column added to a table without a label here still shows).
fn ordered<'a>(
    columns: &'static [Column],
    row: &'a serde_json::Map<String, Value>,
) -> Vec<(&'a str, Option<&'static Column>, &'a Value)> {
    let mut out: Vec<_> = columns
        .iter()
        .filter_map(|c| row.get(c.name).map(|v| (c.name, Some(c), v)))
        .collect();
    out.extend(
        row.iter()
            .filter(|(name, value)| {
                !value.is_array() && !columns.iter().any(|c| c.name == name.as_str())
            })
            .map(|(name, value)| (name.as_str(), None, value)),
    );
    out
}

/// Each shown field of a snapshot of `kind` with its labelled path, in the layout's order.
fn shown_fields(kind: RecordKind, snapshot: &Value, names: &Names) -> Vec<(String, Shown)> {
    let mut out = Vec::new();
    let Value::Object(record) = snapshot else {
        return out;
    };
    let parts = kind.parts();
    let own = parts
        .iter()
        .find(|p| p.key.is_empty())
        .map_or(&[][..], |p| p.columns);
    for (name, column, cell) in ordered(own, record) {
        if let Some(shown) = shown_cell(column, cell, record, names) {
            out.push((column.map_or(name, |c| c.label).to_owned(), shown));
        }
    }
    let mut lists: Vec<(&str, Option<&Part>, &Vec<Value>)> = parts
        .iter()
        .filter_map(|p| match record.get(p.key) {
            Some(Value::Array(items)) => Some((p.key, Some(p), items)),
            _ => None,
        })
        .collect();
    lists.extend(record.iter().filter_map(|(key, value)| match value {
        Value::Array(items) if !parts.iter().any(|p| p.key == key.as_str()) => {
            Some((key.as_str(), None, items))
        }
        _ => None,
    }));
    for (key, part, items) in lists {
        let item = part.map_or(key, |p| p.item);
        let columns = part.map_or(&[][..], |p| p.columns);
        for (n, row) in items.iter().enumerate() {
            let prefix = format!("{item} {}", n + 1);
            let Value::Object(row) = row else {
                out.push((prefix, Shown::text(plain(row))));
                continue;
            };
            for (name, column, cell) in ordered(columns, row) {
                if let Some(shown) = shown_cell(column, cell, row, names) {
                    let label = match column.map(|c| c.label) {
                        Some("") => prefix.clone(),
                        Some(label) => format!("{prefix} · {label}"),
                        None => format!("{prefix} · {name}"),
                    };
                    out.push((label, shown));
                }
            }
        }
    }
    out
}

/// Every reference id a snapshot of `kind` holds.
fn references(kind: RecordKind, snapshot: &Value, out: &mut Vec<(RefTo, i64)>) {
    let Value::Object(record) = snapshot else {
        return;
    };
    let mut take = |key: &str, row: &serde_json::Map<String, Value>| {
        for (name, cell) in row {
            if let Some(Column {
                shape: Shape::Ref(to),
                ..
            }) = kind.column(key, name)
                && let Some(id) = cell.as_i64()
            {
                out.push((*to, id));
            }
        }
    };
    take("", record);
    for (key, value) in record {
        if let Value::Array(items) = value {
            for item in items {
                if let Value::Object(row) = item {
                    take(key, row);
                }
            }
        }
    }
}

impl AuditEntry {
    /// The records this entry's values refer to, for [`AuditEntry::shown`]'s names.
    pub fn references(&self) -> Vec<(RefTo, i64)> {
        let mut out = Vec::new();
        if let Some((kind, _)) = self.record {
            for snapshot in [&self.before, &self.after].into_iter().flatten() {
                references(kind, snapshot, &mut out);
            }
        }
        out
    }

    /// The entry with its changes as a reader sees them: the record page's labels, money with
    /// its currency, rates as rates, and references by their current `names`. Fields whose
    /// shown values are the same before and after are left out.
    pub fn shown(&self, names: &Names) -> ShownEntry {
        let changes = match self.record {
            Some((kind, _)) => {
                let fields = |snapshot: &Option<Value>| {
                    snapshot
                        .as_ref()
                        .map(|s| shown_fields(kind, s, names))
                        .unwrap_or_default()
                };
                let (before, after) = (fields(&self.before), fields(&self.after));
                let mut labels: Vec<&String> = before.iter().map(|(f, _)| f).collect();
                for (field, _) in &after {
                    if !labels.contains(&field) {
                        labels.push(field);
                    }
                }
                let find = |list: &[(String, Shown)], field: &str| {
                    list.iter()
                        .find(|(f, _)| f == field)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                labels
                    .into_iter()
                    .map(|field| ShownChange {
                        field: field.clone(),
                        before: find(&before, field),
                        after: find(&after, field),
                    })
                    .filter(|change| change.before != change.after)
                    .collect()
            }
            None => Vec::new(),
        };
        ShownEntry {
            id: self.id,
            at: self.at,
            actor: self.actor.clone(),
            action: self.action,
            record: self.record,
            detail: self.detail.clone(),
            client: self.client.clone(),
            changes,
        }
    }
}

pub const AUDIT_PER_PAGE: u32 = 50;

/// The audit page's filter, carried in its address like the lists' filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
    pub kind: Option<RecordKind>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub page: u32,
}

impl AuditFilter {
    /// Reads the address's query; values that do not parse are named in the second list.
    pub fn from_query(pairs: &[(String, String)]) -> (Self, Vec<String>) {
        let mut filter = Self {
            page: 1,
            ..Self::default()
        };
        let mut bad = Vec::new();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let ok = match key.as_str() {
                "actor" => super::text::clean(value, super::text::Lines::One)
                    .map(|actor| filter.actor = Some(actor))
                    .is_ok(),
                "action" => {
                    filter.action = AuditAction::parse(value);
                    filter.action.is_some()
                }
                "kind" => {
                    filter.kind = RecordKind::parse(value);
                    filter.kind.is_some()
                }
                "from" => {
                    filter.from = value.parse().ok();
                    filter.from.is_some()
                }
                "to" => {
                    filter.to = value.parse().ok();
                    filter.to.is_some()
                }
                "page" => match value.parse::<u32>() {
                    Ok(page) if page >= 1 => {
                        filter.page = page;
                        true
                    }
                    _ => false,
                },
                _ => true,
            };
            if !ok {
                bad.push(format!("{key}={value}"));
            }
        }
        (filter, bad)
    }

    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(actor) = &self.actor {
            pairs.push(("actor", actor.clone()));
        }
        if let Some(action) = self.action {
            pairs.push(("action", action.as_str().to_owned()));
        }
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.as_str().to_owned()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    pub fn limit(&self) -> u32 {
        AUDIT_PER_PAGE
    }

    pub fn offset(&self) -> u32 {
        (self.page.max(1) - 1) * AUDIT_PER_PAGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(before: Option<Value>, after: Option<Value>) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: Utc::now(),
            actor: "anna".into(),
            action: AuditAction::Update,
            record: Some((RecordKind::Contract, 7)),
            before,
            after,
            detail: String::new(),
            client: String::new(),
        }
    }

    #[test]
    fn changes_list_only_the_fields_that_differ() {
        let before = json!({"title": "K2", "value_minor": 100, "lines": [{"quantity": 180}]});
        let after = json!({"title": "K2", "value_minor": 250, "lines": [{"quantity": 180}, {"quantity": 64}]});
        let changes = entry(Some(before), Some(after)).changes();
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "value_minor".into(),
                    before: "100".into(),
                    after: "250".into()
                },
                FieldChange {
                    field: "lines · 2 · quantity".into(),
                    before: String::new(),
                    after: "64".into()
                },
            ]
        );
    }

    #[test]
    fn a_create_shows_every_field_with_a_value() {
        let changes = entry(None, Some(json!({"title": "K9", "notes": null}))).changes();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].field, "title");
        assert_eq!(changes[0].after, "K9");
    }

    fn shown_changes(entry: &AuditEntry, names: &Names) -> Vec<(String, String, String)> {
        entry
            .shown(names)
            .changes
            .into_iter()
            .map(|c| (c.field, c.before.text, c.after.text))
            .collect()
    }

    #[test]
    fn shown_changes_use_labels_money_rates_and_names() {
        let before = json!({
            "id": 7, "title": "K2", "supplier_id": 2, "buyer_code": "PL", "signed_year": 2022,
            "value_minor": 337_000_000_000_i64, "value_currency": "USD",
            "lines": [{"position": 0, "system_id": 5, "value_minor": 100, "value_currency": "USD"}],
        });
        let after = json!({
            "id": 7, "title": "K2", "supplier_id": 3, "buyer_code": "PL", "signed_year": 2023,
            "value_minor": 337_000_000_000_i64, "value_currency": "KRW",
            "lines": [{"position": 0, "system_id": 5, "value_minor": 100, "value_currency": "KRW"}],
        });
        let mut names = Names::default();
        names.insert(RefTo::Firm, 3, "Hanwha Aerospace".into(), "/firms/3".into());
        names.insert(RefTo::System, 5, "K2".into(), "/systems/5".into());
        let entry = entry(Some(before), Some(after));
        let mut refs = entry.references();
        refs.sort();
        refs.dedup();
        assert_eq!(
            refs,
            vec![(RefTo::Firm, 2), (RefTo::Firm, 3), (RefTo::System, 5)]
        );
        assert_eq!(
            shown_changes(&entry, &names),
            vec![
                (
                    "Supplier".into(),
                    "#2 (deleted)".into(),
                    "Hanwha Aerospace".into()
                ),
                (
                    "Value".into(),
                    "USD 3,370,000,000.00".into(),
                    "KRW 337,000,000,000".into()
                ),
                ("Line 1 · Value".into(), "USD 1.00".into(), "KRW 100".into()),
            ],
            "a currency change shows on its amount; the derived year is not shown"
        );
        let supplier = &entry.shown(&names).changes[0].after;
        assert_eq!(supplier.href.as_deref(), Some("/firms/3"));
    }

    #[test]
    fn rates_flags_and_unknown_columns_read_plainly() {
        let rate = AuditEntry {
            record: Some((RecordKind::Rate, 1)),
            ..entry(
                Some(json!({"usd_nanos": 680_000, "currency": "KRW"})),
                Some(json!({"usd_nanos": 1_081_300_000, "currency": "KRW", "new_column": "x"})),
            )
        };
        assert_eq!(
            shown_changes(&rate, &Names::default()),
            vec![
                (
                    "US dollars per unit".into(),
                    "0.00068".into(),
                    "1.0813".into()
                ),
                ("new_column".into(), String::new(), "x".into()),
            ],
            "a column without a label still shows, under its stored name"
        );
        let user = AuditEntry {
            record: Some((RecordKind::User, 1)),
            ..entry(
                Some(json!({"disabled": 0})),
                Some(json!({"disabled": true})),
            )
        };
        assert_eq!(
            shown_changes(&user, &Names::default()),
            vec![("Disabled".into(), "no".into(), "yes".into())]
        );
    }

    #[test]
    fn filters_read_their_address_and_name_bad_values() {
        let pairs: Vec<(String, String)> = [
            ("actor", "anna"),
            ("action", "update"),
            ("kind", "contract"),
            ("from", "2026-01-01"),
            ("to", "2026-13-01"),
            ("page", "2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (filter, bad) = AuditFilter::from_query(&pairs);
        assert_eq!(filter.actor.as_deref(), Some("anna"));
        assert_eq!(filter.action, Some(AuditAction::Update));
        assert_eq!(filter.kind, Some(RecordKind::Contract));
        assert_eq!(filter.from, NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(filter.to, None);
        assert_eq!(bad, vec!["to=2026-13-01".to_owned()]);
        assert_eq!(filter.offset(), AUDIT_PER_PAGE);
        assert_eq!(
            filter.to_query(),
            "actor=anna&action=update&kind=contract&from=2026-01-01"
        );
    }
}
