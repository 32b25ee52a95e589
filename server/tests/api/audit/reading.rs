//! Who may read which history, and the history of a record that never existed.

use app::domain::account::Role;
use app::domain::audit::{AuditAction, AuditFilter, RecordKind};
use app::storage::{Db, audit};
use reqwest::StatusCode;

use super::{created_id, with_demo_data};
use crate::support;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    the_history_of_a_record_that_never_existed_is_not_found,
    each_kinds_history_is_for_the_role_of_its_records,
);

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
/// and amendments are in their contract's history.
const HISTORY_ACCESS: &[(RecordKind, Role, Option<&str>)] = &[
    (RecordKind::Contract, Role::Viewer, Some("/contracts")),
    (RecordKind::Agreement, Role::Viewer, Some("/agreements")),
    (RecordKind::Firm, Role::Viewer, Some("/firms")),
    (RecordKind::System, Role::Viewer, Some("/systems")),
    (RecordKind::Delivery, Role::Viewer, None),
    (RecordKind::Amendment, Role::Viewer, None),
    (RecordKind::Rate, Role::Viewer, Some("/rates")),
    (RecordKind::User, Role::Admin, None),
];

async fn each_kinds_history_is_for_the_role_of_its_records(db: &Db) {
    let admin = support::spawn_app(db.clone()).await;
    let mut apps = Vec::new();
    for role in Role::ALL {
        apps.push((role, admin.as_role(role).await));
    }
    // The demo data has no amendment: one of a demo contract.
    let norway = app::storage::contracts::list(
        db,
        &app::domain::filter::ContractFilter {
            q: Some("K9/K10 contract (Norway, 2017)".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .rows[0]
        .id;
    let line = app::storage::contracts::line_ids(db, norway).await.unwrap()[0].to_string();
    admin
        .post_saved(
            &format!("/contracts/{norway}/amend"),
            &[
                ("amended_on", "2018-06"),
                ("kind", "quantity change"),
                ("reason", "history access test"),
                ("confidence", "reported"),
                ("line0_id", &line),
                ("line0_units", "+1"),
                ("source0_title", "test"),
            ],
        )
        .await;
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
