//! Accounts: roles, usernames and the password rules, parsed once and shared with the browser.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a signed-in person may do. Ordered: each role may do everything the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Reads every page and exports CSV.
    Viewer,
    /// Also creates, edits, deletes and imports records.
    Editor,
    /// Also manages users and exchange rates, and reads the audit trail.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// What the role may do, in a few words (users page, `--help`).
    pub fn description(self) -> &'static str {
        match self {
            Role::Viewer => "reads everything and exports CSV",
            Role::Editor => "also adds, edits, deletes and imports deals",
            Role::Admin => "also manages users and exchange rates, reads the audit trail",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            _ => Err("Choose a role: viewer, editor or admin.".into()),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A username: 1–64 characters of letters, digits and `.`, `_`, `-`, `@`; compared without
/// regard to case (the database's unique index is on its lower case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("Enter a username.".into());
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "A username has at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        if let Some(bad) = text
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')))
        {
            return Err(format!(
                "A username is letters, digits and . _ - @ only; “{bad}” is not allowed."
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password, checked against the rules before it is hashed. Not `Serialize`, and its
/// `Debug` hides it: a password never reaches a log or a response.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// Length over composition rules (NIST SP 800-63B): long passphrases, no forced symbols.
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(text: &str, repeated: &str) -> Result<Self, String> {
        let count = text.chars().count();
        if count < Self::MIN_CHARS {
            return Err(format!(
                "Use at least {} characters (a few words make a good password).",
                Self::MIN_CHARS
            ));
        }
        if count > Self::MAX_CHARS {
            return Err(format!(
                "A password has at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        if text != repeated {
            return Err("The two passwords differ; type the same password twice.".into());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// The signed-in person, as pages and server functions see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
}

impl CurrentUser {
    pub fn may(&self, role: Role) -> bool {
        self.role >= role
    }
}

/// A user as the users page lists them (never with the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub version: i64,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_are_ordered() {
        assert_eq!(Role::parse(" Editor "), Ok(Role::Editor));
        assert!(Role::parse("root").is_err());
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        let editor = CurrentUser {
            id: 1,
            username: "e".into(),
            role: Role::Editor,
        };
        assert!(editor.may(Role::Viewer) && editor.may(Role::Editor) && !editor.may(Role::Admin));
    }

    #[test]
    fn usernames_are_trimmed_and_limited() {
        assert_eq!(
            Username::parse("  anna.k@mnd ").unwrap().as_str(),
            "anna.k@mnd"
        );
        assert_eq!(Username::parse("Łukasz_2").unwrap().as_str(), "Łukasz_2");
        assert!(Username::parse("").unwrap_err().contains("Enter"));
        assert!(Username::parse("a b").unwrap_err().contains("“ ”"));
        assert!(Username::parse(&"x".repeat(65)).is_err());
        assert!(Username::parse(&"x".repeat(64)).is_ok());
    }

    #[test]
    fn passwords_need_length_and_the_same_twice() {
        assert!(
            NewPassword::parse("short", "short")
                .unwrap_err()
                .contains("12")
        );
        assert!(
            NewPassword::parse("long enough words", "long enough word")
                .unwrap_err()
                .contains("differ")
        );
        let password = NewPassword::parse("long enough words", "long enough words").unwrap();
        assert_eq!(password.expose(), "long enough words");
        assert!(!format!("{password:?}").contains("long"));
        assert!(NewPassword::parse(&"x".repeat(257), &"x".repeat(257)).is_err());
    }
}
