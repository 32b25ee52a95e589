//! Recording deliveries against contract lines.

use super::{Db, Result, on_tx};
use crate::domain::register::DeliveryDraft;
use chrono::{SubsecRound, Utc};

#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    Done {
        id: i64,
    },
    /// The line's quantity leaves room for only `remaining` more units.
    TooMany {
        remaining: i64,
    },
    MissingLine,
}

/// Records a delivery in one transaction. The line's running total is raised first, and only
/// while it stays within the line's quantity: that conditional UPDATE locks the line on both
/// backends, so two people recording at once cannot deliver more than was ordered.
#[tracing::instrument(name = "db.deliveries.record", skip(db, draft), fields(line_id = draft.line_id))]
pub async fn record(db: &Db, draft: &DeliveryDraft) -> Result<Recorded> {
    let mut tx = db.begin().await?;
    let units = draft.units.get();
    let raised: Option<i64> = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "UPDATE contract_lines SET delivered_units = delivered_units + $1 \
             WHERE id = $2 AND (quantity IS NULL OR delivered_units + $1 <= quantity) RETURNING id",
        )
        .bind(units)
        .bind(draft.line_id)
        .fetch_optional(conn)
        .await?
    });
    if raised.is_none() {
        let line: Option<(Option<i64>, i64)> = on_tx!(&mut tx, conn => {
            sqlx::query_as("SELECT quantity, delivered_units FROM contract_lines WHERE id = $1")
                .bind(draft.line_id)
                .fetch_optional(conn)
                .await?
        });
        return Ok(match line {
            Some((Some(quantity), delivered)) => Recorded::TooMany {
                remaining: quantity - delivered,
            },
            Some((None, _)) | None => Recorded::MissingLine,
        });
    }
    let now = Utc::now().trunc_subsecs(6);
    let id: i64 = on_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO deliveries (line_id, delivered_on, delivered_year, units, confidence, notes, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
        )
        .bind(draft.line_id)
        .bind(draft.delivered_on.to_string())
        .bind(draft.delivered_on.year())
        .bind(units)
        .bind(draft.confidence.as_str())
        .bind(&draft.notes)
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    tx.commit().await?;
    Ok(Recorded::Done { id })
}
