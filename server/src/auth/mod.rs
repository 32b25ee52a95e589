//! Accounts on the server: who is signed in (axum-login over tower-sessions, sessions in the
//! app's database), what each role may reach ([`policy`]), the guard that enforces it with the
//! cross-site check and security headers ([`guard`]), sign-in throttling ([`throttle`]) and
//! the sign-in, set-up and user-management form posts ([`handlers`]).

pub mod guard;
pub mod handlers;
pub mod policy;
pub mod store;
pub mod throttle;

use app::domain::account::CurrentUser;
use app::storage::{Db, StorageError, users};
use axum_login::{AuthUser, AuthnBackend, UserId};
use std::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The session cookie. `__Host-` makes browsers accept it only when Secure, for this host
/// alone and path `/`: no subdomain or plain-HTTP page can set or overwrite it. Browsers treat
/// `http://127.0.0.1` and `localhost` as secure; anywhere else, serve the app over HTTPS.
pub const SESSION_COOKIE: &str = "__Host-dealtracker";

/// When the session was signed in (seconds since the epoch), for the absolute lifetime.
pub const SIGNED_IN_AT: &str = "signed_in_at";

/// When the session's idle deadline last moved (milliseconds since the epoch).
pub const TOUCHED_AT: &str = "touched_at";

/// Marks a session just signed in: the start of its absolute lifetime and of its idle time.
pub async fn mark_signed_in(
    session: &tower_sessions::Session,
) -> Result<(), tower_sessions::session::Error> {
    let now = chrono::Utc::now();
    session.insert(SIGNED_IN_AT, now.timestamp()).await?;
    session.insert(TOUCHED_AT, now.timestamp_millis()).await
}

/// Moves a signed-in session's idle deadline forward, but only when it last moved a while ago
/// ([`SessionLimits::touch_every`]): a session is written when it changes or once in that while,
/// never at every read. Touching changes the session, so the session layer saves it (with a new
/// expiry, in the database and the cookie); otherwise it is not written at all.
pub async fn touch(
    session: &tower_sessions::Session,
    limits: SessionLimits,
) -> Result<(), tower_sessions::session::Error> {
    let now_ms = chrono::Utc::now().timestamp_millis();
    let touched_at: Option<i64> = session.get(TOUCHED_AT).await?;
    let every_ms = i64::try_from(limits.touch_every().as_millis()).unwrap_or(i64::MAX);
    if touched_at.is_none_or(|at| now_ms.saturating_sub(at) >= every_ms) {
        session.insert(TOUCHED_AT, now_ms).await?;
    }
    Ok(())
}

/// How long sessions last.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    /// Ends a session nobody used for this long.
    pub idle: Duration,
    /// Ends any session this long after sign-in, used or not.
    pub absolute: Duration,
}

impl SessionLimits {
    /// How often a session in use moves its idle deadline: every five minutes, or a quarter of
    /// the idle time when that is shorter. A session ends between `idle - touch_every` and
    /// `idle` after its last use.
    pub fn touch_every(self) -> Duration {
        (self.idle / 4).min(Duration::from_secs(5 * 60))
    }
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(60 * 60),
            absolute: Duration::from_secs(12 * 60 * 60),
        }
    }
}

/// A signed-in user as the session layer keeps them.
#[derive(Clone)]
pub struct SessionUser {
    pub user: CurrentUser,
    /// Changes when the password, role or access changes: sessions signed in before then end.
    auth_hash: Vec<u8>,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl AuthUser for SessionUser {
    type Id = i64;

    fn id(&self) -> i64 {
        self.user.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

impl TryFrom<users::StoredUser> for SessionUser {
    type Error = StorageError;
    fn try_from(stored: users::StoredUser) -> Result<Self, StorageError> {
        let role = stored.role()?;
        let auth_hash = format!("{}|{}", stored.password_hash, role).into_bytes();
        Ok(Self {
            user: CurrentUser {
                id: stored.id,
                username: stored.username,
                role,
            },
            auth_hash,
        })
    }
}

/// What the sign-in form sends.
#[derive(Clone, serde::Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug)]
pub struct Backend {
    db: Db,
}

impl Backend {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A hash no password matches, verified for unknown usernames so that a wrong username takes
/// as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| password_auth::generate_hash(uuid::Uuid::new_v4().to_string()))
}

/// Argon2id with password-auth's defaults (19 MiB, 2 passes), off the async threads.
pub async fn hash_password(password: String) -> Result<String, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await
}

async fn verify(password: String, hash: String) -> Result<bool, tokio::task::JoinError> {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
}

impl AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = AuthError;

    async fn authenticate(
        &self,
        credentials: Credentials,
    ) -> Result<Option<SessionUser>, AuthError> {
        let stored = users::by_name(&self.db, credentials.username.trim()).await?;
        let hash = stored
            .as_ref()
            .map_or_else(|| dummy_hash().to_owned(), |s| s.password_hash.clone());
        let matches = verify(credentials.password, hash).await?;
        match stored {
            Some(stored) if matches && !stored.disabled => Ok(Some(stored.try_into()?)),
            _ => Ok(None),
        }
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<SessionUser>, AuthError> {
        match users::by_id(&self.db, *id).await? {
            Some(stored) if !stored.disabled => Ok(Some(stored.try_into()?)),
            _ => Ok(None),
        }
    }
}

pub type AuthSession = axum_login::AuthSession<Backend>;

/// The session layer with the cookie settings above.
pub fn session_layer(db: Db, limits: SessionLimits) -> SessionManagerLayer<store::DbSessionStore> {
    let idle = tower_sessions::cookie::time::Duration::try_from(limits.idle)
        .unwrap_or(tower_sessions::cookie::time::Duration::HOUR);
    SessionManagerLayer::new(store::DbSessionStore::new(db))
        .with_name(SESSION_COOKIE)
        .with_secure(true)
        .with_http_only(true)
        // Lax: a link from an e-mail to a contract opens signed in; cross-site posts are
        // refused by the guard anyway.
        .with_same_site(SameSite::Lax)
        .with_path("/")
        // Saved only when changed; the guard changes it to move the idle deadline, at most
        // once every `touch_every` (`touch`).
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Every five minutes: drop expired sessions and sign-in buckets that are full again.
pub fn spawn_housekeeping(db: Db) {
    use tower_sessions::ExpiredDeletion;
    tokio::spawn(async move {
        let store = store::DbSessionStore::new(db.clone());
        let mut tick = tokio::time::interval(Duration::from_secs(5 * 60));
        loop {
            tick.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "could not delete expired sessions");
            }
            if let Err(error) = throttle::forget_full(&db).await {
                tracing::warn!(%error, "could not forget full sign-in buckets");
            }
        }
    });
}
