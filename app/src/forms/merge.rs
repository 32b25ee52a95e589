//! The three-way merge of an edit form that met someone else's save.

use super::fields::EntryFields;
use serde::{Deserialize, Serialize};

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
pub fn with_base_of(mut fields: EntryFields, theirs: &EntryFields) -> EntryFields {
    let mut base = theirs.clone();
    base.0.remove("version");
    base.0.remove("base");
    if let Ok(json) = serde_json::to_string(&base) {
        fields.0.insert("base".into(), json);
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

/// Implements [`Editable`] for a stored record that has an `id` and an `updated_at`: how pages
/// name it (`label`) and the function that gives its edit form's fields.
macro_rules! editable {
    ($record:ty, label: |$r:ident| $label:expr, fields: $fields:path) => {
        impl $crate::forms::Editable for $record {
            fn id(&self) -> i64 {
                self.id
            }
            fn label(&self) -> String {
                let $r = self;
                $label
            }
            fn fields(&self) -> $crate::forms::EntryFields {
                $fields(self)
            }
            fn saved_at(&self) -> i64 {
                self.updated_at.timestamp_micros()
            }
        }
    };
}
pub(crate) use editable;
