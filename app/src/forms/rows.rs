//! The numbered rows the agreement and contract forms share, typed: a value, other reported
//! figures, sources and lines. Each row type knows its fields' names in the posted form
//! (`line2_quantity`, `source0_title`): messages and echoes get their keys from here.

use super::fields::{ALTERNATIVE_ROWS, EntryFields, LINE_ROWS, SOURCE_ROWS};

/// The name of field `name` of row `row` of rows called `prefix`: `line2_quantity`.
fn row_key(prefix: &str, row: usize, name: &str) -> String {
    format!("{prefix}{row}_{name}")
}

/// The chosen value, as typed: `value_amount`, `value_currency`, `value_confidence`,
/// `value_basis`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValueForm {
    pub amount: String,
    pub currency: String,
    pub confidence: String,
    pub basis: String,
}

impl ValueForm {
    pub const AMOUNT: &str = "value_amount";
    pub const CURRENCY: &str = "value_currency";
    pub const CONFIDENCE: &str = "value_confidence";
    pub const BASIS: &str = "value_basis";

    pub fn read(fields: &EntryFields) -> Self {
        Self {
            amount: fields.get(Self::AMOUNT).to_owned(),
            currency: fields.get(Self::CURRENCY).to_owned(),
            confidence: fields.get(Self::CONFIDENCE).to_owned(),
            basis: fields.get(Self::BASIS).to_owned(),
        }
    }

    pub fn write(&self, fields: &mut EntryFields) {
        fields.set(Self::AMOUNT, self.amount.clone());
        fields.set(Self::CURRENCY, self.currency.clone());
        fields.set(Self::CONFIDENCE, self.confidence.clone());
        fields.set(Self::BASIS, self.basis.clone());
    }
}

/// Another figure a source gives (`alt{n}_amount`, `_currency`, `_confidence`, `_basis`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlternativeForm {
    pub amount: String,
    pub currency: String,
    pub confidence: String,
    pub basis: String,
}

impl AlternativeForm {
    pub const PREFIX: &str = "alt";

    pub fn key(row: usize, name: &str) -> String {
        row_key(Self::PREFIX, row, name)
    }

    /// What a source row's `backs` says to support the alternative of row `row`.
    pub fn backs(row: usize) -> String {
        format!("{}{row}", Self::PREFIX)
    }

    pub fn is_blank(&self) -> bool {
        self.amount.trim().is_empty() && self.basis.trim().is_empty()
    }

    fn read(fields: &EntryFields, row: usize) -> Self {
        let get = |name: &str| fields.get(&Self::key(row, name)).to_owned();
        Self {
            amount: get("amount"),
            currency: get("currency"),
            confidence: get("confidence"),
            basis: get("basis"),
        }
    }

    fn write(&self, fields: &mut EntryFields, row: usize) {
        fields.set(Self::key(row, "amount"), self.amount.clone());
        fields.set(Self::key(row, "currency"), self.currency.clone());
        fields.set(Self::key(row, "confidence"), self.confidence.clone());
        fields.set(Self::key(row, "basis"), self.basis.clone());
    }
}

/// A source (`source{n}_title`, `_publisher`, `_url`, `_date`, `_backs`); `backs` is
/// `value`, `record` or `alt{n}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceForm {
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub date: String,
    pub backs: String,
}

impl SourceForm {
    pub const PREFIX: &str = "source";

    pub fn key(row: usize, name: &str) -> String {
        row_key(Self::PREFIX, row, name)
    }

    pub fn read(fields: &EntryFields, row: usize) -> Self {
        let get = |name: &str| fields.get(&Self::key(row, name)).to_owned();
        Self {
            title: get("title"),
            publisher: get("publisher"),
            url: get("url"),
            date: get("date"),
            backs: get("backs"),
        }
    }

    fn write(&self, fields: &mut EntryFields, row: usize) {
        fields.set(Self::key(row, "title"), self.title.clone());
        fields.set(Self::key(row, "publisher"), self.publisher.clone());
        fields.set(Self::key(row, "url"), self.url.clone());
        fields.set(Self::key(row, "date"), self.date.clone());
        fields.set(Self::key(row, "backs"), self.backs.clone());
    }
}

/// An identifier in another register (`ident{n}_kind`, `_value`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentifierForm {
    pub kind: String,
    pub value: String,
}

impl IdentifierForm {
    pub const PREFIX: &str = "ident";

    pub fn key(row: usize, name: &str) -> String {
        row_key(Self::PREFIX, row, name)
    }

    pub fn is_blank(&self) -> bool {
        self.kind.trim().is_empty() && self.value.trim().is_empty()
    }

