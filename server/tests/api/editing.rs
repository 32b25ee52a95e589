//! Editing and deleting agreements and contracts on both backends: stored lines keep their
//! deliveries, versions turn a late save into a merge instead of an overwrite, deletes ask first
//! and refuse what is still referenced.

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

async fn with_demo_data(db: Db) -> Db {
    server::demo::load(&db).await.expect("demo data loads");
    db
}

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    an_edited_contract_keeps_its_lines_and_deliveries,
    a_late_save_is_merged_not_overwritten,
    agreements_edit_and_delete_by_the_rules,
    a_deleted_contract_takes_its_lines_and_deliveries,
    edit_and_delete_pages_over_http,
    systems_follow_their_rules,
    firms_join_groups_without_loops,
);

async fn firms_join_groups_without_loops(db: &Db) {
    use app::firms::service as firms;
    let all = firms::list(db).await.unwrap();
    let firm = |name: &str| all.iter().find(|f| f.name == name).unwrap().clone();
    let (hanwha, aerospace) = (firm("Hanwha"), firm("Hanwha Aerospace"));

    let errors = invalid(
        firms::set_group(
            db,
            app::domain::FirmId(hanwha.id),
            app::domain::Version(hanwha.version),
            &aerospace.id.to_string(),
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        errors.get("parent_id"),
        Some("A firm cannot belong to itself or to one of its own members.")
    );
    assert!(matches!(
        firms::set_group(
            db,
            app::domain::FirmId(aerospace.id),
            app::domain::Version(aerospace.version - 1),
            ""
        )
        .await
        .unwrap(),
        FormOutcome::Conflict { .. }
    ));
    let alone = saved(
        firms::set_group(
            db,
            app::domain::FirmId(aerospace.id),
            app::domain::Version(aerospace.version),
            "",
        )
        .await
        .unwrap(),
    );
    assert_eq!(alone.version, aerospace.version + 1);
    assert!(
        app::storage::firms::family(db, aerospace.id)
            .await
            .unwrap()
            .parent
            .is_none()
    );

    let app = support::spawn_app(db.clone()).await;
    let version = alone.version.to_string();
    let parent = hanwha.id.to_string();
    let response = app
        .post_form(
            &format!("/firms/{}/group", aerospace.id),
            &[
                ("version", version.as_str()),
                ("parent_id", parent.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let family = app::storage::firms::family(db, aerospace.id).await.unwrap();
    assert_eq!(family.parent.unwrap().id, hanwha.id);

    let (status, page) = app.get("/firms?q=hanwha&sort=country&dir=desc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(">Hanwha Aerospace<") && !page.contains(">Hyundai Rotem<"),
        "searched"
    );
    assert!(
        page.contains("aria-sort=\"descending\""),
        "the sorted column says so"
    );
}

fn entry(pairs: &[(&str, &str)]) -> EntryFields {
    EntryFields(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

async fn systems_follow_their_rules(db: &Db) {
    let all = app::storage::systems::list(db).await.unwrap();
    let id_of = |designation: &str| {
        all.iter()
            .find(|s| s.designation == designation)
            .unwrap()
            .id
            .to_string()
    };
    let maker = all[0].maker.id.to_string();
    let new = |designation: &'static str, base: String| {
        entry(&[
            ("designation", designation),
            ("category", "artillery"),
            ("maker_id", maker.as_str()),
            ("variant_of_id", base.as_str()),
        ])
    };

    let errors = invalid(
        app::systems::service::create_system(db, &new("k2", String::new()))
            .await
            .unwrap(),
    );
    assert!(
        errors
            .get("designation")
            .unwrap()
            .contains("already exists")
    );
    let errors = invalid(
        app::systems::service::create_system(db, &new("K9A2", id_of("K9PL")))
            .await
            .unwrap(),
    );
    assert_eq!(
        errors.get("variant_of_id"),
        Some("K9PL is itself a variant of K9; choose K9 instead.")
    );
    let errors = invalid(
        app::systems::service::create_system(db, &entry(&[("designation", "X")]))
            .await
            .unwrap(),
    );
    assert!(errors.get("category").is_some() && errors.get("maker_id").is_some());

    let k9a2 = saved(
        app::systems::service::create_system(db, &new("K9A2", id_of("K9")))
            .await
            .unwrap(),
    );
    assert_eq!(k9a2.variant_of.as_ref().unwrap().name, "K9");

    // Two forms at one version: the second save is a conflict, not an overwrite.
    let opened = with_base(app::systems::form::system_fields(&k9a2));
    let mut first = opened.clone();
    set(&mut first, "description", "Automated loader");
    saved(
        app::systems::service::update_system(db, app::domain::SystemId(k9a2.id), &first)
            .await
            .unwrap(),
    );
    let mut second = opened.clone();
    set(&mut second, "description", "Unmanned turret");
    assert!(matches!(
        app::systems::service::update_system(db, app::domain::SystemId(k9a2.id), &second)
            .await
            .unwrap(),
        FormOutcome::Conflict { .. }
    ));

    let k9 = app::systems::service::get_system(db, id_of("K9").parse().unwrap())
        .await
        .unwrap();
    let mut own_base = with_base(app::systems::form::system_fields(&k9));
    set(&mut own_base, "variant_of_id", &id_of("K2"));
    let errors = invalid(
        app::systems::service::update_system(db, app::domain::SystemId(k9.id), &own_base)
            .await
            .unwrap(),
    );
    assert!(
        errors
            .get("variant_of_id")
            .unwrap()
            .contains("has variants of its own")
    );

    match app::systems::service::delete_system(
        db,
        app::domain::SystemId(k9.id),
        app::domain::Version(k9.version),
    )
    .await
    .unwrap()
    {
        Removal::Referenced { by } => {
            assert!(
                by.contains(&"System “K9A2” (a variant of it)".to_owned()),
                "{by:?}"
            );
            assert!(by.iter().any(|b| b.contains("(a ceiling line)")), "{by:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let current = app::systems::service::get_system(db, k9a2.id)
        .await
        .unwrap();
    assert_eq!(
        app::systems::service::delete_system(
            db,
            app::domain::SystemId(k9a2.id),
            app::domain::Version(current.version)
        )
        .await
        .unwrap(),
        Removal::Deleted
    );

    let app = support::spawn_app(db.clone()).await;
    let (status, page) = app.get("/systems?q=k9&sort=maker&dir=desc").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(">K9A1<") && !page.contains(">K2<"),
        "searched"
    );
    let (_, page) = app.get("/systems?category=aircraft").await;
    assert!(
        page.contains(">FA-50<") && !page.contains(">K9<"),
        "filtered"
    );
    let response = app
        .post_form(
            "/systems/new",
            &[
                ("designation", "K2"),
                ("category", "armoured vehicles"),
                ("maker_id", &maker),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("already exists"));
}

async fn contract(db: &Db, title: &str) -> app::domain::register::Contract {
    let page = contracts::list(
        db,
        &ContractFilter {
            q: Some(title.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let id = page.rows.iter().find(|c| c.title == title).unwrap().id;
    app::contracts::service::get_contract(db, id).await.unwrap()
}

fn set(fields: &mut EntryFields, key: &str, value: &str) {
    fields.0.insert(key.to_owned(), value.to_owned());
}

fn invalid<T: std::fmt::Debug, C: std::fmt::Debug>(
    outcome: FormOutcome<T, C>,
) -> app::domain::FieldErrors {
    match outcome {
        FormOutcome::Invalid(errors) => errors,
        other => panic!("expected messages, got {other:?}"),
    }
}

fn saved<T: std::fmt::Debug, C: std::fmt::Debug>(outcome: FormOutcome<T, C>) -> T {
    match outcome {
        FormOutcome::Saved(record) => record,
        other => panic!("expected a save, got {other:?}"),
    }
}

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
    assert_eq!(all().await.unwrap().units, before - 180);
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
