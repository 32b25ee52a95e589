//! Accounts: roles, usernames and the password rules, parsed once and shared with the browser.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where to send a person after signing in: `next` read as a browser reads a link on this
/// site, kept only when it stays on this site, else the overview (`/`).
///
/// A browser drops tabs and line breaks from a URL, reads `\` as `/` and `http:/x` as the host
/// `x`, so a prefix check on the raw text lets `/\t/evil.example` through as
/// `//evil.example`. Resolving it with a WHATWG URL parser against a placeholder origin and
/// comparing origins asks the browser's own question. The answer is the resolved path, query
/// and fragment, percent-encoded, so it is also always a valid `Location` header.
pub fn sign_in_target(next: &str) -> String {
    const ORIGIN: &str = "http://this-site.invalid/";
    let Ok(base) = url::Url::parse(ORIGIN) else {
        return "/".into();
    };
    match base.join(next.trim()) {
        Ok(target) if target.origin() == base.origin() && !next.trim().is_empty() => {
            let mut out = target.path().to_owned();
            if let Some(query) = target.query() {
                out.push('?');
                out.push_str(query);
            }
            if let Some(fragment) = target.fragment() {
                out.push('#');
                out.push_str(fragment);
            }
            out
        }
        _ => "/".into(),
    }
}

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

    #[test]
    fn sign_in_targets_stay_on_this_site() {
        for next in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            " //evil.example",
            "/ /evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "http:evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "",
            "   ",
        ] {
            let target = sign_in_target(next);
            assert!(
                target == "/" || (target.starts_with('/') && !target.starts_with("//")),
                "{next:?} became {target:?}"
            );
            let site = url::Url::parse("https://tracker.test/").unwrap();
            assert_eq!(
                site.join(&target).unwrap().host_str(),
                Some("tracker.test"),
                "{next:?} became {target:?}, which leaves the site"
            );
            assert!(
                !target.contains(['\r', '\n', '\t', '\\']),
                "{next:?} became {target:?}"
            );
        }
        assert_eq!(
            sign_in_target("/contracts?buyer=PL&page=2"),
            "/contracts?buyer=PL&page=2"
        );
        assert_eq!(sign_in_target("/contracts/12#lines"), "/contracts/12#lines");
        assert_eq!(
            sign_in_target("/summary?q=K9 Thunder"),
            "/summary?q=K9%20Thunder"
        );
        assert_eq!(
            sign_in_target("/a\r\nSet-Cookie: x=1"),
            "/aSet-Cookie:%20x=1"
        );
    }
}
