//! What every entry form shares: the posted fields by name, reading them into typed values,
//! the three-way merge of an edit that met someone else's save, the widgets the forms are made
//! of, and the new, edit and delete pages. Each record kind's own form is in its feature folder
//! (`contracts/form.rs`, `agreements/form.rs`…).

pub mod choices;
#[cfg(feature = "ssr")]
pub mod constraints;
mod fields;
mod labels;
mod merge;
pub mod outlook;
pub mod pages;
pub mod parse;
pub mod provenance;
#[cfg(feature = "ssr")]
pub mod references;
pub mod rows;
#[cfg(test)]
mod tests;
pub mod widgets;

pub use fields::{
    ALTERNATIVE_ROWS, BACKS_RECORD, BACKS_VALUE, EntryEcho, EntryFields, LINE_ROWS, SOURCE_ROWS,
    version,
};
pub use labels::field_label;
pub(crate) use merge::editable;
pub use merge::{EditConflict, Editable, merge, with_base};
pub use parse::line_row;
