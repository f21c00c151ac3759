//! What the notification worker, the inbox and the push subscriptions ask of the database
//! ([`NotifyStore`], a supertrait of [`Store`](super::Store)). The SQL is written once in
//! [`notify_store!`]; the only dialect difference is the claim's row lock: PostgreSQL's
//! `FOR UPDATE SKIP LOCKED`, so that several servers share the outbox without waiting on each other, and
//! nothing on SQLite, whose single writer makes the conditional `UPDATE … RETURNING` a claim already.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

/// A job of `notification_outbox` that this worker now holds until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedNotification {
    /// Row id.
    pub id: i64,
    /// `dossier_submitted` (payload: the receipt) or `dossier_state` (payload: `StateNotice`).
    pub kind: String,
    /// The payload JSON.
    pub payload_json: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// The dossier it is about, if the row names one that exists.
    pub dossier: Option<NotifiedDossier>,
}

/// What a notice needs of its dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifiedDossier {
    /// Dossier code.
    pub code: String,
    /// Procedure (API spelling).
    pub procedure: String,
    /// The applicant's phone, normalised.
    pub applicant_phone: String,
}

/// A browser's push subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// The push service URL.
    pub endpoint: String,
    /// The browser's public key (base64url).
    pub p256dh: String,
    /// The auth secret (base64url).
    pub auth: String,
}

/// A message to put in a phone's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInboxItem {
    /// The outbox row it comes from (one message per row).
    pub outbox_id: i64,
    /// The applicant's phone, normalised.
    pub phone: String,
    /// Dossier code.
    pub code: String,
    /// Procedure (API spelling).
    pub procedure: String,
    /// The state the dossier reached (API spelling).
    pub state: String,
    /// What the office wrote.
    pub note: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// A message of a phone's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    /// Row id.
    pub id: i64,
    /// Dossier code.
    pub code: String,
    /// Procedure (API spelling).
    pub procedure: String,
    /// State (API spelling).
    pub state: String,
    /// What the office wrote.
    pub note: Option<String>,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Whether it was read.
    pub read: bool,
}

