//! Sign-in throttling: a token bucket per client address and one per username, kept in the
//! database ([`sign_in_buckets`]) so that servers sharing one database share the limits.
//!
//! The client's bucket is asked first, so one address that guesses passwords runs dry at one
//! attempt a minute, while the username's bucket refills at three a minute: a single attacker
//! can never hold a real user out. Many addresses together can slow a username to three
//! attempts a minute, never lock it: the wait is at most 20 seconds.

use app::storage::sign_in_buckets::{self, Quota};
use app::storage::{Db, Result};
use std::net::IpAddr;
use std::time::Duration;

/// Attempts a client may make at once, then one per minute.
pub const CLIENT_BURST: u32 = 20;
/// Attempts on one username at once, then one per 20 seconds.
pub const USERNAME_BURST: u32 = 10;

const PER_CLIENT: Quota = Quota {
    burst: CLIENT_BURST,
    interval_ms: 60_000,
};
const PER_USERNAME: Quota = Quota {
    burst: USERNAME_BURST,
    interval_ms: 20_000,
};

/// Takes one sign-in attempt of `username` from `client` at `now_ms` (milliseconds since the
/// epoch), or says how long to wait.
pub async fn attempt(
    db: &Db,
    username: &str,
    client: IpAddr,
    now_ms: i64,
) -> Result<std::result::Result<(), Duration>> {
    let wait = |ms: i64| Duration::from_millis(ms.unsigned_abs());
    if let Err(ms) =
        sign_in_buckets::take(db, &format!("client {client}"), PER_CLIENT, now_ms).await?
    {
        return Ok(Err(wait(ms)));
    }
    // By the key sign-in finds the user by: every spelling of a name shares one bucket.
    let user = format!("user {}", app::storage::keys::key(username.trim()));
    Ok(sign_in_buckets::take(db, &user, PER_USERNAME, now_ms)
        .await?
        .map_err(wait))
}

/// Now, as the buckets count time.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Forgets buckets that are full again (run now and then: keeps the table small).
pub async fn forget_full(db: &Db) -> Result<u64> {
    sign_in_buckets::forget_full(db, now_ms()).await
}
