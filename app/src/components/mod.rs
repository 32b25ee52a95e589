//! Page furniture shared by every page: layout, 404, error panel, number formatting.

pub mod format;
mod layout;

pub use layout::{ErrorPanel, Layout, NotFound};