/// One row of `inbox_items` as selected: id, code, procedure, state, note, at, read_at.
#[doc(hidden)]
pub type InboxTuple = (
    i64,
    String,
    String,
    String,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

/// The notification side of the database.
pub trait NotifyStore: Send + Sync + 'static {
    /// Claims up to `limit` pending jobs due at `now` that no live lease holds: each gets one more
    /// attempt and a lease until `lease_until`. Two workers never claim the same job while its lease
    /// lasts.
    fn claim_notifications(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> BoxFuture<'_, anyhow::Result<Vec<ClaimedNotification>>>;

    /// The (channel, target) pairs a job was delivered to already.
    fn notification_deliveries(
        &self,
        outbox_id: i64,
    ) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>>;

    /// Records that a job reached one target on one channel (a second record is a no-op).
    fn record_delivery<'a>(
        &'a self,
        outbox_id: i64,
        channel: &'a str,
        target: &'a str,
        at: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Marks a job sent and releases it.
    fn complete_notification(
        &self,
        outbox_id: i64,
        at: DateTime<Utc>,
    ) -> BoxFuture<'_, anyhow::Result<()>>;

    /// Releases a job to be tried again at `next_attempt_at`, keeping the error.
    fn reschedule_notification<'a>(
        &'a self,
        outbox_id: i64,
        next_attempt_at: DateTime<Utc>,
        error: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Gives a job up (`failed`) with the last error.
    fn fail_notification<'a>(
        &'a self,
        outbox_id: i64,
        error: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Puts a message in a phone's inbox, once per outbox row.
    fn insert_inbox_item<'a>(&'a self, item: &'a NewInboxItem)
    -> BoxFuture<'a, anyhow::Result<()>>;

    /// The newest `limit` messages of a phone, newest first.
    fn inbox_items<'a>(
        &'a self,
        phone: &'a str,
        limit: i64,
    ) -> BoxFuture<'a, anyhow::Result<Vec<InboxRow>>>;

    /// Marks one message (or, with `None`, every message) of a phone read; how many changed.
    fn mark_inbox_read<'a>(
        &'a self,
        phone: &'a str,
        id: Option<i64>,
        at: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<u64>>;

    /// The push subscriptions of a phone.
    fn push_subscriptions<'a>(
        &'a self,
        phone: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<PushTarget>>>;

    /// Keeps a subscription for a phone, made under the sign-in whose token hashes to `made_by` (a
    /// session's or a dossier-scoped access's `token_hash`); the same endpoint again replaces its keys,
    /// phone and sign-in.
    fn save_push_subscription<'a>(
        &'a self,
        phone: &'a str,
        target: &'a PushTarget,
        made_by: Option<&'a str>,
        at: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Forgets the subscriptions made under the sign-in whose token hashes to `made_by` (signing out);
    /// how many.
    fn delete_push_subscriptions_made_by<'a>(
        &'a self,
        made_by: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<u64>>;

    /// Forgets a subscription (of this phone only, when one is given); whether there was one.
    fn delete_push_subscription<'a>(
        &'a self,
        endpoint: &'a str,
        phone: Option<&'a str>,
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// The VAPID key pair (private, public; base64url), if one was made.
    fn vapid_keys(&self) -> BoxFuture<'_, anyhow::Result<Option<(String, String)>>>;

    /// Keeps a VAPID key pair unless one exists (the first server to start wins).
    fn insert_vapid_keys<'a>(
        &'a self,
        private_key: &'a str,
        public_key: &'a str,
        at: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// Writes `impl NotifyStore for $store`; `$lock` ends the claim's inner `SELECT` (the row lock).
macro_rules! notify_store {
    ($store:ty, $lock:literal) => {
        impl $crate::store::notify::NotifyStore for $store {
            fn claim_notifications(
                &self,
                now: ::chrono::DateTime<::chrono::Utc>,
                lease_until: ::chrono::DateTime<::chrono::Utc>,
                limit: i64,
            ) -> ::futures::future::BoxFuture<
                '_,
                ::anyhow::Result<Vec<$crate::store::notify::ClaimedNotification>>,
            > {
                Box::pin(async move {
                    let claimed: Vec<(i64, Option<i64>, String, String, i64)> = {
                        let _turn = self.write_turn().await;
                        sqlx::query_as(concat!(
                            "UPDATE notification_outbox SET attempts = attempts + 1, locked_until = $2 \
                             WHERE id IN (SELECT id FROM notification_outbox \
                             WHERE state = 'pending' AND next_attempt_at <= $1 \
                             AND (locked_until IS NULL OR locked_until <= $1) \
                             ORDER BY next_attempt_at, id LIMIT $3 ",
                            $lock,
                            ") RETURNING id, dossier_id, kind, payload_json, attempts"
                        ))
                        .bind(now)
                        .bind(lease_until)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?
                    };
                    let mut jobs = Vec::with_capacity(claimed.len());
                    for (id, dossier_id, kind, payload_json, attempts) in claimed {
                        let dossier = match dossier_id {
                            Some(dossier_id) => {
                                let row: Option<(String, String, String)> = sqlx::query_as(
                                    "SELECT code, procedure, applicant_phone FROM dossiers WHERE id = $1",
                                )
                                .bind(dossier_id)
                                .fetch_optional(&self.pool)
                                .await?;
                                row.map(|(code, procedure, applicant_phone)| {
                                    $crate::store::notify::NotifiedDossier {
                                        code,
                                        procedure,
                                        applicant_phone,
                                    }
                                })
                            }
                            None => None,
                        };
                        jobs.push($crate::store::notify::ClaimedNotification {
                            id,
                            kind,
                            payload_json,
                            attempts,
                            dossier,
                        });
                    }
                    jobs.sort_by_key(|j| j.id);
                    Ok(jobs)
                })
            }

            fn notification_deliveries(
                &self,
                outbox_id: i64,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<Vec<(String, String)>>> {
                Box::pin(async move {
                    Ok(sqlx::query_as(
                        "SELECT channel, target FROM notification_deliveries WHERE outbox_id = $1",
                    )
                    .bind(outbox_id)
                    .fetch_all(&self.pool)
                    .await?)
                })
            }

            fn record_delivery<'a>(
                &'a self,
                outbox_id: i64,
                channel: &'a str,
                target: &'a str,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "INSERT INTO notification_deliveries (outbox_id, channel, target, delivered_at) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (outbox_id, channel, target) DO NOTHING",
                    )
                    .bind(outbox_id)
                    .bind(channel)
                    .bind(target)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn complete_notification(
                &self,
                outbox_id: i64,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "UPDATE notification_outbox SET state = 'sent', sent_at = $2, \
                         locked_until = NULL, last_error = NULL WHERE id = $1",
                    )
                    .bind(outbox_id)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn reschedule_notification<'a>(
                &'a self,
                outbox_id: i64,
                next_attempt_at: ::chrono::DateTime<::chrono::Utc>,
                error: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "UPDATE notification_outbox SET next_attempt_at = $2, locked_until = NULL, \
                         last_error = $3 WHERE id = $1",
                    )
                    .bind(outbox_id)
                    .bind(next_attempt_at)
                    .bind(error)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn fail_notification<'a>(
                &'a self,
                outbox_id: i64,
                error: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "UPDATE notification_outbox SET state = 'failed', locked_until = NULL, \
                         last_error = $2 WHERE id = $1",
                    )
                    .bind(outbox_id)
                    .bind(error)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn insert_inbox_item<'a>(
                &'a self,
                item: &'a $crate::store::notify::NewInboxItem,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "INSERT INTO inbox_items (outbox_id, phone, code, procedure, state, note, at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (outbox_id) DO NOTHING",
                    )
                    .bind(item.outbox_id)
                    .bind(&item.phone)
                    .bind(&item.code)
                    .bind(&item.procedure)
                    .bind(&item.state)
                    .bind(&item.note)
                    .bind(item.at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn inbox_items<'a>(
                &'a self,
                phone: &'a str,
                limit: i64,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Vec<$crate::store::notify::InboxRow>>,
            > {
                Box::pin(async move {
                    let rows: Vec<$crate::store::notify::InboxTuple> = sqlx::query_as(
                        "SELECT id, code, procedure, state, note, at, read_at FROM inbox_items \
                         WHERE phone = $1 ORDER BY id DESC LIMIT $2",
                    )
                    .bind(phone)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, code, procedure, state, note, at, read_at)| {
                            $crate::store::notify::InboxRow {
                                id,
                                code,
                                procedure,
                                state,
                                note,
                                at,
                                read: read_at.is_some(),
                            }
                        })
                        .collect())
                })
            }

            fn mark_inbox_read<'a>(
                &'a self,
                phone: &'a str,
                id: Option<i64>,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<u64>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let done = sqlx::query(
                        "UPDATE inbox_items SET read_at = $3 WHERE phone = $1 AND read_at IS NULL \
                         AND ($2 IS NULL OR id = $2)",
                    )
                    .bind(phone)
                    .bind(id)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected())
                })
            }

            fn push_subscriptions<'a>(
                &'a self,
                phone: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Vec<$crate::store::notify::PushTarget>>,
            > {
                Box::pin(async move {
                    let rows: Vec<(String, String, String)> = sqlx::query_as(
                        "SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE phone = $1 ORDER BY id",
                    )
                    .bind(phone)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|(endpoint, p256dh, auth)| $crate::store::notify::PushTarget {
                            endpoint,
                            p256dh,
                            auth,
                        })
                        .collect())
                })
            }

            fn save_push_subscription<'a>(
                &'a self,
                phone: &'a str,
                target: &'a $crate::store::notify::PushTarget,
                made_by: Option<&'a str>,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "INSERT INTO push_subscriptions (phone, endpoint, p256dh, auth, created_at, made_by) \
                         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (endpoint) DO UPDATE \
                         SET phone = excluded.phone, p256dh = excluded.p256dh, auth = excluded.auth, \
                         made_by = excluded.made_by",
                    )
                    .bind(phone)
                    .bind(&target.endpoint)
                    .bind(&target.p256dh)
                    .bind(&target.auth)
                    .bind(at)
                    .bind(made_by)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn delete_push_subscriptions_made_by<'a>(
                &'a self,
                made_by: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<u64>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let done = sqlx::query("DELETE FROM push_subscriptions WHERE made_by = $1")
                        .bind(made_by)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected())
                })
            }

            fn delete_push_subscription<'a>(
                &'a self,
                endpoint: &'a str,
                phone: Option<&'a str>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let done = sqlx::query(
                        "DELETE FROM push_subscriptions WHERE endpoint = $1 AND ($2 IS NULL OR phone = $2)",
                    )
                    .bind(endpoint)
                    .bind(phone)
                    .execute(&self.pool)
                    .await?;
                    Ok(done.rows_affected() > 0)
                })
            }

            fn vapid_keys(
                &self,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<Option<(String, String)>>> {
                Box::pin(async move {
                    Ok(sqlx::query_as(
                        "SELECT private_key, public_key FROM vapid_keys WHERE id = 1",
                    )
                    .fetch_optional(&self.pool)
                    .await?)
                })
            }

            fn insert_vapid_keys<'a>(
                &'a self,
                private_key: &'a str,
                public_key: &'a str,
                at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "INSERT INTO vapid_keys (id, private_key, public_key, created_at) \
                         VALUES (1, $1, $2, $3) ON CONFLICT (id) DO NOTHING",
                    )
                    .bind(private_key)
                    .bind(public_key)
                    .bind(at)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }
        }
    };
}

pub(super) use notify_store;
