//! Sign-in throttling: a token bucket per client address and one per username (governor).
//!
//! The client's bucket is asked first, so one address that guesses passwords runs dry at one
//! attempt a minute, while the username's bucket refills at three a minute: a single attacker
//! can never hold a real user out. Many addresses together can slow a username to three
//! attempts a minute, never lock it: the wait is at most 20 seconds.

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

type Limiter<K, C> = RateLimiter<K, HashMapStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;

pub struct Throttle<C: Clock = DefaultClock> {
    per_client: Limiter<IpAddr, C>,
    per_username: Limiter<String, C>,
    clock: C,
}

fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("a period above zero")
        .allow_burst(NonZeroU32::new(burst).expect("a burst above zero"))
}

/// Attempts a client may make at once, then one per minute.
pub const CLIENT_BURST: u32 = 20;
/// Attempts on one username at once, then one per 20 seconds.
pub const USERNAME_BURST: u32 = 10;

impl Default for Throttle<DefaultClock> {
    fn default() -> Self {
        Self::with_clock(DefaultClock::default())
    }
}

impl<C: Clock + Clone> Throttle<C> {
    pub fn with_clock(clock: C) -> Self {
        Self {
            per_client: RateLimiter::hashmap_with_clock(
                quota(CLIENT_BURST, Duration::from_secs(60)),
                clock.clone(),
            ),
            per_username: RateLimiter::hashmap_with_clock(
                quota(USERNAME_BURST, Duration::from_secs(20)),
                clock.clone(),
            ),
            clock,
        }
    }

    /// Takes one sign-in attempt of `username` from `client`, or says how long to wait.
    pub fn attempt(&self, username: &str, client: IpAddr) -> Result<(), Duration> {
        let now = self.clock.now();
        self.per_client
            .check_key(&client)
            .map_err(|until| until.wait_time_from(now))?;
        self.per_username
            // By the key sign-in finds the user by: every spelling of a name shares one bucket.
            .check_key(&app::storage::keys::key(username.trim()))
            .map_err(|until| until.wait_time_from(now))
    }

    /// Forgets buckets that are full again (run now and then: keeps memory bounded).
    pub fn forget_idle(&self) {
        self.per_client.retain_recent();
        self.per_username.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn one_client_runs_dry_but_cannot_lock_a_user_out() {
        let clock = FakeRelativeClock::default();
        let throttle = Throttle::with_clock(clock.clone());
        for _ in 0..USERNAME_BURST {
            assert!(throttle.attempt("anna", ip(1)).is_ok());
        }
        // The username's bucket is empty: a wait of at most 20 s, for anyone.
        let wait = throttle.attempt("Anna", ip(2)).unwrap_err();
        assert!(wait <= Duration::from_secs(20), "{wait:?}");
        clock.advance(Duration::from_secs(20));
        assert!(
            throttle.attempt("anna", ip(2)).is_ok(),
            "the real user gets in"
        );
        // The attacker's own address runs dry after its burst, whatever username it tries.
        for n in USERNAME_BURST..CLIENT_BURST {
            assert!(throttle.attempt(&format!("user{n}"), ip(1)).is_ok());
        }
        let wait = throttle.attempt("someone", ip(1)).unwrap_err();
        assert!(wait > Duration::from_secs(30), "{wait:?}");
        // ...while the user, from elsewhere, still gets in.
        clock.advance(Duration::from_secs(20));
        assert!(throttle.attempt("anna", ip(3)).is_ok());
    }
}
