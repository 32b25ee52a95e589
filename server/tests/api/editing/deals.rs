//! Contracts and agreements: edits that keep lines and deliveries, late saves merged, deletes by
//! the rules, and the edit and delete pages over HTTP.

use app::agreements::form::agreement_fields;
use app::contracts::form::contract_fields;
use app::domain::FormOutcome;
use app::domain::Removal;
use app::domain::filter::ContractFilter;
use app::forms::EntryFields;
use app::forms::merge;
use app::forms::with_base;
use app::storage::{Db, contracts};
use reqwest::StatusCode;

use crate::support;

use super::{contract, invalid, saved, set, with_demo_data};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    an_edited_contract_keeps_its_lines_and_deliveries,
    a_late_save_is_merged_not_overwritten,
    agreements_edit_and_delete_by_the_rules,
    a_deleted_contract_takes_its_lines_and_deliveries,
    edit_and_delete_pages_over_http,
);

/// K2 contract #1: all 180 K2GF delivered. Its edit form saves back unchanged; a new line is
/// added beside the stored one; the delivered line cannot shrink below 180 or be removed.
async fn an_edited_contract_keeps_its_lines_and_deliveries(db: &Db) {
    let before = contract(db, "K2 executive contract #1").await;
    let line_id = before.lines[0].id;
    let opened = with_base(contract_fields(&before));

    let mut fewer = opened.clone();
    set(&mut fewer, "line0_quantity", "170");
    let errors = invalid(
        app::contracts::service::update_contract(db, app::domain::ContractId(before.id), &fewer)
            .await
            .unwrap(),
    );
    assert_eq!(
        errors.get("line0_quantity"),
        Some("180 units already delivered on this line: the quantity cannot be less.")
    );

    let mut removed = opened.clone();
    for field in ["system", "quantity", "value", "notes"] {
        removed.0.remove(&format!("line0_{field}"));
    }
    set(
        &mut removed,
        "line1_system",
        &before.lines[0].system.id.to_string(),
    );
    set(&mut removed, "line1_quantity", "5");
    set(&mut removed, "line1_confidence", "reported");
    let errors = invalid(
        app::contracts::service::update_contract(db, app::domain::ContractId(before.id), &removed)
            .await
            .unwrap(),
    );
    assert!(
        errors
            .get("line0_system")
            .unwrap()
            .contains("180 units delivered: it cannot be removed"),
        "{errors:?}"
    );
    assert_eq!(
        app::contracts::service::get_contract(db, before.id)
            .await
            .unwrap(),
        before,
        "nothing of a refused edit is stored"
    );

    let unchanged = saved(
        app::contracts::service::update_contract(db, app::domain::ContractId(before.id), &opened)
            .await
            .unwrap(),
    );
    assert_eq!(unchanged.version, before.version + 1);
    assert_eq!(
        unchanged.provenance, before.provenance,
        "sources survive a save"
    );
    assert_eq!(unchanged.lines, before.lines);

    let mut more = with_base(contract_fields(&unchanged));
    set(
        &mut more,
        "line1_system",
        &before.lines[0].system.id.to_string(),
    );
    set(&mut more, "line1_quantity", "20");
    set(&mut more, "line1_confidence", "estimated");
    set(&mut more, "line1_notes", "options");
    set(&mut more, "source9_title", "Defence24");
    set(&mut more, "source9_backs", "record");
    let after = saved(
        app::contracts::service::update_contract(db, app::domain::ContractId(before.id), &more)
            .await
            .unwrap(),
    );
    assert_eq!(after.lines.len(), 2);
    assert_eq!(after.lines[0].id, line_id, "the stored line keeps its id");
    assert_eq!(after.lines[0].delivered, 180, "and its deliveries");
    assert_eq!(after.deliveries, before.deliveries);
    assert_eq!(after.lines[1].quantity.unwrap().get(), 20);
    assert_eq!(after.lines[1].notes, "options");
    assert!(
        after
            .provenance
            .sources
            .iter()
            .any(|s| s.title == "Defence24")
    );
}

