//! Demo data for a brand-new database, from `seed/demo.json`.

use app::domain::{FirmFields, FormOutcome};
use app::firms::service;
use app::storage::Db;
use serde::Deserialize;

const DEMO: &str = include_str!("../seed/demo.json");

#[derive(Deserialize)]
struct Demo {
    firms: Vec<FirmFields>,
}

/// Loads the demo firms; returns how many were stored. Refuses (with the reason) a seed entry
/// that does not validate: the seed file is code and must be correct.
pub async fn load(db: &Db) -> Result<usize, String> {
    let demo: Demo = serde_json::from_str(DEMO).map_err(|e| format!("seed/demo.json: {e}"))?;
    let mut stored = 0;
    for fields in &demo.firms {
        match service::create(db, fields).await {
            Ok(FormOutcome::Saved(_)) => stored += 1,
            Ok(other) => return Err(format!("demo firm {:?} refused: {other:?}", fields.name)),
            Err(error) => return Err(format!("demo firm {:?}: {error}", fields.name)),
        }
    }
    Ok(stored)
}
