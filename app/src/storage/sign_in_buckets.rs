//! Sign-in throttling's token buckets, kept in the database so that every server over one
//! database counts the same attempts. Each bucket is a GCRA cell: one timestamp, the moment
//! the bucket is full again ("ready at"), moved forward by one interval per attempt taken.

use super::{Db, Result, on_db};

/// A bucket's rule: `burst` attempts at once, then one every `interval_ms`.
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    pub burst: u32,
    pub interval_ms: i64,
}

/// Takes one attempt from `bucket` at `now_ms`, or answers how many milliseconds to wait.
///
/// One statement, so two servers taking from one bucket at once never both get its last
/// attempt: the insert-or-update is atomic on both backends, and its `WHERE` refuses the
/// update (returning no row) when the bucket is empty.
#[tracing::instrument(name = "db.sign_in_buckets.take", skip_all)]
pub async fn take(db: &Db, bucket: &str, quota: Quota, now_ms: i64) -> Result<Result<(), i64>> {
    let tolerance_ms = quota.interval_ms * (i64::from(quota.burst.max(1)) - 1);
    // `CASE` rather than MAX/GREATEST: the two dialects name the two-argument maximum apart.
    let taken = on_db!(db, pool => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO sign_in_buckets (bucket, ready_at_ms) VALUES ($1, $2 + $3) \
             ON CONFLICT (bucket) DO UPDATE SET ready_at_ms = \
               CASE WHEN sign_in_buckets.ready_at_ms > $2 THEN sign_in_buckets.ready_at_ms ELSE $2 END + $3 \
             WHERE sign_in_buckets.ready_at_ms - $2 <= $4 \
             RETURNING ready_at_ms",
        )
        .bind(bucket)
        .bind(now_ms)
        .bind(quota.interval_ms)
        .bind(tolerance_ms)
        .fetch_optional(pool)
        .await?
    });
    if taken.is_some() {
        return Ok(Ok(()));
    }
    let ready_at_ms = on_db!(db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT ready_at_ms FROM sign_in_buckets WHERE bucket = $1")
            .bind(bucket)
            .fetch_optional(pool)
            .await?
    })
    .unwrap_or(now_ms);
    Ok(Err((ready_at_ms - tolerance_ms - now_ms).max(1)))
}

/// Forgets buckets that are full again (the server runs this every few minutes).
#[tracing::instrument(name = "db.sign_in_buckets.forget_full", skip_all)]
pub async fn forget_full(db: &Db, now_ms: i64) -> Result<u64> {
    Ok(on_db!(db, pool => {
        sqlx::query("DELETE FROM sign_in_buckets WHERE ready_at_ms <= $1")
            .bind(now_ms)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}