/// Two analysts open K2 contract #2. The first renames it and saves; the second, who changed
/// the agency, gets a conflict: the rename is taken into their form, their agency is kept, and
/// saving that stores both changes.
async fn a_late_save_is_merged_not_overwritten(db: &Db) {
    let original = contract(db, "K2 executive contract #2").await;
    let opened = with_base(contract_fields(&original));

    let mut first = opened.clone();
    set(&mut first, "title", "K2 executive contract #2 (K2PL)");
    saved(
        app::contracts::service::update_contract(db, app::domain::ContractId(original.id), &first)
            .await
            .unwrap(),
    );

    let mut second = opened.clone();
    set(&mut second, "agency", "Agencja Uzbrojenia");
    let current = match app::contracts::service::update_contract(
        db,
        app::domain::ContractId(original.id),
        &second,
    )
    .await
    .unwrap()
    {
        FormOutcome::Conflict { current } => current,
        other => panic!("expected a conflict, got {other:?}"),
    };
    assert_eq!(current.title, "K2 executive contract #2 (K2PL)");
    assert_eq!(
        current.agency, original.agency,
        "the late save stored nothing"
    );

    let (merged, conflict) = merge(
        &second,
        &contract_fields(&current),
        current.updated_at.timestamp_micros(),
    );
    assert_eq!(
        conflict.taken,
        vec![(
            "title".to_owned(),
            "K2 executive contract #2 (K2PL)".to_owned()
        )]
    );
    assert!(conflict.clashes.is_empty());
    let both = saved(
        app::contracts::service::update_contract(db, app::domain::ContractId(original.id), &merged)
            .await
            .unwrap(),
    );
    assert_eq!(both.title, "K2 executive contract #2 (K2PL)");
    assert_eq!(both.agency, "Agencja Uzbrojenia");
    assert_eq!(both.version, original.version + 2);
}

