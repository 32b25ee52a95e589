//! Sign-in throttling, session cookies and lifetimes, and the last admin.

use app::domain::account::Role;
use reqwest::StatusCode;

use crate::support::{self, PASSWORD, TestApp, client, spawn_app, spawn_app_with};

test_support::on_both_backends!(
    prepare = super::spawn_app;
    sign_in_is_throttled_and_says_the_same_whatever_was_wrong,
    sessions_are_host_cookies_renewed_at_sign_in_and_end_when_access_changes,
    the_last_admin_cannot_be_disabled_or_demoted,
);

async fn sign_in_is_throttled_and_says_the_same_whatever_was_wrong(app: &TestApp) {
    support::ensure_user(&app.db, "anna", Role::Editor).await;
    let wrong_password = app.sign_in("anna", "not the password").await.unwrap_err();
    assert_eq!(wrong_password.status(), StatusCode::UNAUTHORIZED);
    let wrong_password = wrong_password.text().await.unwrap();
    let unknown_user = app.sign_in("nobody", PASSWORD).await.unwrap_err();
    let unknown_user = unknown_user.text().await.unwrap();
    let message = server::auth::handlers::SIGN_IN_FAILED;
    assert!(wrong_password.contains(message) && unknown_user.contains(message));
    assert!(
        wrong_password.contains(r#"value="anna""#),
        "the username is kept"
    );
    let kept = client(None)
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "anna"),
            ("password", "nope"),
            ("next", "/contracts?buyer=PL"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        kept.contains(r#"name="next" value="/contracts?buyer=PL""#),
        "where to go is kept: {kept}"
    );
    // Eight more wrong guesses (ten on this username), then even the right password waits.
    for _ in 0..8 {
        assert!(app.sign_in("anna", "guess").await.is_err());
    }
    let throttled = app.sign_in("ANNA", PASSWORD).await.unwrap_err();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        throttled
            .text()
            .await
            .unwrap()
            .contains("Too many sign-in attempts")
    );
    // Another user signs in meanwhile.
    support::ensure_user(&app.db, "bob", Role::Viewer).await;
    assert!(app.sign_in("bob", PASSWORD).await.is_ok());
    // Failed sign-ins are on the audit trail, with the username tried (never the password).
    let filter = app::domain::audit::AuditFilter {
        action: Some(app::domain::audit::AuditAction::SignInFailed),
        page: 1,
        ..Default::default()
    };
    let (failed, total) = app::storage::audit::list(&app.db, &filter).await.unwrap();
    assert_eq!(total, 12);
    assert!(failed.iter().any(|e| e.detail == "username “nobody”"));
    assert!(
        failed
            .iter()
            .any(|e| e.detail.contains("too many attempts"))
    );
    assert!(failed.iter().all(|e| !e.detail.contains("guess")));
    let (signed_in, _) = app::storage::audit::list(
        &app.db,
        &app::domain::audit::AuditFilter {
            action: Some(app::domain::audit::AuditAction::SignIn),
            actor: Some("bob".into()),
            page: 1,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(signed_in.len(), 1);
    assert_eq!(signed_in[0].client, "127.0.0.1");
}

async fn sessions_are_host_cookies_renewed_at_sign_in_and_end_when_access_changes(app: &TestApp) {
    support::ensure_user(&app.db, "carol", Role::Editor).await;
    let response = client(None)
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "carol"),
            ("password", PASSWORD),
            ("next", "/contracts?buyer=PL"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/contracts?buyer=PL");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in [
        "__Host-dealtracker=",
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    let first = support::session_cookie(&response).unwrap();
    // Signing in again from that session gives a new session id; the old one is gone.
    let again = client(Some(&first))
        .post(format!("{}/login", app.base))
        .form(&[("username", "carol"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = support::session_cookie(&again).unwrap();
    assert_ne!(first, second);
    let old = app.with_client(client(Some(&first)));
    assert_eq!(old.get("/contracts").await.0, StatusCode::UNAUTHORIZED);
    let carol = app.with_client(client(Some(&second)));
    assert_eq!(carol.get("/contracts").await.0, StatusCode::OK);
    // An off-site `next` goes home instead.
    let offsite = client(None)
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "carol"),
            ("password", PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(offsite.headers()["location"], "/");
    // An admin demotes carol: her session ends at her next request; then disabled, she
    // cannot sign in at all.
    let stored = app::storage::users::by_name(&app.db, "carol")
        .await
        .unwrap()
        .unwrap();
    app.post_saved(
        &format!("/users/{}", stored.id),
        &[("role", "viewer"), ("version", &stored.version.to_string())],
    )
    .await;
    assert_eq!(carol.get("/contracts").await.0, StatusCode::UNAUTHORIZED);
    let stored = app::storage::users::by_name(&app.db, "carol")
        .await
        .unwrap()
        .unwrap();
    app.post_form(
        &format!("/users/{}", stored.id),
        &[
            ("role", "viewer"),
            ("disabled", "on"),
            ("version", &stored.version.to_string()),
        ],
    )
    .await;
    let refused = app.sign_in("carol", PASSWORD).await.unwrap_err();
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains(server::auth::handlers::SIGN_IN_FAILED)
    );
    // Signing out ends the session.
    let dave = {
        support::ensure_user(&app.db, "dave", Role::Viewer).await;
        app.sign_in("dave", PASSWORD).await.unwrap()
    };
    let out = client(Some(&dave))
        .post(format!("{}/logout", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(out.headers()["location"], "/login?signed_out=1");
    let after = app.with_client(client(Some(&dave)));
    assert_eq!(after.get("/contracts").await.0, StatusCode::UNAUTHORIZED);
}

async fn the_last_admin_cannot_be_disabled_or_demoted(app: &TestApp) {
    let me = app::storage::users::by_name(&app.db, support::ADMIN)
        .await
        .unwrap()
        .unwrap();
    let response = app
        .post_form(
            &format!("/users/{}", me.id),
            &[("role", "editor"), ("version", &me.version.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("last active administrator")
    );
    let response = app
        .post_form(
            &format!("/users/{}", me.id),
            &[
                ("role", "admin"),
                ("disabled", "on"),
                ("version", &me.version.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let still = app::storage::users::by_name(&app.db, support::ADMIN)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((still.role.as_str(), still.disabled), ("admin", false));
    // With a second admin, the first may step down.
    let added = app
        .post_form(
            "/users",
            &[
                ("username", "erin"),
                ("role", "admin"),
                ("password", "another long passphrase"),
                ("password_repeat", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let taken = app
        .post_form(
            "/users",
            &[
                ("username", "ERIN"),
                ("role", "viewer"),
                ("password", "another long passphrase"),
                ("password_repeat", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains("is taken"));
    app.post_saved(
        &format!("/users/{}", me.id),
        &[("role", "editor"), ("version", &me.version.to_string())],
    )
    .await;
    // Password reset by an admin: the old password stops working.
    let erin = app
        .sign_in("erin", "another long passphrase")
        .await
        .unwrap();
    let erin = app.with_client(client(Some(&erin)));
    erin.post_saved(
        &format!("/users/{}/password", me.id),
        &[
            ("password", "a brand new passphrase"),
            ("password_repeat", "a brand new passphrase"),
        ],
    )
    .await;
    assert!(app.sign_in(support::ADMIN, PASSWORD).await.is_err());
    assert!(
        app.sign_in(support::ADMIN, "a brand new passphrase")
            .await
            .is_ok()
    );
}

/// Sessions end after the idle timeout, and after the absolute lifetime even when in use.
#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_lifetime() {
    let scratch = test_support::Scratch::sqlite().await.unwrap();
    let app = spawn_app_with(scratch.db.clone(), |state| {
        state.session_limits = server::auth::SessionLimits {
            idle: std::time::Duration::from_secs(2),
            absolute: std::time::Duration::from_secs(4),
        };
    })
    .await;
    support::ensure_user(&app.db, "frank", Role::Viewer).await;
    let cookie = app.sign_in("frank", PASSWORD).await.unwrap();
    let frank = app.with_client(client(Some(&cookie)));
    assert_eq!(frank.get("/contracts").await.0, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(3200)).await;
    assert_eq!(
        frank.get("/contracts").await.0,
        StatusCode::UNAUTHORIZED,
        "idle too long"
    );

    let cookie = app.sign_in("frank", PASSWORD).await.unwrap();
    let frank = app.with_client(client(Some(&cookie)));
    let started = std::time::Instant::now();
    let mut ended_after = None;
    while started.elapsed() < std::time::Duration::from_secs(8) {
        if frank.get("/contracts").await.0 == StatusCode::UNAUTHORIZED {
            ended_after = Some(started.elapsed());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let ended_after = ended_after.expect("the session ended although in use");
    assert!(
        ended_after >= std::time::Duration::from_secs(3),
        "{ended_after:?}"
    );
    scratch.finish().await;
}
