//! The audit trail on both backends: every kind of change, made over HTTP by a signed-in
//! user, leaves one entry in its own transaction with who, when, which record and the values
//! before and after; the History pages and the admins' trail show them; and the trail cannot
//! be changed, not even with SQL.

use app::domain::account::Role;
use app::domain::audit::{AuditAction, AuditEntry, AuditFilter, RecordKind, Shape};
use app::domain::{CurrencyCode, Money};
use app::register::entry::{agreement_fields, contract_fields, with_base};
use app::register::service;
use app::storage::{Db, audit};
use reqwest::StatusCode;

use crate::support;

async fn with_demo_data(db: Db) -> Db {
    server::demo::load(&db).await.expect("demo data loads");
    db
}

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_kind_of_change_is_on_record_with_before_and_after,
    the_trail_is_append_only,
    histories_show_labels_formatted_money_and_linked_names,
    the_history_of_a_record_that_never_existed_is_not_found,
    each_kinds_history_is_for_the_role_of_its_records,
);

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

fn pairs(form: &app::register::entry::EntryFields) -> Vec<(&str, &str)> {
    form.0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn every_kind_of_change_is_on_record_with_before_and_after(db: &Db) {
    let admin = support::spawn_app(db.clone()).await;
    let editor = admin.as_role(Role::Editor).await;
    let demo_entries = trail_length(db).await;

    // A firm: created by a plain form (no JavaScript), renamed by a server function.
    editor
        .post_saved(
            "/firms",
            &[
                ("name", "Poongsan"),
                ("country", "KR"),
                ("website", ""),
                ("notes", ""),
            ],
        )
        .await;
    let firm = app::storage::firms::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Poongsan")
        .unwrap();
    let updated = editor
        .client
        .post(format!("{}/api/firms/update", editor.base))
        .header("accept", "application/json")
        .json(&serde_json::json!({
            "id": firm.id, "version": firm.version, "name": "Poongsan Corporation",
            "country": "KR", "website": "poongsan.co.kr", "notes": ""
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.status(),
        StatusCode::OK,
        "{:?}",
        updated.text().await
    );
    let entries = history(db, RecordKind::Firm, firm.id).await;
    assert!(entries.iter().all(|e| e.actor == "test-editor"));
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[0].action, AuditAction::Create);
    assert_eq!(entries[0].actor, "test-editor");
    assert_eq!(entries[0].client, "127.0.0.1");
    assert!(entries[0].before.is_none());
    assert_eq!(entries[1].action, AuditAction::Update);
    assert_eq!(
        change(&entries[1], "name"),
        Some(("Poongsan".into(), "Poongsan Corporation".into()))
    );
    let (before, after) = change(&entries[1], "website").unwrap();
    assert!(
        before.is_empty() && after.contains("poongsan.co.kr"),
        "{after}"
    );
    assert!(entries[1].at >= entries[0].at);

    // A contract edited through its form: only what changed is listed, lines included.
    let k9 = service::list_contracts(db, &Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|c| c.title == "K9 executive contract #1")
        .unwrap();
    let k9 = service::get_contract(db, k9.id).await.unwrap();
    let mut form = with_base(contract_fields(&k9));
    form.0
        .insert("title".into(), "K9 executive contract no. 1".into());
    form.0
        .insert("line0_notes".into(), "first 24 from Korea".into());
    let saved = editor
        .post_form(&format!("/contracts/{}/edit", k9.id), &pairs(&form))
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    // A delivery against it, then it is deleted.
    let line = k9.lines[0].id.to_string();
    editor
        .post_saved(
            &format!("/contracts/{}/deliveries", k9.id),
            &[
                ("line_id", &line),
                ("delivered_on", "2026-11-30"),
                ("units", "1"),
                ("confidence", "reported"),
                ("notes", ""),
            ],
        )
        .await;
    let mut entries = history(db, RecordKind::Contract, k9.id).await;
    assert_eq!(
        entries[0].actor, "system",
        "the demo data's load is on record"
    );
    entries.retain(|e| e.actor == "test-editor");
    assert_eq!(entries.len(), 2, "the edit and the delivery: {entries:?}");
    let edit = &entries[0];
    assert_eq!(
        (edit.action, edit.actor.as_str()),
        (AuditAction::Update, "test-editor")
    );
    assert_eq!(
        change(edit, "title"),
        Some((
            "K9 executive contract #1".into(),
            "K9 executive contract no. 1".into()
        ))
    );
    assert_eq!(
        change(edit, "lines · 1 · notes").map(|c| c.1),
        Some("first 24 from Korea".into())
    );
    assert!(edit.changes().len() == 2, "{:?}", edit.changes());
    assert_eq!(entries[1].record.map(|r| r.0), Some(RecordKind::Delivery));
    assert_eq!(
        change(&entries[1], "units"),
        Some((String::new(), "1".into()))
    );
    // The History page shows them.
    let (status, page) = editor.get(&format!("/contracts/{}/history", k9.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("K9 executive contract no. 1") && page.contains("test-editor"),
        "{page}"
    );
    let contract = service::get_contract(db, k9.id).await.unwrap();
    editor
        .post_saved(
            &format!("/contracts/{}/delete", k9.id),
            &[("version", &contract.version.to_string())],
        )
        .await;
    let entries = history(db, RecordKind::Contract, k9.id).await;
    let gone = entries.last().unwrap();
    assert_eq!(gone.action, AuditAction::Delete);
    assert!(gone.after.is_none());
    assert_eq!(
        gone.before.as_ref().unwrap()["title"],
        "K9 executive contract no. 1"
    );

    // An agreement's edit.
    let agreement = service::list_agreements(db, &Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|a| a.title.contains("K2 tanks"))
        .unwrap();
    let agreement = service::get_agreement(db, agreement.id).await.unwrap();
    let mut form = with_base(agreement_fields(&agreement));
    form.0
        .insert("notes".into(), "checked against the MND release".into());
    let saved = editor
        .post_form(&format!("/agreements/{}/edit", agreement.id), &pairs(&form))
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let entries = history(db, RecordKind::Agreement, agreement.id).await;
    assert_eq!(
        change(entries.last().unwrap(), "notes").map(|c| c.1),
        Some("checked against the MND release".into())
    );

    // A system, a rate (admins), a user (admins) and an import.
    let maker = firm.id.to_string();
    editor
        .post_saved(
            "/systems/new",
            &[
                ("designation", "K239 pod"),
                ("category", "artillery"),
                ("maker_id", &maker),
                ("description", ""),
            ],
        )
        .await;
    admin
        .post_saved(
            "/rates/new",
            &[
                ("currency", "KRW"),
                ("date", "2026-01-02"),
                ("usd_per_unit", "0.00068"),
                ("source", "BoK"),
            ],
        )
        .await;
    admin
        .post_saved(
            "/users",
            &[
                ("username", "gina"),
                ("role", "viewer"),
                ("password", "a long enough passphrase"),
                ("password_repeat", "a long enough passphrase"),
            ],
        )
        .await;
    let (entries, _) = audit::list(
        db,
        &AuditFilter {
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let newest = |kind: RecordKind| {
        entries
            .iter()
            .find(|e| e.record.map(|r| r.0) == Some(kind))
            .unwrap()
    };
    assert_eq!(
        newest(RecordKind::System).after.as_ref().unwrap()["designation"],
        "K239 pod"
    );
    let rate_entry = newest(RecordKind::Rate);
    assert_eq!(
        (rate_entry.actor.as_str(), rate_entry.action),
        (support::ADMIN, AuditAction::Create)
    );
    assert_eq!(rate_entry.after.as_ref().unwrap()["usd_nanos"], 680_000);
    // A rate's change and delete (they move USD figures: admins only, on record).
    let rate_id = rate_entry.record.unwrap().1;
    admin
        .post_saved(
            &format!("/rates/{rate_id}/edit"),
            &[
                ("currency", "KRW"),
                ("date", "2026-01-02"),
                ("usd_per_unit", "0.00069"),
                ("source", "BoK"),
                ("version", "1"),
            ],
        )
        .await;
    admin
        .post_saved(&format!("/rates/{rate_id}/delete"), &[("version", "2")])
        .await;
    let rate_history = history(db, RecordKind::Rate, rate_id).await;
    let actions: Vec<AuditAction> = rate_history.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            AuditAction::Create,
            AuditAction::Update,
            AuditAction::Delete
        ]
    );
    assert_eq!(
        change(&rate_history[1], "usd_nanos"),
        Some(("680000".into(), "690000".into()))
    );
    let user_entry = newest(RecordKind::User);
    let user_json = user_entry.after.as_ref().unwrap().to_string();
    assert!(
        user_json.contains("gina") && !user_json.contains("argon2"),
        "never the hash: {user_json}"
    );

    let csv = "title,buyer,status,supplier,system,quantity,line_value,currency,value,value_confidence,quantity_confidence\r\nK9 for the audit,PL,signed,Poongsan Corporation,K239 pod,4,,,,,reported\r\n";
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("audit.csv"),
    );
    let preview = editor
        .client
        .post(format!("{}/import", editor.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        preview.status(),
        StatusCode::SEE_OTHER,
        "{:?}",
        preview.text().await
    );
    let preview = preview.headers()["location"].to_str().unwrap().to_owned();
    let committed = editor.post_form(&format!("{preview}/commit"), &[]).await;
    assert_eq!(committed.status(), StatusCode::SEE_OTHER);
    let (entries, _) = audit::list(
        db,
        &AuditFilter {
            page: 1,
            kind: Some(RecordKind::Contract),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let imported = &entries[0];
    assert_eq!(
        (imported.action, imported.actor.as_str()),
        (AuditAction::Create, "test-editor")
    );
    assert_eq!(
        imported.after.as_ref().unwrap()["title"],
        "K9 for the audit"
    );

    // The admins' trail: filtered, paged, exported; editors are refused it.
    let (status, page) = admin.get("/audit?actor=test-editor&kind=firm").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Poongsan Corporation") && !page.contains("K239 pod"),
        "{page}"
    );
    assert_eq!(editor.get("/audit").await.0, StatusCode::FORBIDDEN);
    let csv = admin
        .client
        .get(format!("{}/export/audit?actor=test-editor", admin.base))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("entry,at,actor,client,action,record_kind,record_id,detail,changes\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("Name: Poongsan → Poongsan Corporation"),
        "{csv}"
    );
    let total = trail_length(db).await;
    assert!(total > demo_entries + 10, "{total} after {demo_entries}");
}

async fn the_trail_is_append_only(db: &Db) {
    let before = trail_length(db).await;
    assert!(before > 0, "the demo data is on record");
    for sql in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let refused = app::storage::execute(db, sql).await;
        let message = refused.expect_err(sql).to_string();
        assert!(message.contains("append-only"), "{sql}: {message}");
    }
    if db.backend() == app::storage::Backend::Postgres {
        let refused = app::storage::execute(db, "TRUNCATE audit_log").await;
        assert!(
            refused
                .expect_err("TRUNCATE")
                .to_string()
                .contains("append-only")
        );
    }
    let after = trail_length(db).await;
    assert_eq!(before, after);
    // The app's own storage has no path that changes or deletes an entry.
    let source = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../app/src/storage/audit.rs"
    ))
    .unwrap();
    let statements = source.to_uppercase();
    assert!(
        !statements.contains("UPDATE AUDIT_LOG") && !statements.contains("DELETE FROM AUDIT_LOG")
    );
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
fn edited(
    base: app::register::entry::EntryFields,
    changes: &[(&str, String)],
) -> Vec<(String, String)> {
    let mut form = with_base(base);
    for (key, value) in changes {
        form.0.insert((*key).to_owned(), value.clone());
    }
    form.0.into_iter().collect()
}

/// A stored column of a snapshot: its part ("" for the record's own row), its name, and
/// whether any snapshot holds a value in it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    part: String,
    name: String,
}

/// Every column the snapshots of `entries` hold (with a value somewhere), read off the
/// snapshots themselves: a column added to a table is in this list without a test change.
fn stored_columns(entries: &[AuditEntry]) -> Vec<Stored> {
    let mut out: Vec<Stored> = Vec::new();
    let mut add = |part: &str, name: &str| {
        let column = Stored {
            part: part.to_owned(),
            name: name.to_owned(),
        };
        if !out.contains(&column) {
            out.push(column);
        }
    };
    for entry in entries {
        for snapshot in [&entry.before, &entry.after].into_iter().flatten() {
            for (key, value) in snapshot.as_object().unwrap() {
                match value {
                    serde_json::Value::Array(items) => {
                        for item in items {
                            for (name, cell) in item.as_object().unwrap() {
                                if !cell.is_null() {
                                    add(key, name);
                                }
                            }
                        }
                    }
                    serde_json::Value::Null => {}
                    _ => add("", key),
                }
            }
        }
    }
    out
}

/// The label each shown column must have where a history lists it; `None` for columns
/// that are not shown on their own (hidden, or a currency shown with its amount). Panics for
/// a column the audit layout does not know.
fn expected_label(kind: RecordKind, column: &Stored) -> Option<String> {
    let known = kind.column(&column.part, &column.name).unwrap_or_else(|| {
        panic!(
            "{} column {:?} of part {:?} has no label in app/src/domain/audit.rs",
            kind.as_str(),
            column.name,
            column.part
        )
    });
    if matches!(known.shape, Shape::Hidden | Shape::CurrencyOf(_)) {
        return None;
    }
    if column.part.is_empty() {
        return Some(known.label.to_owned());
    }
    let part = kind.parts().iter().find(|p| p.key == column.part).unwrap();
    Some(if known.label.is_empty() {
        format!("{} 1", part.item)
    } else {
        format!("{} 1 · {}", part.item, known.label)
    })
}

/// The field labels of a page's change lists.
fn page_labels(page: &str) -> Vec<String> {
    page.split("<span class=\"change-field\">")
        .skip(1)
        .map(|rest| rest.split("</span>").next().unwrap().to_owned())
        .collect()
}

/// The field labels of the audit CSV's `changes` cells.
fn csv_labels(csv: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let changes = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "changes")
        .unwrap();
    reader
        .records()
        .flat_map(|row| {
            row.unwrap()[changes]
                .lines()
                .map(|line| line.split(": ").next().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// What a reader sees of `kind`'s columns in `labels` (from `source`, a page or the CSV): no
/// stored column name, and each shown column under its label.
fn assert_labelled(kind: RecordKind, columns: &[Stored], labels: &[String], source: &str) {
    assert!(!labels.is_empty(), "{source}: no changes listed");
    for column in columns {
        for label in labels {
            assert!(
                label != &column.name
                    && !(column.name.contains('_') && label.contains(&column.name))
                    && (column.part.is_empty()
                        || !label.starts_with(&format!("{} · ", column.part))),
                "{source}: {} column {:?} ({:?}) is shown by its stored name: {label:?}",
                kind.as_str(),
                column.name,
                column.part,
            );
        }
        if let Some(label) = expected_label(kind, column) {
            assert!(
                labels.contains(&label),
                "{source}: {} column {:?} ({:?}) is not listed as {label:?}: {labels:?}",
                kind.as_str(),
                column.name,
                column.part,
            );
        }
    }
}

async fn histories_show_labels_formatted_money_and_linked_names(db: &Db) {
    let admin = support::spawn_app(db.clone()).await;
    let editor = admin.as_role(Role::Editor).await;
    let firm_id = |name: &'static str| async move {
        app::storage::firms::list(db)
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.name == name)
            .unwrap()
    };

    // Firms: makers, suppliers and groups to refer to, and the firm whose history is read.
    for (name, country) in [
        ("Audit Maker One", "KR"),
        ("Audit Maker Two", "PL"),
        ("Audit Group Temp", "KR"),
        ("Audit Group Final", "KR"),
        ("Audit Firm", "KR"),
    ] {
        editor
            .post_saved(
                "/firms",
                &[
                    ("name", name),
                    ("country", country),
                    ("website", ""),
                    ("notes", ""),
                ],
            )
            .await;
    }
    let one = firm_id("Audit Maker One").await.id;
    let two = firm_id("Audit Maker Two").await.id;
    let temp = firm_id("Audit Group Temp").await.id;
    let group = firm_id("Audit Group Final").await.id;
    let firm = firm_id("Audit Firm").await;
    let updated = editor
        .client
        .post(format!("{}/api/firms/update", editor.base))
        .header("accept", "application/json")
        .json(&serde_json::json!({
            "id": firm.id, "version": firm.version, "name": "Audit Firm Renamed",
            "country": "PL", "website": "audit.example", "notes": "checked in 2026"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), StatusCode::OK);
    for parent in [temp, group] {
        let version = app::storage::firms::get(db, firm.id)
            .await
            .unwrap()
            .unwrap()
            .version
            .to_string();
        let parent = parent.to_string();
        editor
            .post_saved(
                &format!("/firms/{}/group", firm.id),
                &[("version", &version), ("parent_id", &parent)],
            )
            .await;
    }
    // The group it left is deleted: its name is gone, the history says so.
    let temp_version = app::storage::firms::get(db, temp)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    editor
        .post_saved(
            &format!("/firms/{temp}/delete"),
            &[("version", &temp_version)],
        )
        .await;

    // Systems.
    let (one_text, two_text) = (one.to_string(), two.to_string());
    let base = created_id(
        &editor
            .post_saved(
                "/systems/new",
                &[
                    ("designation", "Audit Gun Base"),
                    ("category", "artillery"),
                    ("maker_id", &one_text),
                    ("description", ""),
                ],
            )
            .await,
    );
    let system = created_id(
        &editor
            .post_saved(
                "/systems/new",
                &[
                    ("designation", "Audit Gun"),
                    ("category", "artillery"),
                    ("maker_id", &one_text),
                    ("description", "first description"),
                ],
            )
            .await,
    );
    let stored = service::get_system(db, system).await.unwrap();
    let form = edited(
        app::register::entry::system_fields(&stored),
        &[
            ("designation", "Audit Gun Mk 2".into()),
            ("category", "missiles".into()),
            ("maker_id", two_text.clone()),
            ("description", "second description".into()),
            ("variant_of_id", base.to_string()),
        ],
    );
    editor
        .post_saved(&format!("/systems/{system}/edit"), &borrowed(&form))
        .await;

    // An agreement, created with every field and then changed in every field.
    let (base_text, system_text) = (base.to_string(), system.to_string());
    let agreement_form = owned(&[
        ("title", "Audit Framework"),
        ("buyer", "PL"),
        ("agency", "Armament Agency"),
        ("signed_on", "2022-07-27"),
        ("status", "signed"),
        ("notes", "first notes"),
        ("supplier0_id", &one_text),
        ("value_amount", "1000000"),
        ("value_currency", "USD"),
        ("value_confidence", "reported"),
        ("value_basis", "first basis"),
        ("line0_system", &system_text),
        ("line0_quantity", "10"),
        ("line0_confidence", "reported"),
        ("line0_value", "500000"),
        ("line0_basis", "first line basis"),
        ("line0_notes", "first line notes"),
        ("alt0_amount", "2000000"),
        ("alt0_currency", "EUR"),
        ("alt0_confidence", "estimated"),
        ("alt0_basis", "first other basis"),
        ("source0_title", "First source"),
        ("source0_publisher", "First publisher"),
        ("source0_url", "https://one.example/a"),
        ("source0_date", "2022-07-28"),
        ("source0_backs", "value"),
    ]);
    let agreement = created_id(
        &editor
            .post_saved("/agreements/new", &borrowed(&agreement_form))
            .await,
    );
    let stored = service::get_agreement(db, agreement).await.unwrap();
    let form = edited(
        agreement_fields(&stored),
        &[
            ("title", "Audit Framework Two".into()),
            ("buyer", "RO".into()),
            ("agency", "Ministry of Defence".into()),
            ("signed_on", "2023-01-02".into()),
            ("status", "active".into()),
            ("notes", "second notes".into()),
            ("supplier0_id", two_text.clone()),
            ("value_amount", "3370000000".into()),
            ("value_currency", "KRW".into()),
            ("value_confidence", "confirmed".into()),
            ("value_basis", "second basis".into()),
            ("line0_system", base_text.clone()),
            ("line0_quantity", "20".into()),
            ("line0_confidence", "estimated".into()),
            ("line0_value", "1500000000".into()),
            ("line0_basis", "second line basis".into()),
            ("line0_notes", "second line notes".into()),
            ("alt0_amount", "4000000".into()),
            ("alt0_currency", "PLN".into()),
            ("alt0_confidence", "reported".into()),
            ("alt0_basis", "second other basis".into()),
            ("source0_title", "Second source".into()),
            ("source0_publisher", "Second publisher".into()),
            ("source0_url", "https://two.example/b".into()),
            ("source0_date", "2023-01-03".into()),
            ("source0_backs", "record".into()),
        ],
    );
    editor
        .post_saved(&format!("/agreements/{agreement}/edit"), &borrowed(&form))
        .await;

    // A contract under it, then changed in every field (it leaves the framework).
    let agreement_text = agreement.to_string();
    let contract_form = owned(&[
        ("title", "Audit Contract"),
        ("agreement_id", &agreement_text),
        ("supplier_id", &one_text),
        ("buyer", "RO"),
        ("agency", "First agency"),
        ("signed_on", "2023-02-01"),
        ("status", "signed"),
        ("value_amount", "1000000"),
        ("value_currency", "USD"),
        ("value_confidence", "reported"),
        ("value_basis", "first basis"),
        ("delivery_period", "2024-2026"),
        ("local_production", "first local production"),
        ("notes", "first notes"),
        ("line0_system", &base_text),
        ("line0_quantity", "10"),
        ("line0_confidence", "reported"),
        ("line0_value", "400000"),
        ("line0_notes", "first line notes"),
        ("alt0_amount", "2000000"),
        ("alt0_currency", "EUR"),
        ("alt0_confidence", "estimated"),
        ("alt0_basis", "first other basis"),
        ("source0_title", "First source"),
        ("source0_publisher", "First publisher"),
        ("source0_url", "https://one.example/a"),
        ("source0_date", "2023-02-02"),
        ("source0_backs", "value"),
    ]);
    let contract = created_id(
        &editor
            .post_saved("/contracts/new", &borrowed(&contract_form))
            .await,
    );
    let stored = service::get_contract(db, contract).await.unwrap();
    let form = edited(
        contract_fields(&stored),
        &[
            ("title", "Audit Contract Two".into()),
            ("agreement_id", String::new()),
            ("supplier_id", two_text.clone()),
            ("buyer", "PL".into()),
            ("agency", "Second agency".into()),
            ("signed_on", "2023-03-01".into()),
            ("status", "in delivery".into()),
            ("value_amount", "3370000000".into()),
            ("value_currency", "KRW".into()),
            ("value_confidence", "confirmed".into()),
            ("value_basis", "second basis".into()),
            ("delivery_period", "2025".into()),
            ("local_production", "second local production".into()),
            ("notes", "second notes".into()),
            ("line0_system", system_text.clone()),
            ("line0_quantity", "12".into()),
            ("line0_confidence", "estimated".into()),
            ("line0_value", "1000000".into()),
            ("line0_notes", "second line notes".into()),
            ("alt0_amount", "4000000".into()),
            ("alt0_currency", "PLN".into()),
            ("alt0_confidence", "reported".into()),
            ("alt0_basis", "second other basis".into()),
            ("source0_title", "Second source".into()),
            ("source0_publisher", "Second publisher".into()),
            ("source0_url", "https://two.example/b".into()),
            ("source0_date", "2023-03-02".into()),
            ("source0_backs", "record".into()),
        ],
    );
    editor
        .post_saved(&format!("/contracts/{contract}/edit"), &borrowed(&form))
        .await;
    // A delivery on its line (recorded whole: deliveries are not edited).
    let line = app::storage::contracts::line_ids(db, contract)
        .await
        .unwrap()[0]
        .to_string();
    editor
        .post_saved(
            &format!("/contracts/{contract}/deliveries"),
            &[
                ("line_id", &line),
                ("delivered_on", "2025-01"),
                ("units", "2"),
                ("confidence", "reported"),
                ("notes", "the first two"),
            ],
        )
        .await;

    // A rate (admins), changed in every field.
    let rate = created_id(
        &admin
            .post_saved(
                "/rates/new",
                &[
                    ("currency", "KRW"),
                    ("date", "2026-01-02"),
                    ("usd_per_unit", "0.00068"),
                    ("source", "Bank of Korea"),
                ],
            )
            .await,
    );
    admin
        .post_saved(
            &format!("/rates/{rate}/edit"),
            &[
                ("currency", "EUR"),
                ("date", "2026-01-05"),
                ("usd_per_unit", "1.0813"),
                ("source", "European Central Bank"),
                ("version", "1"),
            ],
        )
        .await;

    // A user (admins): its role and access changed.
    admin
        .post_saved(
            "/users",
            &[
                ("username", "audit-gina"),
                ("role", "viewer"),
                ("password", "a long enough passphrase"),
                ("password_repeat", "a long enough passphrase"),
            ],
        )
        .await;
    let gina = app::storage::users::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == "audit-gina")
        .unwrap();
    admin
        .post_saved(
            &format!("/users/{}", gina.id),
            &[
                ("role", "editor"),
                ("disabled", "on"),
                ("version", &gina.version.to_string()),
            ],
        )
        .await;

    let delivery = history(db, RecordKind::Contract, contract)
        .await
        .into_iter()
        .find(|e| e.record.map(|r| r.0) == Some(RecordKind::Delivery))
        .unwrap()
        .record
        .unwrap()
        .1;
    let records = [
        (RecordKind::Firm, firm.id),
        (RecordKind::System, system),
        (RecordKind::Agreement, agreement),
        (RecordKind::Contract, contract),
        (RecordKind::Delivery, delivery),
        (RecordKind::Rate, rate),
        (RecordKind::User, gina.id),
    ];
    for kind in RecordKind::ALL {
        assert!(
            records.iter().any(|(k, _)| *k == kind),
            "no {} changed in this test",
            kind.as_str()
        );
    }
    let firm_link = |id: i64, name: &str| format!("<a href=\"/firms/{id}\">{name}</a>");
    let system_link = |id: i64, name: &str| format!("<a href=\"/systems/{id}\">{name}</a>");
    let usd = CurrencyCode::parse("USD").unwrap();
    let krw = CurrencyCode::parse("KRW").unwrap();
    let money = |minor: i64, currency| Money::from_minor(minor, currency).to_string();
    for (kind, id) in records {
        let mut entries = history(db, kind, id).await;
        // A contract's history holds its deliveries too: those are checked as deliveries.
        entries.retain(|e| e.record == Some((kind, id)));
        let actions: Vec<AuditAction> = entries.iter().map(|e| e.action).collect();
        assert!(
            actions.contains(&AuditAction::Create),
            "{}: {actions:?}",
            kind.as_str()
        );
        let columns = stored_columns(&entries);
        // Where a reader sees this record's changes: its History page (a delivery's is its
        // contract's; users have none), the admins' trail and its CSV export.
        let mut pages: Vec<(String, String)> = Vec::new();
        let history_page = match kind {
            RecordKind::Delivery => Some(format!("/contracts/{contract}/history")),
            RecordKind::User => None,
            kind => Some(format!("{}/history", kind.href(id).unwrap())),
        };
        let who = if kind == RecordKind::Rate || kind == RecordKind::User {
            support::ADMIN
        } else {
            "test-editor"
        };
        for path in history_page
            .into_iter()
            .chain([format!("/audit?kind={}&actor={who}", kind.as_str())])
        {
            let (status, page) = admin.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert_labelled(kind, &columns, &page_labels(&page), &path);
            for column in &columns {
                if column.name.contains('_') {
                    assert!(
                        !page.contains(&column.name),
                        "{path} shows the stored name {:?}",
                        column.name
                    );
                }
            }
            pages.push((path, page));
        }
        let export = format!("/export/audit?kind={}&actor={who}", kind.as_str());
        let csv = admin
            .client
            .get(format!("{}{export}", admin.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_labelled(kind, &columns, &csv_labels(&csv), &export);

        // Money with its currency, rates as rates, references by their names, linked.
        let (texts, links): (Vec<String>, Vec<String>) = match kind {
            RecordKind::Firm => (
                vec![
                    "Audit Firm Renamed".into(),
                    "Poland".into(),
                    "South Korea".into(),
                    format!("#{temp} (deleted)"),
                ],
                vec![firm_link(group, "Audit Group Final")],
            ),
            RecordKind::System => (
                vec!["Audit Gun Mk 2".into()],
                vec![
                    firm_link(one, "Audit Maker One"),
                    firm_link(two, "Audit Maker Two"),
                    system_link(base, "Audit Gun Base"),
                ],
            ),
            RecordKind::Agreement => (
                vec![
                    money(100_000_000, usd),
                    money(3_370_000_000, krw),
                    money(50_000_000, usd),
                    money(1_500_000_000, krw),
                    "EUR 2,000,000.00".into(),
                    "PLN 4,000,000.00".into(),
                    "Romania".into(),
                ],
                vec![
                    firm_link(one, "Audit Maker One"),
                    firm_link(two, "Audit Maker Two"),
                    system_link(system, "Audit Gun Mk 2"),
                    system_link(base, "Audit Gun Base"),
                ],
            ),
            RecordKind::Contract => (
                vec![
                    money(100_000_000, usd),
                    money(3_370_000_000, krw),
                    money(40_000_000, usd),
                    money(1_000_000, krw),
                    "EUR 2,000,000.00".into(),
                    "PLN 4,000,000.00".into(),
                ],
                vec![
                    format!("<a href=\"/agreements/{agreement}\">Audit Framework Two</a>"),
                    firm_link(one, "Audit Maker One"),
                    firm_link(two, "Audit Maker Two"),
                    system_link(system, "Audit Gun Mk 2"),
                    system_link(base, "Audit Gun Base"),
                ],
            ),
            RecordKind::Delivery => (
                vec!["the first two".into()],
                vec![format!(
                    "<a href=\"/contracts/{contract}\">Audit Contract Two, line 1 (Audit Gun Mk 2)</a>"
                )],
            ),
            RecordKind::Rate => (vec!["0.00068".into(), "1.0813".into()], vec![]),
            RecordKind::User => (vec!["audit-gina".into(), "yes".into()], vec![]),
        };
        for (path, page) in &pages {
            for text in texts.iter().chain(&links) {
                assert!(page.contains(text.as_str()), "{path} lacks {text}");
            }
        }
        for text in &texts {
            assert!(csv.contains(text.as_str()), "{export} lacks {text}: {csv}");
        }
    }
}

async fn the_history_of_a_record_that_never_existed_is_not_found(db: &Db) {
    let admin = support::spawn_app(db.clone()).await;
    let never = 987_654_321;
    for kind in RecordKind::ALL {
        let (status, body) = call_history(&admin, kind, never).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{}: {body}", kind.as_str());
        if let Some(href) = kind.href(never) {
            let (status, page) = admin.get(&format!("{href}/history")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{href}/history");
            assert!(
                page.contains("Page not found") && !page.contains("No changes on record"),
                "{page}"
            );
        }
    }
    assert_eq!(
        admin.get("/contracts/abc/history").await.0,
        StatusCode::NOT_FOUND
    );
    // A deleted record keeps its history.
    let created = admin
        .post_saved(
            "/firms",
            &[
                ("name", "Short-lived"),
                ("country", "KR"),
                ("website", ""),
                ("notes", ""),
            ],
        )
        .await;
    let id = created_id(&created);
    admin
        .post_saved(&format!("/firms/{id}/delete"), &[("version", "1")])
        .await;
    assert!(app::storage::firms::get(db, id).await.unwrap().is_none());
    let (status, page) = admin.get(&format!("/firms/{id}/history")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Short-lived") && page.contains("delete"),
        "{page}"
    );
    assert_eq!(
        call_history(&admin, RecordKind::Firm, id).await.0,
        StatusCode::OK
    );
}

/// The `audit/history` server function as the page calls it.
async fn call_history(
    app: &support::TestApp,
    kind: RecordKind,
    id: i64,
) -> (StatusCode, serde_json::Value) {
    let response = app
        .client
        .post(format!("{}/api/audit/history", app.base))
        .header("accept", "application/json")
        .json(&serde_json::json!({ "kind": kind, "id": id }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Who may read each kind's history, and its History page (the path after the record's).
/// Users are read on the admins' users page, so their history is admins' too; deliveries
/// are in their contract's history.
const HISTORY_ACCESS: &[(RecordKind, Role, Option<&str>)] = &[
    (RecordKind::Contract, Role::Viewer, Some("/contracts")),
    (RecordKind::Agreement, Role::Viewer, Some("/agreements")),
    (RecordKind::Firm, Role::Viewer, Some("/firms")),
    (RecordKind::System, Role::Viewer, Some("/systems")),
    (RecordKind::Delivery, Role::Viewer, None),
    (RecordKind::Rate, Role::Viewer, Some("/rates")),
    (RecordKind::User, Role::Admin, None),
];

async fn each_kinds_history_is_for_the_role_of_its_records(db: &Db) {
    let admin = support::spawn_app(db.clone()).await;
    let mut apps = Vec::new();
    for role in Role::ALL {
        apps.push((role, admin.as_role(role).await));
    }
    for kind in RecordKind::ALL {
        let &(_, needed, page) = HISTORY_ACCESS
            .iter()
            .find(|(k, _, _)| *k == kind)
            .unwrap_or_else(|| panic!("{} is not in HISTORY_ACCESS", kind.as_str()));
        assert_eq!(kind.history_role(), needed, "{}", kind.as_str());
        let (entries, _) = audit::list(
            db,
            &AuditFilter {
                page: 1,
                kind: Some(kind),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let id = entries
            .first()
            .and_then(|e| e.record)
            .unwrap_or_else(|| panic!("no {} on record", kind.as_str()))
            .1;
        assert_eq!(
            kind.href(id),
            page.map(|base| format!("{base}/{id}")),
            "{}",
            kind.as_str()
        );
        for (role, app) in &apps {
            let allowed = *role >= needed;
            let (status, body) = call_history(app, kind, id).await;
            let what = format!("{} history as {role}", kind.as_str());
            if allowed {
                assert_eq!(status, StatusCode::OK, "{what}: {body}");
                assert!(!body.as_array().unwrap().is_empty(), "{what}: {body}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
                assert!(!body.to_string().contains("username"), "{what}: {body}");
                let (refusals, _) = audit::list(
                    db,
                    &AuditFilter {
                        page: 1,
                        action: Some(AuditAction::Refused),
                        actor: Some(format!("test-{role}")),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
                assert!(
                    refusals.iter().any(|e| e
                        .detail
                        .contains(&format!("history of {} {id}", kind.as_str()))),
                    "{what}: the refusal is on record"
                );
            }
            let path = match page {
                Some(base) => format!("{base}/{id}/history"),
                // No page of its own: nothing answers there, for any role.
                None => match kind {
                    RecordKind::Delivery => format!("/deliveries/{id}/history"),
                    other => format!("/{}s/{id}/history", other.as_str()),
                },
            };
            let (status, _) = app.get(&path).await;
            let expected = match (page, allowed) {
                (None, _) => StatusCode::NOT_FOUND,
                (Some(_), true) => StatusCode::OK,
                (Some(_), false) => StatusCode::FORBIDDEN,
            };
            assert_eq!(status, expected, "GET {path} as {role}");
        }
    }
}
