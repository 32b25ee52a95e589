//! History pages and the trail's export: fields by their labels, money with its currency,
//! other records by their names, linked.

use app::agreements::form::agreement_fields;
use app::contracts::form::contract_fields;
use app::domain::account::Role;
use app::domain::audit::{AuditAction, RecordKind};
use app::domain::{CurrencyCode, Money};
use app::storage::Db;
use reqwest::StatusCode;

use super::columns::{assert_labelled, csv_labels, page_labels, stored_columns};
use super::{borrowed, created_id, edited, history, owned, with_demo_data};
use crate::support;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    histories_show_labels_formatted_money_and_linked_names,
);

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
    let stored = app::systems::service::get_system(db, system).await.unwrap();
    let form = edited(
        app::systems::form::system_fields(&stored),
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
        ("ident0_kind", "SIPRI deal id"),
        ("ident0_value", "Audit-Ident-1"),
    ]);
    let agreement = created_id(
        &editor
            .post_saved("/agreements/new", &borrowed(&agreement_form))
            .await,
    );
    let stored = app::agreements::service::get_agreement(db, agreement)
        .await
        .unwrap();
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
            ("ident0_kind", "buyer's contract number".into()),
            ("ident0_value", "Audit-Ident-2".into()),
        ],
    );
    editor
        .post_saved(&format!("/agreements/{agreement}/edit"), &borrowed(&form))
        .await;
    // Back in the pipeline (its signing undone), then lapsed: every field of the outlook.
    pipeline_then_lapsed(&editor, db, RecordKind::Agreement, agreement).await;

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
        ("ident0_kind", "SIPRI deal id"),
        ("ident0_value", "Audit-Ident-1"),
    ]);
    let contract = created_id(
        &editor
            .post_saved("/contracts/new", &borrowed(&contract_form))
            .await,
    );
    pipeline_then_lapsed(&editor, db, RecordKind::Contract, contract).await;
    let stored = app::contracts::service::get_contract(db, contract)
        .await
        .unwrap();
    let form = edited(
        contract_fields(&stored),
        &[
            ("likely_signed_on", String::new()),
            ("probability", String::new()),
            ("probability_confidence", String::new()),
            ("probability_basis", String::new()),
            ("lapsed_reason", String::new()),
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
            ("line0_options", "4".into()),
            ("line0_exercised", "2".into()),
            ("alt0_amount", "4000000".into()),
            ("alt0_currency", "PLN".into()),
            ("alt0_confidence", "reported".into()),
            ("alt0_basis", "second other basis".into()),
            ("source0_title", "Second source".into()),
            ("source0_publisher", "Second publisher".into()),
            ("source0_url", "https://two.example/b".into()),
            ("source0_date", "2023-03-02".into()),
            ("source0_backs", "record".into()),
            ("ident0_kind", "buyer's contract number".into()),
            ("ident0_value", "Audit-Ident-2".into()),
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
    // An amendment of it, in every field.
    editor
        .post_saved(
            &format!("/contracts/{contract}/amend"),
            &[
                ("amended_on", "2025-02-03"),
                ("kind", "option exercised"),
                ("reason", "two options taken up, one more firm"),
                ("confidence", "confirmed"),
                ("value_change", "+1000000"),
                ("line0_id", &line),
                ("line0_units", "+1"),
                ("line0_options", "+3"),
                ("line0_exercised", "2"),
                ("source0_title", "Amendment source"),
                ("source0_publisher", "Amendment publisher"),
                ("source0_url", "https://three.example/c"),
                ("source0_date", "2025-02-04"),
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
    let amendment = history(db, RecordKind::Contract, contract)
        .await
        .into_iter()
        .find(|e| e.record.map(|r| r.0) == Some(RecordKind::Amendment))
        .unwrap()
        .record
        .unwrap()
        .1;
    let records = [
        (RecordKind::Amendment, amendment),
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
            RecordKind::Delivery | RecordKind::Amendment => {
                Some(format!("/contracts/{contract}/history"))
            }
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
            RecordKind::Amendment => (
                vec![
                    "+KRW 1,000,000".into(),
                    "two options taken up, one more firm".into(),
                    "Amendment publisher".into(),
                ],
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

/// Edits agreement or contract `id` into the pipeline (no signing date; an expected one, a
/// probability with its confidence and basis), then to lapsed with a reason.
async fn pipeline_then_lapsed(editor: &support::TestApp, db: &Db, kind: RecordKind, id: i64) {
    let fields = || async {
        match kind {
            RecordKind::Agreement => agreement_fields(
                &app::agreements::service::get_agreement(db, id)
                    .await
                    .unwrap(),
            ),
            _ => contract_fields(&app::contracts::service::get_contract(db, id).await.unwrap()),
        }
    };
    let edit = format!("{}/edit", kind.href(id).unwrap());
    let pipeline = edited(
        fields().await,
        &[
            ("status", "negotiating".into()),
            ("signed_on", String::new()),
            ("likely_signed_on", "2027-06".into()),
            ("probability", "40".into()),
            ("probability_confidence", "reported".into()),
            ("probability_basis", "first probability basis".into()),
        ],
    );
    editor.post_saved(&edit, &borrowed(&pipeline)).await;
    let lapsed = edited(
        fields().await,
        &[
            ("status", "lapsed".into()),
            ("likely_signed_on", "2028".into()),
            ("probability", "10".into()),
            ("probability_confidence", "estimated".into()),
            ("probability_basis", "second probability basis".into()),
            ("lapsed_reason", "the buyer chose another system".into()),
        ],
    );
    editor.post_saved(&edit, &borrowed(&lapsed)).await;
}
