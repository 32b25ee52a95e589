//! The register's version: a counter that every write transaction moves as its last
//! statement ([`super::Tx::commit`]), and an epoch drawn when the database was created.
//!
//! What is computed from the register at a version (a summary, a headroom page) holds for as
//! long as the version does, on every server over the database. Moving it last keeps its row
//! lock (PostgreSQL) for the shortest time and after every other lock of the transaction, so it
//! cannot take part in a deadlock. A reader reads the version before what it computes: what it
//! computes is then at least as new as the version it is kept under.

use super::{Db, Result, Tx, on_db, on_tx};

/// A version of the register's contents. Equal versions of one database hold the same
/// register; versions of two databases are never equal (their epochs differ).
#[derive(Clone, Debug, PartialEq, Eq, Hash, sqlx::FromRow)]
pub struct RegisterVersion {
    pub epoch: String,
    pub counter: i64,
}

#[tracing::instrument(name = "db.register_version", skip(db))]
pub async fn current(db: &Db) -> Result<RegisterVersion> {
    Ok(on_db!(db, pool => {
        sqlx::query_as::<_, RegisterVersion>(
            "SELECT epoch, counter FROM register_version WHERE id = 1",
        )
        .fetch_one(pool)
        .await?
    }))
}

const ADVANCE: &str = "UPDATE register_version SET counter = counter + 1 WHERE id = 1";

/// Moves the version inside `tx`: the last statement before its commit.
pub(super) async fn advance(tx: &mut Tx) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(ADVANCE)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Moves the version on its own, after a statement that ran outside a transaction.
pub(super) async fn advance_outside(db: &Db) -> Result<()> {
    on_db!(db, pool => {
        sqlx::query(ADVANCE)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Answers kept at the register's current version, by key: a summary is computed once per
/// filter and version, not once per view. Bounded: when `capacity` keys are kept, the next
/// one starts the set afresh (the working set is a few filters, each a few hundred cells).
pub struct KeptAtVersion<V> {
    kept: std::sync::Mutex<Option<Kept<V>>>,
    capacity: usize,
}

use std::sync::Arc;

/// The answers kept, by key, and the version they were computed at.
type Kept<V> = (RegisterVersion, std::collections::HashMap<String, Arc<V>>);

impl<V> KeptAtVersion<V> {
    pub const fn new(capacity: usize) -> Self {
        Self {
            kept: std::sync::Mutex::new(None),
            capacity,
        }
    }

    /// The answer for `key` at the register's current version: kept, or computed by `compute`
    /// (outside the lock: two first views of one filter may both compute it) and kept.
    pub async fn get_or_compute<E, F>(&self, db: &Db, key: String, compute: F) -> Result<Arc<V>, E>
    where
        E: From<super::StorageError>,
        F: std::future::Future<Output = Result<V, E>>,
    {
        let version = current(db).await?;
        if let Some(answer) = self.lookup(&version, &key) {
            return Ok(answer);
        }
        let answer = Arc::new(compute.await?);
        self.keep(version, key, Arc::clone(&answer));
        Ok(answer)
    }

    fn lookup(&self, version: &RegisterVersion, key: &str) -> Option<Arc<V>> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*kept {
            Some((at, answers)) if at == version => answers.get(key).cloned(),
            _ => None,
        }
    }

    fn keep(&self, version: RegisterVersion, key: String, answer: Arc<V>) {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &mut *kept {
            Some((at, answers)) if *at == version => {
                if answers.len() >= self.capacity {
                    answers.clear();
                }
                answers.insert(key, answer);
            }
            // A newer version is kept already: this answer is out of date.
            Some((at, _)) if at.epoch == version.epoch && at.counter > version.counter => {}
            _ => {
                *kept = Some((version, std::collections::HashMap::from([(key, answer)])));
            }
        }
    }
}
