//! Every kind of change is on record, with before and after, and the trail cannot be
//! changed.

use app::agreements::form::agreement_fields;
use app::contracts::form::contract_fields;
use app::domain::account::Role;
use app::domain::audit::{AuditAction, AuditFilter, RecordKind};
use app::forms::with_base;
use app::storage::{Db, audit};
use reqwest::StatusCode;

use super::{change, history, pairs, trail_length, with_demo_data};
use crate::support;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    every_kind_of_change_is_on_record_with_before_and_after,
    the_trail_is_append_only,
);

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
    let k9 = app::contracts::service::list_contracts(db, &Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|c| c.title == "K9 executive contract #1")
        .unwrap();
    let k9 = app::contracts::service::get_contract(db, k9.id)
        .await
        .unwrap();
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
    let contract = app::contracts::service::get_contract(db, k9.id)
        .await
        .unwrap();
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
    let agreement = app::agreements::service::list_agreements(db, &Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|a| a.title.contains("K2 tanks"))
        .unwrap();
    let agreement = app::agreements::service::get_agreement(db, agreement.id)
        .await
        .unwrap();
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
