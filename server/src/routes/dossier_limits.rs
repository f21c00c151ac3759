//! How many new dossiers may be filed online (issue 17): each one texts the applicant's phone and
//! lands in an office's queue, so one valid form replayed with new keys must not send unlimited
//! messages or flood the queues.
//!
//! - Per citizen account ([`per_account`]): at most `dossiers_per_account_per_hour` in an hour and
//!   `dossiers_per_account_per_day` in 24 hours, counted on the account's dossiers in the submission's
//!   own transaction with the account's row locked (`Store::submit_dossier`), so parallel requests —
//!   on any number of servers — count each other and never exceed it.
//! - Per client address ([`take_address`]): at most `dossiers_per_address_per_hour` (an IPv6 client
//!   by its /64), counted in the database's per-address allowances (`auth_counters`, serialised per
//!   address) like the sign-in limits; taken just before the dossier is stored and given back when
//!   none was made. Generous, since a mobile carrier puts many people behind one address.
//!
//! A replay of a submission already accepted (its `Idempotency-Key`) is never refused by either: the
//! store answers it before counting, and the address's allowance is not asked for it.
//!
//! The refusal is a 429 with `Retry-After`, which the phone's outbox takes as "try later" (the draft
//! stays on the phone and goes out again by itself).

use std::net::IpAddr;

use chrono::Utc;

use crate::{
    AppState,
    error::AppError,
    store::{FilingLimit, auth::Hit},
};

/// The account limits in effect (none set to 0).
pub(crate) fn per_account(state: &AppState) -> Vec<FilingLimit> {
    [
        (3600, state.limits.dossiers_per_account_per_hour),
        (86_400, state.limits.dossiers_per_account_per_day),
    ]
    .into_iter()
    .filter(|(_, max)| *max > 0)
    .map(|(window_secs, max)| FilingLimit {
        window_secs,
        max: i64::from(max),
    })
    .collect()
}

/// Minutes to say for a wait of `secs` seconds (at least 1).
fn minutes(secs: u64) -> u64 {
    secs.div_ceil(60).max(1)
}

/// The 429 of an account over `limit`.
pub(crate) fn account_refusal(limit: FilingLimit, retry_after_secs: u64) -> AppError {
    let max = limit.max;
    let wait = minutes(retry_after_secs);
    let (window_vi, window_en) = if limit.window_secs >= 86_400 {
        ("24 giờ", "24 hours")
    } else {
        ("một giờ", "hour")
    };
    AppError::too_many(
        format!(
            "Tài khoản của bạn đã nộp {max} hồ sơ trong {window_vi} qua, là mức tối đa. Hồ sơ này vẫn được giữ trên điện thoại và sẽ tự gửi lại; bạn cũng có thể nộp lại sau {wait} phút."
        ),
        format!(
            "Your account filed {max} dossiers in the past {window_en}, the most allowed. This dossier stays on your phone and goes out again by itself; you can also submit it again in {wait} minutes."
        ),
        retry_after_secs.max(1),
    )
}

/// A new dossier taken from an address's hourly allowance, to give back when none was made.
pub(crate) struct AddressAllowance {
    bucket: String,
    slot: i64,
}

impl AddressAllowance {
    /// No dossier was made (a replay, a refusal): the try does not count.
    pub(crate) async fn give_back(self, state: &AppState) -> Result<(), AppError> {
        state.store.give_back_hit(&self.bucket, self.slot).await?;
        Ok(())
    }
}

/// Takes one new dossier from `client`'s hourly allowance; `None` when it is off (0) or the
/// submission was already accepted (a replay). Over the allowance: 429 with `Retry-After`.
pub(crate) async fn take_address(
    state: &AppState,
    client: IpAddr,
    submission_id: &str,
) -> Result<Option<AddressAllowance>, AppError> {
    let limit = state.limits.dossiers_per_address_per_hour;
    if limit == 0 {
        return Ok(None);
    }
    let now = Utc::now();
    let bucket = format!("dossier-submit:{}", crate::rate_limit::limit_key(client));
    match state
        .store
        .take_hit(&bucket, now, 3600, i64::from(limit))
        .await?
    {
        Hit::Taken(slot) => Ok(Some(AddressAllowance { bucket, slot })),
        // A replay of an accepted submission is answered with its receipt, whatever the count.
        Hit::Refused { .. } if state.store.submission_exists(submission_id).await? => Ok(None),
        Hit::Refused { until } => {
            let secs = u64::try_from((until - now).num_seconds())
                .unwrap_or(60)
                .max(1);
            let wait = minutes(secs);
            Err(AppError::too_many(
                format!(
                    "Có quá nhiều hồ sơ được nộp từ mạng của bạn trong một giờ qua. Hồ sơ này vẫn được giữ trên điện thoại và sẽ tự gửi lại; bạn cũng có thể nộp lại sau {wait} phút."
                ),
                format!(
                    "Too many dossiers were filed from your network in the past hour. This dossier stays on your phone and goes out again by itself; you can also submit it again in {wait} minutes."
                ),
                secs,
            ))
        }
    }
}
