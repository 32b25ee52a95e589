//! `/login`, `/setup` (first start) and `/users` (admins). All plain forms: they work the
//! same with or without JavaScript.

use super::{AccountEcho, AccountField, SignInEcho};
use crate::components::ErrorPanel;
use crate::domain::FieldErrors;
use crate::domain::account::{NewPassword, Role, UserRecord};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn query_value(name: &str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let echo = use_context::<SignInEcho>().unwrap_or_default();
    let next = Some(echo.next.clone())
        .filter(|next| !next.is_empty())
        .or_else(|| query_value("next"))
        .map_or_else(
            || "/".into(),
            |next| crate::domain::account::sign_in_target(&next),
        );
    let notice = if query_value("signed_out").is_some() {
        Some("You are signed out.")
    } else {
        None
    };
    let failed = (!echo.message.is_empty()).then(|| echo.message.clone());
    view! {
        <Title text="Sign in" />
        <div class="narrow">
            <h1>"Sign in"</h1>
            {notice.map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
            {failed.map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
            <form method="post" action="/login" class="panel entry">
                <input type="hidden" name="next" value=next />
                <AccountField label="Username" name="username" value=echo.username autocomplete="username" errors=FieldErrors::new() />
                <AccountField label="Password" name="password" kind="password" autocomplete="current-password" errors=FieldErrors::new() />
                <div class="form-actions">
                    <button type="submit" class="button primary">"Sign in"</button>
                </div>
            </form>
            <p class="hint">"No account yet? An administrator adds users on the Users page, or with "<code>"server user add"</code>"."</p>
        </div>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let echo = use_context::<AccountEcho>().unwrap_or_default();
    let token = query_value("token").unwrap_or_else(|| echo.value("token"));
    let general = echo.errors.get("token").map(str::to_owned);
    view! {
        <Title text="Set up" />
        <div class="narrow">
            <h1>"Create the first administrator"</h1>
            <p class="lead">"This server has no users yet. The administrator you create here can add everyone else."</p>
            {general.map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
            {if token.is_empty() {
                view! {
                    <p class="alert alert-error" role="alert">"Open the set-up link that the server printed on its console when it started (it ends in "<code>"?token=…"</code>")."</p>
                }.into_any()
            } else {
                view! {
                    <form method="post" action="/setup" class="panel entry">
                        <input type="hidden" name="token" value=token />
                        <AccountField label="Username" name="username" value=echo.value("username") autocomplete="username" errors=echo.errors.clone() />
                        <AccountField label="Password" name="password" kind="password" autocomplete="new-password" errors=echo.errors.clone()
                            hint="At least 12 characters; a few words make a good password." />
                        <AccountField label="Password again" name="password_repeat" kind="password" autocomplete="new-password" errors=echo.errors.clone() />
                        <div class="form-actions">
                            <button type="submit" class="button primary">"Create administrator and sign in"</button>
                        </div>
                    </form>
                }.into_any()
            }}
        </div>
    }
}

fn role_options(chosen: Role) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|role| {
            view! {
                <option value=role.as_str() selected=role == chosen>
                    {format!("{role} — {}", role.description())}
                </option>
            }
        })
        .collect_view()
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let echo = use_context::<AccountEcho>().unwrap_or_default();
    let users = Resource::new(|| (), |_| super::api::list_users());
    let notice = [
        ("added", "Added user"),
        ("saved", "Saved user"),
        ("reset", "New password set for"),
    ]
    .into_iter()
    .find_map(|(key, text)| query_value(key).map(|name| format!("{text} {name}.")));
    let general = echo.errors.get("general").map(str::to_owned);
    let new_role = Role::parse(&echo.value("role")).unwrap_or(Role::Viewer);
    let table_echo = echo.clone();
    view! {
        <Title text="Users" />
        <h1>"Users"</h1>
        <p class="lead">"Viewers read everything and export CSV; editors also add, edit, delete and import deals; administrators also manage users and exchange rates and read the audit trail."</p>
        {notice.map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
        {general.map(|text| view! { <p class="alert alert-error" role="alert">{text}</p> })}
        <Suspense fallback=|| view! { <p class="placeholder">"Loading users…"</p> }>
            {move || {
                let echo = table_echo.clone();
                Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! { <UserTable users=list echo /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
        <h2>"Add a user"</h2>
        <form method="post" action="/users" class="panel entry">
            <fieldset class="form-grid">
                <legend>"New user"</legend>
                <AccountField form="new" label="Username" name="username" value=echo.value("username") autocomplete="off" errors=echo.errors.clone()
                    hint="Letters, digits and . _ - @" />
                <div class="field">
                    <label for="new-role">"Role"</label>
                    <select id="new-role" name="role">{role_options(new_role)}</select>
                </div>
                <AccountField form="new" label="Password" name="password" kind="password" autocomplete="new-password" errors=echo.errors.clone()
                    hint="At least 12 characters. Give it to them in person; they cannot change it themselves yet." />
                <AccountField form="new" label="Password again" name="password_repeat" kind="password" autocomplete="new-password" errors=echo.errors.clone() />
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button primary">"Add user"</button>
            </div>
        </form>
    }
}

#[component]
fn UserTable(users: Vec<UserRecord>, echo: AccountEcho) -> impl IntoView {
    let me = super::current_user().map(|u| u.id);
    view! {
        <div class="table-wrap">
            <table class="data" aria-label="Users">
                <thead>
                    <tr>
                        <th scope="col">"Username"</th><th scope="col">"Since"</th>
                        <th scope="col">"Role and access"</th><th scope="col">"New password"</th>
                    </tr>
                </thead>
                <tbody>
                    {users.into_iter().map(|user| {
                        let id = user.id;
                        let error = echo.errors.get(&format!("user{id}")).map(str::to_owned);
                        let password_error = echo.errors.get(&format!("user{id}_password")).map(str::to_owned);
                        view! {
                            <tr class:muted=user.disabled>
                                <td>
                                    {user.username.clone()}
                                    {(me == Some(id)).then(|| view! { " " <span class="badge">"you"</span> })}
                                    {user.disabled.then(|| view! { " " <span class="badge">"disabled"</span> })}
                                </td>
                                <td class="nowrap">{user.created_at.clone()}</td>
                                <td>
                                    <form method="post" action=format!("/users/{id}") class="inline-form">
                                        <input type="hidden" name="version" value=user.version.to_string() />
                                        <label>
                                            <span class="visually-hidden">{format!("Role of {}", user.username)}</span>
                                            <select name="role">{role_options(user.role)}</select>
                                        </label>
                                        <label class="check">
                                            <input type="checkbox" name="disabled" value="on" checked=user.disabled />
                                            " disabled"
                                        </label>
                                        <button type="submit" class="button">"Save"</button>
                                        {error.map(|text| view! { <p class="field-error" role="alert">{text}</p> })}
                                    </form>
                                </td>
                                <td>
                                    <form method="post" action=format!("/users/{id}/password") class="inline-form">
                                        <label>
                                            <span class="visually-hidden">{format!("New password for {}", user.username)}</span>
                                            <input type="password" name="password" autocomplete="new-password" required=true placeholder="new password" />
                                        </label>
                                        <label>
                                            <span class="visually-hidden">"The new password again"</span>
                                            <input type="password" name="password_repeat" autocomplete="new-password" required=true placeholder="again" />
                                        </label>
                                        <button type="submit" class="button">"Set password"</button>
                                        {password_error.map(|text| view! { <p class="field-error" role="alert">{text}</p> })}
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">{format!("Passwords: at least {} characters.", NewPassword::MIN_CHARS)}" Disabling a user or changing their role or password ends their sessions at their next request. The last active administrator cannot be disabled or demoted."</p>
    }
}
