//! Bind parameters for queries whose WHERE clause is built from filters. `push` returns the
//! `$n` placeholder to put in the SQL; `bind_all!` binds the values in the same order.

#[derive(Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
}

#[derive(Clone, Default)]
pub struct Args(pub Vec<Arg>);

impl Args {
    pub fn push(&mut self, arg: Arg) -> String {
        self.0.push(arg);
        format!("${}", self.0.len())
    }

    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.push(Arg::Text(value.into()))
    }

    pub fn int(&mut self, value: i64) -> String {
        self.push(Arg::Int(value))
    }
}

/// `col LIKE pattern` for a case-insensitive "contains" search, with `%`, `_` and `\` in the
/// user's text matched literally.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                $crate::storage::args::Arg::Text(value) => query.bind(value),
                $crate::storage::args::Arg::Int(value) => query.bind(value),
            };
        }
        query
    }};
}
pub(crate) use bind_all;
