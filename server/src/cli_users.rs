//! `server user …`: add users, set passwords and list users from the command line (scripted
//! set-ups, or an administrator locked out). Changes are on the audit trail as "cli".

use crate::cli::UserAction;
use app::domain::account::{NewPassword, Role, Username};
use app::storage::audit::{self, Actor};
use app::storage::{Db, StorageError, users};
use std::io::{BufRead, IsTerminal};

/// A new password: asked twice on a terminal (not echoed), else one line of standard input.
fn read_password(prompt: &str) -> Result<NewPassword, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("{prompt}: "))
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let again = rpassword::prompt_password("The same password again: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        NewPassword::parse(&first, &again)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
        let line = line.trim_end_matches(['\n', '\r']);
        NewPassword::parse(line, line)
    }
}

pub async fn run(db: &Db, action: UserAction) -> Result<(), String> {
    let actor = Actor::system("cli");
    audit::as_actor(actor, run_as_cli(db, action)).await
}

async fn run_as_cli(db: &Db, action: UserAction) -> Result<(), String> {
    match action {
        UserAction::Add { username, role } => {
            let username = Username::parse(&username)?;
            let role = Role::parse(&role)?;
            let password = read_password(&format!("Password for {username}"))?;
            let hash = crate::auth::hash_password(password.expose().to_owned())
                .await
                .map_err(|e| e.to_string())?;
            match users::insert(db, &username, &hash, role, false).await {
                Ok(_) => {
                    println!("added {username} ({role})");
                    Ok(())
                }
                Err(StorageError::UniqueViolation {
                    constraint: Some(name),
                }) if name == app::storage::constraints::USERNAME => Err(format!(
                    "a user named {username} exists (usernames ignore case); use `server user reset-password {username}` to set a new password"
                )),
                Err(error) => Err(format!("cannot add the user: {error}")),
            }
        }
        UserAction::ResetPassword { username } => {
            let Some(user) = users::by_name(db, &username)
                .await
                .map_err(|e| e.to_string())?
            else {
                return Err(format!(
                    "no user named {username}; `server user list` shows who exists"
                ));
            };
            let password = read_password(&format!("New password for {}", user.username))?;
            let hash = crate::auth::hash_password(password.expose().to_owned())
                .await
                .map_err(|e| e.to_string())?;
            users::set_password(db, user.id, &hash)
                .await
                .map_err(|e| e.to_string())?;
            println!("new password set for {}", user.username);
            Ok(())
        }
        UserAction::List => {
            let list = users::list(db).await.map_err(|e| e.to_string())?;
            if list.is_empty() {
                println!(
                    "no users yet: `server user add NAME --role admin`, or the set-up link the server prints"
                );
            }
            for user in list {
                println!(
                    "{:<32} {:<7} {}{}",
                    user.username,
                    user.role,
                    user.created_at,
                    if user.disabled { "  disabled" } else { "" }
                );
            }
            Ok(())
        }
    }
}
