//! The `contract_lines` table: a contract's lines, stored with it and saved over with it.

use crate::domain::register::LineDraft;
use crate::storage::{Db, Result, Tx, on_db, on_tx};

use super::ContractRefusal;

/// Saves `lines` over contract `id`'s stored lines: stored lines keep their id and deliveries,
/// new ones are added, the others deleted. A line the storage must refuse (one that is not the
/// contract's, below its deliveries, or removed with deliveries on it) is the refusal, with
/// some lines possibly written: the caller rolls back.
pub(super) async fn replace(
    tx: &mut Tx,
    id: i64,
    lines: &[LineDraft],
) -> Result<Option<ContractRefusal>> {
    // The stored lines and what has been delivered on each (read inside the transaction that
    // now holds the contract's row, so a concurrent edit waits or fails).
    let stored: Vec<(i64, i64, i64)> = on_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT l.id, l.delivered_units, \
             (SELECT COUNT(*) FROM amendment_changes ac WHERE ac.line_id = l.id) \
             FROM contract_lines l WHERE l.contract_id = $1",
        )
            .bind(id)
            .fetch_all(conn)
            .await?
    });
    for line in lines {
        let Some(line_id) = line.id else { continue };
        let Some((_, delivered, _)) = stored.iter().find(|(stored_id, ..)| *stored_id == line_id)
        else {
            return Ok(Some(ContractRefusal::UnknownLine { line_id }));
        };
        if let Some(quantity) = line.quantity
            && quantity.get() < *delivered
        {
            return Ok(Some(ContractRefusal::BelowDelivered {
                line_id,
                delivered: *delivered,
            }));
        }
    }
    for (line_id, delivered, amendments) in &stored {
        let kept = lines.iter().any(|l| l.id == Some(*line_id));
        if kept {
            continue;
        }
        if *delivered > 0 {
            return Ok(Some(ContractRefusal::LineDelivered {
                line_id: *line_id,
                delivered: *delivered,
            }));
        }
        // Its amendments would go with it, and the history of the deal with them.
        if *amendments > 0 {
            return Ok(Some(ContractRefusal::LineAmended {
                line_id: *line_id,
                amendments: *amendments,
            }));
        }
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM contract_lines WHERE id = $1").bind(line_id).execute(conn).await?;
        });
    }
    // Positions are unique per contract: move the kept lines out of the way first.
    on_tx!(tx, conn => {
        sqlx::query("UPDATE contract_lines SET position = -1 - position WHERE contract_id = $1")
            .bind(id)
            .execute(conn)
            .await?;
    });
    for (position, line) in lines.iter().enumerate() {
        match line.id {
            Some(line_id) => on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE contract_lines SET position = $1, system_id = $2, quantity = $3, quantity_confidence = $4, \
                     value_minor = $5, value_currency = $6, notes = $7, option_units = $9, exercised_units = $10 WHERE id = $8",
                )
                .bind(position as i64)
                .bind(line.system_id)
                .bind(line.quantity.map(|q| q.get()))
                .bind(line.quantity_confidence.as_str())
                .bind(line.value.map(|m| m.to_minor()))
                .bind(line.value.map(|m| m.currency().as_str()))
                .bind(line.notes.as_str())
                .bind(line_id)
                .bind(line.options)
                .bind(line.exercised)
                .execute(conn)
                .await?;
            }),
            None => insert(tx, id, position, line).await?,
        }
    }
    Ok(None)
}

pub(super) async fn insert(
    tx: &mut Tx,
    contract_id: i64,
    position: usize,
    line: &LineDraft,
) -> Result<()> {
    on_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO contract_lines (contract_id, position, system_id, quantity, quantity_confidence, value_minor, value_currency, notes, \
             option_units, exercised_units) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(contract_id)
        .bind(position as i64)
        .bind(line.system_id)
        .bind(line.quantity.map(|q| q.get()))
        .bind(line.quantity_confidence.as_str())
        .bind(line.value.map(|m| m.to_minor()))
        .bind(line.value.map(|m| m.currency().as_str()))
        .bind(line.notes.as_str())
        .bind(line.options)
        .bind(line.exercised)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The ids of a contract's lines, in order (for recording deliveries against them).
pub async fn line_ids(db: &Db, contract_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(db, pool => {
        sqlx::query_scalar("SELECT id FROM contract_lines WHERE contract_id = $1 ORDER BY position")
            .bind(contract_id)
            .fetch_all(pool)
            .await?
    }))
}
