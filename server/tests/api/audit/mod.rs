//! The audit trail on both backends: every kind of change, made over HTTP by a signed-in
//! user, leaves one entry in its own transaction with who, when, which record and the values
//! before and after; the History pages and the admins' trail show them; and the trail cannot
//! be changed, not even with SQL.

use app::domain::audit::{AuditEntry, AuditFilter, RecordKind};
use app::forms::with_base;
use app::storage::{Db, audit};

mod changes;
mod columns;
mod histories;
mod reading;

async fn with_demo_data(db: Db) -> Db {
    server::demo::load(&db).await.expect("demo data loads");
    db
}

/// How many entries the whole trail holds.
async fn trail_length(db: &Db) -> i64 {
    let all = AuditFilter {
        page: 1,
        ..Default::default()
    };
    audit::list(db, &all).await.unwrap().1
}

/// The entries about one record, oldest first.
async fn history(db: &Db, kind: RecordKind, id: i64) -> Vec<AuditEntry> {
    audit::history(db, kind, id).await.unwrap()
}

fn change(entry: &AuditEntry, field: &str) -> Option<(String, String)> {
    entry
        .changes()
        .into_iter()
        .find(|c| c.field == field)
        .map(|c| (c.before, c.after))
}

fn pairs(form: &app::forms::EntryFields) -> Vec<(&str, &str)> {
    form.0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// The id a create's redirect names (`/contracts/12?saved=1`, `/firms?created=12`).
fn created_id(response: &reqwest::Response) -> i64 {
    let location = response.headers()["location"].to_str().unwrap();
    let digits: String = location
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .unwrap_or_default()
        .to_owned();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no id in {location}"))
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// `base` with `changes` written over it: an edit form that changes these fields.
fn edited(base: app::forms::EntryFields, changes: &[(&str, String)]) -> Vec<(String, String)> {
    let mut form = with_base(base);
    for (key, value) in changes {
        form.0.insert((*key).to_owned(), value.clone());
    }
    form.0.into_iter().collect()
}
