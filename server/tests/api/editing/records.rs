//! Firms and systems: groups without loops, the variant and category rules, edits and deletes.

use app::domain::FormOutcome;
use app::domain::Removal;
use app::forms::with_base;
use app::storage::Db;
use reqwest::StatusCode;

use crate::support;

use super::{entry, invalid, saved, set, with_demo_data};

test_support::on_both_backends!(
    prepare = super::with_demo_data;
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
