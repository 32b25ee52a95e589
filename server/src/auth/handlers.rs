//! The account form posts: sign in and out, the first-start set-up, and the users page.
//! Like the other plain forms, a refused form renders its page again with the messages at
//! their fields; a done one answers 303 to the page that shows the result.

use super::guard::client_address;
use super::{AuthSession, Credentials, hash_password};
use crate::AppState;
use app::accounts::{AccountEcho, SignInEcho};
use app::domain::FieldErrors;
use app::domain::account::{NewPassword, Role, Username, sign_in_target};
use app::domain::audit::AuditAction;
use app::error::AppError;
use app::storage::audit::{self, Actor};
use app::storage::{StorageError, users};
use app::web::{read_form, render_page};
use axum::{
    body::Body,
    extract::{Path, State},
    http::{Request, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use std::net::IpAddr;

/// What a user sees for any failed sign-in: it never tells which part was wrong.
pub const SIGN_IN_FAILED: &str =
    "Wrong username or password (or the account is disabled). Check both and try again.";

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn internal(error: impl std::fmt::Display) -> Response {
    let error = AppError::internal(error);
    super::guard::error_response(error, false)
}

pub async fn sign_in(
    State(state): State<AppState>,
    mut auth: AuthSession,
    request: Request<Body>,
) -> Response {
    let client = client_address(&request);
    let (parts, form) = match read_form::<SignInForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let stranger = Actor {
        id: None,
        name: "(not signed in)".into(),
        client: client.clone(),
    };
    let attempted = format!("username “{}”", form.username.trim());
    let site = state.site();
    let failed = |message: String, status: StatusCode| {
        let echo = SignInEcho {
            username: form.username.trim().to_owned(),
            message,
            next: sign_in_target(&form.next),
        };
        render_page(&site, parts.clone(), echo, status)
    };
    let address: IpAddr = client.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let throttled = match super::throttle::attempt(
        &state.db,
        &form.username,
        address,
        super::throttle::now_ms(),
    )
    .await
    {
        Ok(answer) => answer,
        Err(error) => return internal(error),
    };
    if let Err(wait) = throttled {
        let _ = audit::event(
            &state.db,
            &stranger,
            AuditAction::SignInFailed,
            &format!("{attempted}: too many attempts"),
        )
        .await;
        let seconds = wait.as_secs().max(1);
        return failed(
            format!("Too many sign-in attempts. Wait {seconds} seconds, then try again."),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let credentials = Credentials {
        username: form.username.clone(),
        password: form.password.clone(),
    };
    let user = match auth.authenticate(credentials).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            tracing::info!(client, "failed sign-in");
            let _ = audit::event(&state.db, &stranger, AuditAction::SignInFailed, &attempted).await;
            return failed(SIGN_IN_FAILED.to_owned(), StatusCode::UNAUTHORIZED).await;
        }
        Err(error) => return internal(error),
    };
    // A new session id at every sign-in (axum-login rotates it only from a signed-out session).
    if let Err(error) = auth.session.cycle_id().await {
        return internal(error);
    }
    if let Err(error) = auth.login(&user).await {
        return internal(error);
    }
    if let Err(error) = super::mark_signed_in(&auth.session).await {
        return internal(error);
    }
    let actor = Actor::user(user.user.id, &user.user.username, &client);
    let _ = audit::event(&state.db, &actor, AuditAction::SignIn, "").await;
    tracing::info!(user = user.user.username, "signed in");
    Redirect::to(&sign_in_target(&form.next)).into_response()
}

pub async fn sign_out(State(state): State<AppState>, mut auth: AuthSession) -> Response {
    if let Ok(Some(user)) = auth.logout().await {
        let actor = audit::current_actor();
        let _ = audit::event(&state.db, &actor, AuditAction::SignOut, "").await;
        tracing::info!(user = user.user.username, "signed out");
    }
    Redirect::to("/login?signed_out=1").into_response()
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

/// Compares without stopping at the first difference (the token is a secret).
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Parses a new user's name and password; messages keyed by field.
fn new_account(
    username: &str,
    password: &str,
    repeated: &str,
) -> Result<(Username, NewPassword), FieldErrors> {
    let mut errors = FieldErrors::new();
    let username = errors.check("username", Username::parse(username));
    let password = errors.check("password", NewPassword::parse(password, repeated));
    match (username, password) {
        (Some(username), Some(password)) => Ok((username, password)),
        _ => Err(errors),
    }
}

pub async fn set_up(
    State(state): State<AppState>,
    mut auth: AuthSession,
    request: Request<Body>,
) -> Response {
    let client = client_address(&request);
    let (parts, form) = match read_form::<SetupForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let site = state.site();
    let refuse = |errors: FieldErrors, status: StatusCode| {
        let echo = AccountEcho {
            values: vec![
                ("token".into(), form.token.clone()),
                ("username".into(), form.username.clone()),
            ],
            errors,
        };
        render_page(&site, parts.clone(), echo, status)
    };
    let open = state.setup_token.lock().ok().and_then(|t| t.clone());
    if !open.is_some_and(|token| same_secret(&token, form.token.trim())) {
        return refuse(
            FieldErrors::single(
                "token",
                "This set-up link is not valid (any more). If users exist, sign in; otherwise restart the server and use the new link it prints.",
            ),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let (username, password) =
        match new_account(&form.username, &form.password, &form.password_repeat) {
            Ok(parsed) => parsed,
            Err(errors) => return refuse(errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        };
    let hash = match hash_password(password.expose().to_owned()).await {
        Ok(hash) => hash,
        Err(error) => return internal(error),
    };
    let actor = Actor::system("first-start set-up");
    let inserted = audit::as_actor(
        Actor { client, ..actor },
        users::insert(&state.db, &username, &hash, Role::Admin, true),
    )
    .await;
    match inserted {
        Ok(Some(_)) => {}
        Ok(None) => {
            return refuse(
                FieldErrors::single("token", "Set-up is already done: sign in."),
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(error) => return internal(error),
    }
    if let Ok(mut token) = state.setup_token.lock() {
        *token = None;
    }
    tracing::info!(user = username.as_str(), "first administrator created");
    // Sign them straight in.
    let credentials = Credentials {
        username: username.as_str().to_owned(),
        password: password.expose().to_owned(),
    };
    match auth.authenticate(credentials).await {
        Ok(Some(user)) => {
            if auth.login(&user).await.is_ok() {
                let _ = super::mark_signed_in(&auth.session).await;
            }
            Redirect::to("/").into_response()
        }
        _ => Redirect::to("/login").into_response(),
    }
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

/// The users page again (the forms post to `/users/{id}…`, the page is `/users`).
async fn users_page_refusal(
    state: &AppState,
    mut parts: axum::http::request::Parts,
    values: Vec<(String, String)>,
    errors: FieldErrors,
) -> Response {
    parts.uri = axum::http::Uri::from_static("/users");
    render_page(
        &state.site(),
        parts,
        AccountEcho { values, errors },
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn encoded(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// 303 to the users page, saying what was done (`what`: added, saved, reset) to whom.
async fn back_to_users(state: &AppState, what: &str, id: i64) -> Response {
    let name = users::by_id(&state.db, id)
        .await
        .ok()
        .flatten()
        .map(|u| u.username)
        .unwrap_or_default();
    Redirect::to(&format!("/users?{what}={}", encoded(&name))).into_response()
}

pub async fn add_user(State(state): State<AppState>, request: Request<Body>) -> Response {
    let (parts, form) = match read_form::<NewUserForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let values = vec![
        ("username".to_owned(), form.username.clone()),
        ("role".to_owned(), form.role.clone()),
    ];
    let parsed = new_account(&form.username, &form.password, &form.password_repeat);
    let role = Role::parse(&form.role);
    let (username, password, role) = match (parsed, role) {
        (Ok((u, p)), Ok(role)) => (u, p, role),
        (parsed, role) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(message) = role {
                errors.add("general", message);
            }
            return users_page_refusal(&state, parts, values, errors).await;
        }
    };
    let hash = match hash_password(password.expose().to_owned()).await {
        Ok(hash) => hash,
        Err(error) => return internal(error),
    };
    match users::insert(&state.db, &username, &hash, role, false).await {
        Ok(_) => {
            Redirect::to(&format!("/users?added={}", encoded(username.as_str()))).into_response()
        }
        Err(StorageError::UniqueViolation {
            constraint: Some(name),
        }) if name == app::storage::constraints::USERNAME => {
            let errors = FieldErrors::single(
                "username",
                format!("“{username}” is taken (usernames ignore case); choose another."),
            );
            users_page_refusal(&state, parts, values, errors).await
        }
        Err(error) => internal(error),
    }
}

#[derive(Deserialize)]
pub struct UserEditForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    disabled: Option<String>,
    #[serde(default)]
    version: String,
}

pub async fn update_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (parts, form) = match read_form::<UserEditForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let field = format!("user{id}");
    let refuse = |message: &str| {
        users_page_refusal(
            &state,
            parts.clone(),
            Vec::new(),
            FieldErrors::single(&field, message),
        )
    };
    let (Ok(role), Ok(version)) = (Role::parse(&form.role), form.version.parse::<i64>()) else {
        return refuse("Choose a role, then save again.").await;
    };
    let disabled = form.disabled.is_some_and(|v| v == "on" || v == "true");
    match users::update(&state.db, id, version, role, disabled).await {
        Ok(users::UserEdit::Done) => back_to_users(&state, "saved", id).await,
        Ok(users::UserEdit::Stale) => {
            refuse("Someone changed this user since the page was opened: here is the current state; save again if needed.").await
        }
        Ok(users::UserEdit::Missing) => {
            super::guard::error_response(AppError::not_found(format!("User {id}")), false)
        }
        Ok(users::UserEdit::LastAdmin) => {
            refuse("This is the last active administrator: make someone else an administrator first.").await
        }
        Err(error) => internal(error),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    request: Request<Body>,
) -> Response {
    let (parts, form) = match read_form::<PasswordForm>(request).await {
        Ok(read) => read,
        Err(rejection) => return rejection,
    };
    let password = match NewPassword::parse(&form.password, &form.password_repeat) {
        Ok(password) => password,
        Err(message) => {
            let errors = FieldErrors::single(&format!("user{id}_password"), message);
            return users_page_refusal(&state, parts, Vec::new(), errors).await;
        }
    };
    let hash = match hash_password(password.expose().to_owned()).await {
        Ok(hash) => hash,
        Err(error) => return internal(error),
    };
    match users::set_password(&state.db, id, &hash).await {
        Ok(true) => back_to_users(&state, "reset", id).await,
        Ok(false) => super::guard::error_response(AppError::not_found(format!("User {id}")), false),
        Err(error) => internal(error),
    }
}
