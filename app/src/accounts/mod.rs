//! Accounts in the browser: sign-in and first-start pages, the admins' users page, and the
//! audit trail's pages (the trail itself and each record's history).

pub mod api;
pub mod audit;
pub mod pages;

use crate::domain::FieldErrors;
use crate::domain::account::CurrentUser;
use leptos::prelude::*;

/// The signed-in user of this request (the server's guard puts them in the request context).
pub fn current_user() -> Option<CurrentUser> {
    use_context::<CurrentUser>()
}

/// Whether the signed-in user has at least `role`: pages leave out what the role cannot use
/// (the server refuses it anyway).
pub fn may(role: crate::domain::account::Role) -> bool {
    current_user().is_some_and(|user| user.may(role))
}

/// What a sign-in form that did not sign in shows again.
#[derive(Clone, Debug, Default)]
pub struct SignInEcho {
    pub username: String,
    pub message: String,
    /// Where to go after signing in (the page that asked), kept across a failed attempt.
    pub next: String,
}

/// What a set-up or users form that was refused shows again: the typed values (never a
/// password) and the messages at their fields.
#[derive(Clone, Debug, Default)]
pub struct AccountEcho {
    pub values: Vec<(String, String)>,
    pub errors: FieldErrors,
}

impl AccountEcho {
    pub fn value(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// A labelled input with its hint and its message, for the account forms.
#[component]
pub fn AccountField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] value: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    errors: FieldErrors,
    /// Prefix of the ids, for pages with several forms.
    #[prop(default = "a")]
    form: &'static str,
) -> impl IntoView {
    let id = format!("{form}-{name}");
    let error = errors.get(name).unwrap_or_default().to_owned();
    let invalid = !error.is_empty();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <input id=id.clone() name=name type=kind value=value required=true autocomplete=autocomplete
                aria-invalid=invalid.to_string() aria-describedby=format!("{id}-error") />
            {hint.map(|hint| view! { <p class="hint">{hint}</p> })}
            <p class="field-error" id=format!("{id}-error")>{error}</p>
        </div>
    }
}

crate::access! {
    server_fns: {
        "audit/history": Viewer,
        "users/list": Admin,
        "audit/list": Admin,
    },
    pages: {
        "/users": Admin,
        "/audit": Admin,
    },
}

crate::page_routes! {
    /// Sign-in, first-start set-up, users and the audit trail, as the app's route table takes them.
    AccountRoutes {
        "/login" => pages::LoginPage,
        "/setup" => pages::SetupPage,
        "/users" => pages::UsersPage,
        "/audit" => audit::AuditPage,
    }
}
