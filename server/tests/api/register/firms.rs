//! Firms in the register: their groups, and no delete of a firm that deals refer to.

use app::domain::Removal;
use app::firms::service as firm_service;
use app::storage::{Db, firms};

use super::with_demo_data;
use crate::support;

test_support::on_both_backends!(
    prepare = super::with_demo_data;
    firms_that_deals_refer_to_cannot_be_deleted,
    firms_belong_to_their_groups,
);

async fn firms_belong_to_their_groups(db: &Db) {
    let all = firms::list(db).await.unwrap();
    let id = |name: &str| all.iter().find(|f| f.name == name).unwrap().id;
    let aerospace = firms::family(db, id("Hanwha Aerospace")).await.unwrap();
    assert_eq!(aerospace.parent.unwrap().name, "Hanwha");
    let hanwha = firms::family(db, id("Hanwha")).await.unwrap();
    assert!(hanwha.parent.is_none());
    let members: Vec<String> = hanwha.members.into_iter().map(|m| m.name).collect();
    assert!(
        members.contains(&"Hanwha Aerospace".to_owned()),
        "{members:?}"
    );

    let app = support::spawn_app(db.clone()).await;
    let (_, page) = app.get(&format!("/firms/{}", id("Hanwha Aerospace"))).await;
    assert!(page.contains("Part of"));
    assert!(page.contains(&format!("/contracts?supplier={}", id("Hanwha Aerospace"))));
}

async fn firms_that_deals_refer_to_cannot_be_deleted(db: &Db) {
    let rotem = firms::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.name == "Hyundai Rotem")
        .unwrap();
    let outcome = firm_service::delete(
        db,
        app::domain::FirmId(rotem.id),
        app::domain::Version(rotem.version),
    )
    .await
    .unwrap();
    let Removal::Referenced { by } = outcome else {
        panic!("expected Referenced, got {outcome:?}")
    };
    assert!(
        by.iter().any(|line| line == "System “K2PL” (maker)"),
        "{by:?}"
    );
    assert!(
        by.iter()
            .any(|line| line == "Contract “K2 executive contract #1” (supplier)"),
        "{by:?}"
    );
    assert!(
        firms::get(db, rotem.id).await.unwrap().is_some(),
        "nothing was deleted"
    );
}