    fn read(fields: &EntryFields, row: usize) -> Self {
        Self {
            kind: fields.get(&Self::key(row, "kind")).to_owned(),
            value: fields.get(&Self::key(row, "value")).to_owned(),
        }
    }

    fn write(&self, fields: &mut EntryFields, row: usize) {
        fields.set(Self::key(row, "kind"), self.kind.clone());
        fields.set(Self::key(row, "value"), self.value.clone());
    }
}

/// What a record's figures and sources are, as typed: its value, the other figures, the
/// sources of each, and its identifiers in other registers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvenanceForm {
    pub value: ValueForm,
    pub alternatives: Vec<AlternativeForm>,
    pub sources: Vec<SourceForm>,
    pub identifiers: Vec<IdentifierForm>,
}

impl ProvenanceForm {
    pub fn read(fields: &EntryFields) -> Self {
        Self {
            value: ValueForm::read(fields),
            alternatives: (0..fields.rows(AlternativeForm::PREFIX, ALTERNATIVE_ROWS))
                .map(|row| AlternativeForm::read(fields, row))
                .collect(),
            sources: (0..fields.rows(SourceForm::PREFIX, SOURCE_ROWS))
                .map(|row| SourceForm::read(fields, row))
                .collect(),
            identifiers: (0..fields.rows(IdentifierForm::PREFIX, 1))
                .map(|row| IdentifierForm::read(fields, row))
                .collect(),
        }
    }

    pub fn write(&self, fields: &mut EntryFields) {
        self.value.write(fields);
        for (row, alternative) in self.alternatives.iter().enumerate() {
            alternative.write(fields, row);
        }
        for (row, source) in self.sources.iter().enumerate() {
            source.write(fields, row);
        }
        for (row, identifier) in self.identifiers.iter().enumerate() {
            identifier.write(fields, row);
        }
    }
}

/// A line of an agreement (a ceiling) or a contract (`line{n}_system`, `_quantity`,
/// `_confidence`, `_value`, `_notes`; a ceiling also `_basis`; a contract line also `_options`
/// and `_exercised`, and a stored one `_id`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineForm {
    pub id: String,
    pub system: String,
    pub quantity: String,
    pub confidence: String,
    /// In the record's currency (the value's).
    pub value: String,
    pub basis: String,
    pub notes: String,
    /// Option units not exercised yet (contract lines).
    pub options: String,
    /// Of the quantity, the units that came from options exercised (contract lines).
    pub exercised: String,
}

impl LineForm {
    pub const PREFIX: &str = "line";

    pub fn key(row: usize, name: &str) -> String {
        row_key(Self::PREFIX, row, name)
    }

    /// A row with nothing typed in it: no line.
    pub fn is_blank(&self) -> bool {
        [
            &self.system,
            &self.quantity,
            &self.value,
            &self.basis,
            &self.notes,
            &self.options,
            &self.exercised,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }

    /// The form's line rows.
    pub fn read_all(fields: &EntryFields) -> Vec<Self> {
        (0..fields.rows(Self::PREFIX, LINE_ROWS))
            .map(|row| {
                let get = |name: &str| fields.get(&Self::key(row, name)).to_owned();
                Self {
                    id: get("id"),
                    system: get("system"),
                    quantity: get("quantity"),
                    confidence: get("confidence"),
                    value: get("value"),
                    basis: get("basis"),
                    notes: get("notes"),
                    options: get("options"),
                    exercised: get("exercised"),
                }
            })
            .collect()
    }

    pub fn write_all(lines: &[Self], fields: &mut EntryFields) {
        for (row, line) in lines.iter().enumerate() {
            fields.set(Self::key(row, "id"), line.id.clone());
            fields.set(Self::key(row, "system"), line.system.clone());
            fields.set(Self::key(row, "quantity"), line.quantity.clone());
            fields.set(Self::key(row, "confidence"), line.confidence.clone());
            fields.set(Self::key(row, "value"), line.value.clone());
            fields.set(Self::key(row, "basis"), line.basis.clone());
            fields.set(Self::key(row, "notes"), line.notes.clone());
            fields.set(Self::key(row, "options"), line.options.clone());
            fields.set(Self::key(row, "exercised"), line.exercised.clone());
        }
    }
}

/// The form row (`line{n}`) that shows stored line `line_id`; the first row when none does
/// (a line the form removed has no row): what a message about that line is put at.
pub fn row_of_line(fields: &EntryFields, line_id: i64) -> String {
    let id = line_id.to_string();
    (0..fields.rows(LineForm::PREFIX, 0))
        .map(|row| format!("{}{row}", LineForm::PREFIX))
        .find(|row| fields.get(&format!("{row}_id")) == id)
        .unwrap_or_else(|| format!("{}0", LineForm::PREFIX))
}