async fn agreements_edit_and_delete_by_the_rules(db: &Db) {
    let page = app::agreements::service::list_agreements(db, &Default::default())
        .await
        .unwrap();
    let id = page
        .rows
        .iter()
        .find(|a| a.title.contains("K2 tanks"))
        .unwrap()
        .id;
    let agreement = app::agreements::service::get_agreement(db, id)
        .await
        .unwrap();
    let opened = with_base(agreement_fields(&agreement));

    let mut moved = opened.clone();
    set(&mut moved, "buyer", "RO");
    let errors = invalid(
        app::agreements::service::update_agreement(db, app::domain::AgreementId(id), &moved)
            .await
            .unwrap(),
    );
    assert!(
        errors
            .get("buyer")
            .unwrap_or_else(|| panic!("{errors:?}"))
            .contains("contracts under this agreement have the current buyer"),
        "{errors:?}"
    );

    let mut amended = opened.clone();
    set(&mut amended, "line0_quantity", "1200");
    let after = saved(
        app::agreements::service::update_agreement(db, app::domain::AgreementId(id), &amended)
            .await
            .unwrap(),
    );
    assert_eq!(after.ceilings[0].quantity.get(), 1200);
    assert_eq!(after.ceilings[0].executed, agreement.ceilings[0].executed);
    assert_eq!(after.ceilings.len(), agreement.ceilings.len());
    assert_eq!(after.suppliers, agreement.suppliers);
    assert_eq!(after.provenance, agreement.provenance);

    match app::agreements::service::delete_agreement(
        db,
        app::domain::AgreementId(id),
        app::domain::Version(after.version),
    )
    .await
    .unwrap()
    {
        Removal::Referenced { by } => {
            assert!(
                by.contains(&"Contract “K2 executive contract #1”".to_owned()),
                "{by:?}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    // A new agreement without contracts: the delete names the version it was shown.
    let fresh = saved(
        app::agreements::service::create_agreement(
            db,
            &EntryFields(
                [
                    ("title", "Framework to delete"),
                    ("buyer", "PL"),
                    ("status", "negotiating"),
                    ("probability", "30"),
                    ("supplier0_id", &agreement.suppliers[0].id.to_string()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            ),
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        app::agreements::service::delete_agreement(
            db,
            app::domain::AgreementId(fresh.id),
            app::domain::Version(fresh.version + 1)
        )
        .await
        .unwrap(),
        Removal::Stale(())
    );
    assert_eq!(
        app::agreements::service::delete_agreement(
            db,
            app::domain::AgreementId(fresh.id),
            app::domain::Version(fresh.version)
        )
        .await
        .unwrap(),
        Removal::Deleted
    );
    assert_eq!(
        app::agreements::service::delete_agreement(
            db,
            app::domain::AgreementId(fresh.id),
            app::domain::Version(fresh.version)
        )
        .await
        .unwrap(),
        Removal::AlreadyGone
    );
}

async fn a_deleted_contract_takes_its_lines_and_deliveries(db: &Db) {
    let everything = ContractFilter::default();
    let all = || app::deliveries::service::list_deliveries(db, &everything);
    let before = all().await.unwrap().units;
    let k2 = contract(db, "K2 executive contract #1").await;
    assert_eq!(
        app::contracts::service::delete_contract(
            db,
            app::domain::ContractId(k2.id),
            app::domain::Version(k2.version - 1)
        )
        .await
        .unwrap(),
        Removal::Stale(())
    );
    assert_eq!(
        app::contracts::service::delete_contract(
            db,
            app::domain::ContractId(k2.id),
            app::domain::Version(k2.version)
        )
        .await
        .unwrap(),
        Removal::Deleted
    );
    assert!(contracts::get(db, k2.id).await.unwrap().is_none());
    assert_eq!(all().await.unwrap().units, before.map(|units| units - 180));
}

async fn edit_and_delete_pages_over_http(db: &Db) {
    let app = support::spawn_app(db.clone()).await;
    let k9 = contract(db, "K9 executive contract #1").await;
    let (status, page) = app.get(&format!("/contracts/{}/edit", k9.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(&format!("value=\"{}\"", k9.title)),
        "the form starts filled"
    );

    // A save at an old version: 409, the form merged with the stored record.
    let mut form = with_base(contract_fields(&k9));
    set(&mut form, "version", &(k9.version - 1).to_string());
    set(&mut form, "notes", "typed while someone else saved");
    let pairs: Vec<(&str, &str)> = form
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = app
        .post_form(&format!("/contracts/{}/edit", k9.id), &pairs)
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Not saved: someone else saved this contract"),
        "{page}"
    );
    assert!(
        page.contains("typed while someone else saved"),
        "what was typed is kept"
    );
    assert!(
        page.contains(&format!("name=\"version\" value=\"{}\"", k9.version)),
        "saving again saves over the version shown"
    );

    set(&mut form, "version", &k9.version.to_string());
    let pairs: Vec<(&str, &str)> = form
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let response = app
        .post_form(&format!("/contracts/{}/edit", k9.id), &pairs)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app::contracts::service::get_contract(db, k9.id)
            .await
            .unwrap()
            .notes,
        "typed while someone else saved"
    );

    // Delete: a confirmation page first, then the post.
    let (status, page) = app.get(&format!("/contracts/{}/delete", k9.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This cannot be undone."));
    let version = (k9.version + 1).to_string();
    let response = app
        .post_form(
            &format!("/contracts/{}/delete", k9.id),
            &[("version", &version)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, list) = app
        .get(response.headers()["location"].to_str().unwrap())
        .await;
    assert!(list.contains("Deleted “K9 executive contract #1”."));

    // An agreement with contracts under it is not deleted; the page says what refers to it.
    let page = app::agreements::service::list_agreements(db, &Default::default())
        .await
        .unwrap();
    let main = page
        .rows
        .iter()
        .find(|a| a.title.contains("K2 tanks"))
        .unwrap();
    let (_, confirm) = app.get(&format!("/agreements/{}/delete", main.id)).await;
    assert!(confirm.contains("cannot be deleted while other records refer to it"));
    let response = app
        .post_form(
            &format!("/agreements/{}/delete", main.id),
            &[("version", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        app::agreements::service::get_agreement(db, main.id)
            .await
            .is_ok()
    );
}
