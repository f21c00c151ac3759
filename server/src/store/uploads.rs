//! Who sent each uploaded file, the daily upload allowance, and the removal of files nobody needs
//! (issue 17), as [`UploadStore`], a supertrait of [`Store`](super::Store). Like `sql.rs`, the SQL is
//! written once: `upload_store!` expands it into the SQLite and PostgreSQL implementations.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

/// Upload claims and allowances.
pub trait UploadStore: Send + Sync + 'static {
    /// Records that `uploader` sent the file's bytes (or renews that record).
    fn claim_upload<'a>(
        &'a self,
        sha256: &'a str,
        uploader: &'a str,
        at: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Whether `uploader` sent this file; when so, the claim is renewed to `at` (a phone about to
    /// submit asks first, so a file it is about to attach is not removed meanwhile).
    fn renew_upload_claim<'a>(
        &'a self,
        sha256: &'a str,
        uploader: &'a str,
        at: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// Whether one of `uploaders` sent this file.
    fn upload_claimed_by<'a>(
        &'a self,
        sha256: &'a str,
        uploaders: &'a [String],
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// Whether the dossier with this code holds the file (a resubmission may keep its files).
    fn attached_to<'a>(
        &'a self,
        sha256: &'a str,
        dossier_code: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// Adds `bytes` to what `key` sent on `day` if the total stays within `max`, in one statement (so
    /// parallel requests cannot together go over); whether it did.
    fn reserve_upload_bytes<'a>(
        &'a self,
        key: &'a str,
        day: &'a str,
        bytes: i64,
        max: i64,
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// Up to `limit` uploads that no dossier holds and nobody claimed (or, unclaimed, were made) since
    /// `before`: (SHA-256, storage key).
    fn stale_uploads(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>>;

    /// Forgets an upload (and its claims) if it is still stale as [`Self::stale_uploads`] says; whether
    /// it did.
    fn forget_upload<'a>(
        &'a self,
        sha256: &'a str,
        before: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// Forgets the allowance records of the days before `day` (`YYYY-MM-DD`).
    fn prune_upload_usage<'a>(&'a self, day: &'a str) -> BoxFuture<'a, anyhow::Result<u64>>;
}

/// Writes `impl UploadStore for $store` (`$store` has `pool`, `write_turn`).
macro_rules! upload_store {
    ($store:ty) => {
        impl $crate::store::uploads::UploadStore for $store {
            fn claim_upload<'a>(
                &'a self,
                sha256: &'a str,
                uploader: &'a str,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    sqlx::query(
                        "INSERT INTO upload_claims (sha256, uploader, claimed_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (sha256, uploader) DO UPDATE SET claimed_at = excluded.claimed_at",
                    )
                    .bind(sha256)
                    .bind(uploader)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    drop(turn);
                    Ok(())
                })
            }

            fn renew_upload_claim<'a>(
                &'a self,
                sha256: &'a str,
                uploader: &'a str,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    let done = sqlx::query(
                        "UPDATE upload_claims SET claimed_at = $3 WHERE sha256 = $1 AND uploader = $2",
                    )
                    .bind(sha256)
                    .bind(uploader)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    drop(turn);
                    Ok(done.rows_affected() > 0)
                })
            }

            fn upload_claimed_by<'a>(
                &'a self,
                sha256: &'a str,
                uploaders: &'a [String],
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    for uploader in uploaders {
                        let found: Option<i32> = sqlx::query_scalar(
                            "SELECT 1 FROM upload_claims WHERE sha256 = $1 AND uploader = $2",
                        )
                        .bind(sha256)
                        .bind(uploader)
                        .fetch_optional(&self.pool)
                        .await?;
                        if found.is_some() {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                })
            }

            fn attached_to<'a>(
                &'a self,
                sha256: &'a str,
                dossier_code: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let found: Option<i32> = sqlx::query_scalar(
                        "SELECT 1 FROM attachments a JOIN dossiers d ON d.id = a.dossier_id \
                         WHERE a.sha256 = $1 AND d.code = $2 LIMIT 1",
                    )
                    .bind(sha256)
                    .bind(dossier_code)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(found.is_some())
                })
            }

            fn reserve_upload_bytes<'a>(
                &'a self,
                key: &'a str,
                day: &'a str,
                bytes: i64,
                max: i64,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    if bytes > max {
                        return Ok(false);
                    }
                    let turn = self.write_turn().await;
                    // One statement: the row is created, or grown only while it stays within `max`.
                    let kept: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO upload_usage (uploader, day, bytes) VALUES ($1, $2, $3) \
                         ON CONFLICT (uploader, day) DO UPDATE SET bytes = upload_usage.bytes + excluded.bytes \
                         WHERE upload_usage.bytes + excluded.bytes <= $4 RETURNING bytes",
                    )
                    .bind(key)
                    .bind(day)
                    .bind(bytes)
                    .bind(max)
                    .fetch_optional(&self.pool)
                    .await?;
                    drop(turn);
                    Ok(kept.is_some())
                })
            }

            fn stale_uploads(
                &self,
                before: ::chrono::DateTime<::chrono::Utc>,
                limit: i64,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<Vec<(String, String)>>> {
                Box::pin(async move {
                    Ok(sqlx::query_as(
                        "SELECT u.sha256, u.storage_key FROM uploads u WHERE u.created_at < $1 \
                         AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = u.sha256) \
                         AND NOT EXISTS (SELECT 1 FROM upload_claims c WHERE c.sha256 = u.sha256 \
                         AND c.claimed_at >= $1) ORDER BY u.created_at LIMIT $2",
                    )
                    .bind(before)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
                })
            }

            fn forget_upload<'a>(
                &'a self,
                sha256: &'a str,
                before: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    let mut tx = self.begin_write().await?;
                    let gone = sqlx::query(
                        "DELETE FROM uploads WHERE sha256 = $1 AND created_at < $2 \
                         AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = $1) \
                         AND NOT EXISTS (SELECT 1 FROM upload_claims c WHERE c.sha256 = $1 \
                         AND c.claimed_at >= $2)",
                    )
                    .bind(sha256)
                    .bind(before)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                    if gone {
                        sqlx::query("DELETE FROM upload_claims WHERE sha256 = $1")
                            .bind(sha256)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    drop(turn);
                    Ok(gone)
                })
            }

            fn prune_upload_usage<'a>(
                &'a self,
                day: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<u64>> {
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    let done = sqlx::query("DELETE FROM upload_usage WHERE day < $1")
                        .bind(day)
                        .execute(&self.pool)
                        .await?;
                    drop(turn);
                    Ok(done.rows_affected())
                })
            }
        }
    };
}
pub(crate) use upload_store;
