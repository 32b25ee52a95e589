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

/// Runs a query that returns `(owner id, label)` pairs for a list of owners: `sql` has `{ids}`
/// where the placeholders of `ids` go (`… WHERE x.owner_id IN ({ids}) ORDER BY …`).
pub async fn labels_for(
    db: &super::Db,
    sql: &str,
    ids: &[i64],
) -> super::Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let placeholders: Vec<String> = ids.iter().map(|id| args.int(*id)).collect();
    let sql = sql.replace("{ids}", &placeholders.join(", "));
    Ok(
        super::on_db!(db, pool => bind_all!(sqlx::query_as::<_, (i64, String)>(&sql), args.0).fetch_all(pool).await?),
    )
}
