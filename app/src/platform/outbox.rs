//! The outbox: a submission is sent exactly once, however often the network drops.
//!
//! "Nộp hồ sơ" calls [`enqueue`]: the entry (the body to send, keyed by the draft's id) is written to
//! IndexedDB together with the draft's status `Queued`, in one transaction, before anything is sent; the
//! user can close the app. [`start`] (once, at app start) sends due entries now, when the browser comes
//! back `online`, when the page becomes visible again, and on a backoff timer while sending fails.
//!
//! Sending one entry: each file listed in the form's `attachments` is uploaded from the file store by
//! the server's resumable upload (`GET /api/v1/uploads/{sha256}` for the offset the server holds, then
//! `PUT` chunks of [`CHUNK_BYTES`] with `Content-Range`), then `POST /api/v1/dossiers` with
//! `Idempotency-Key` = the entry's submission id. The answer decides ([`on_response`], pure):
//! 201/200 → [`OutboxState::Sent`] with the receipt (kept offline) and the draft `Submitted`;
//! 400/409/413/415/422 → [`OutboxState::Rejected`] with the server's error and the draft back to
//! `Editing`; anything else (offline, timeout, 5xx, 429) → [`OutboxState::Waiting`] with the error and a
//! backoff ([`backoff_ms`] with jitter; `Retry-After` respected); 401 (nobody signed in, or the session
//! ended) → [`OutboxState::SignInNeeded`]: it waits, not retried, until someone signs in
//! ([`super::owner::signed_in`]), then goes with the same key. An entry is never deleted on failure.
//!
//! A dossier an officer filed for a citizen at the counter (`body.assisted`) leaves the tablet once
//! sent: the entry, its draft and files are deleted in the transaction that records the answer, and
//! only a [`super::store::CounterReceipt`] (code, date) stays.
//!
//! Exactly once: the server stores the Idempotency-Key under a unique constraint and answers a replay
//! with the same receipt, and uploads are content-addressed, so a retry after a lost answer, a double
//! tap (a second [`enqueue`] of a pending draft does nothing) or two tabs sending at once never make a
//! second dossier. One tab sends at a time anyway (Web Locks `motcua-outbox` when the browser has them).
//! [`changes`] bumps on every change, in every tab (a `BroadcastChannel`), so pages re-read [`list`].

use domain::{
    api::{ApiError, ApiFieldError, Receipt, SubmitDossier},
    attachments::Attachment,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::PlatformError;

/// Size of one upload chunk.
pub const CHUNK_BYTES: u64 = 256 * 1024;
/// First retry delay after a failure, in ms.
pub const BACKOFF_BASE_MS: u64 = 2_000;
/// Longest retry delay, in ms.
pub const BACKOFF_MAX_MS: u64 = 5 * 60 * 1000;

/// A submission waiting to be sent, being sent, or answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The draft it comes from (the entry's key).
    pub draft_id: String,
    /// The `Idempotency-Key`: the draft's id on its first submission, a fresh UUID when a rejected
    /// entry is submitted again (the server may have spent the old key on a 409).
    #[serde(default)]
    pub submission_id: String,
    /// What is sent.
    pub body: SubmitDossier,
    /// When "Nộp hồ sơ" was pressed (RFC 3339, the phone's clock).
    pub created_at: String,
    /// Where it stands.
    pub state: OutboxState,
    /// Failed attempts so far.
    #[serde(default)]
    pub attempts: u32,
    /// Earliest next automatic attempt (ms since the epoch), while waiting after a failure.
    #[serde(default)]
    pub next_try_at: Option<f64>,
    /// The dossier code this entry amends, for a resubmission after a request for amendments
    /// (`POST /api/v1/dossiers/{code}/resubmissions`); none for a first submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resubmits: Option<String>,
}

/// Where an outbox entry stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum OutboxState {
    /// Not sent yet ("Đang chờ gửi"); `last_error` says why the last try failed.
    Waiting {
        /// The last failure, for people (in the language of the moment it failed).
        last_error: Option<String>,
    },
    /// Uploading the attachments.
    Uploading {
        /// Index of the file being sent.
        file: usize,
        /// Number of files.
        files: usize,
        /// Bytes the server holds of all files.
        sent_bytes: u64,
        /// Bytes of all files.
        total_bytes: u64,
    },
    /// Files are up; the dossier is being sent.
    Sending,
    /// Accepted: the receipt.
    Sent {
        /// The server's receipt, kept for offline viewing.
        receipt: Receipt,
    },
    /// The server wants a signed-in person (401): nobody is signed in on this device, or the session
    /// ended. Waits, without retrying, until someone signs in ("Đăng nhập lại để gửi").
    SignInNeeded,
    /// Refused for a reason that sending again will not change (the form needs fixing).
    Rejected {
        /// The server's error, with every field error.
        error: ApiError,
    },
}

impl OutboxEntry {
    /// A new entry, waiting.
    #[must_use]
    pub fn new(draft_id: &str, submission_id: &str, body: SubmitDossier, created_at: &str) -> Self {
        Self {
            draft_id: draft_id.to_owned(),
            submission_id: submission_id.to_owned(),
            body,
            created_at: created_at.to_owned(),
            state: OutboxState::Waiting { last_error: None },
            attempts: 0,
            next_try_at: None,
            resubmits: None,
        }
    }

    /// Where the entry is posted and the JSON it posts: `POST /api/v1/dossiers` with the submission,
    /// or, for a resubmission, `POST /api/v1/dossiers/{code}/resubmissions` with the amended form
    /// (both with [`Self::key`] as `Idempotency-Key`).
    ///
    /// # Errors
    /// When the body cannot be written as JSON.
    pub fn request(&self) -> Result<(String, String), serde_json::Error> {
        match &self.resubmits {
            None => Ok((
                format!("{}/dossiers", super::net::API),
                serde_json::to_string(&self.body)?,
            )),
            Some(code) => Ok((
                format!(
                    "{}/dossiers/{}/resubmissions",
                    super::net::API,
                    super::net::encode_component(code)
                ),
                serde_json::to_string(&domain::api::Resubmission {
                    phone: self.body.applicant.phone.clone(),
                    form_version: self.body.form_version,
                    form: self.body.form.clone(),
                })?,
            )),
        }
    }

    /// The key sent as `Idempotency-Key` (the draft id for entries written before the field existed).
    #[must_use]
    pub fn key(&self) -> &str {
        if self.submission_id.is_empty() {
            &self.draft_id
        } else {
            &self.submission_id
        }
    }

    /// Not answered yet: waiting, uploading or sending.
    #[must_use]
    pub fn is_pending(&self) -> bool {
        !matches!(
            self.state,
            OutboxState::Sent { .. } | OutboxState::Rejected { .. }
        )
    }

    /// Whether the sender should try it now. Uploading/Sending found in storage were cut off (the tab
    /// died mid-way) and are resumed; a waiting entry is due when its backoff has passed, or at once
    /// when `ignore_backoff` (the network just came back, the app just started, the user asked).
    #[must_use]
    pub fn is_due(&self, now_ms: f64, ignore_backoff: bool) -> bool {
        match self.state {
            OutboxState::Waiting { .. } => {
                ignore_backoff || self.next_try_at.is_none_or(|t| t <= now_ms)
            }
            OutboxState::Uploading { .. } | OutboxState::Sending => true,
            OutboxState::SignInNeeded | OutboxState::Sent { .. } | OutboxState::Rejected { .. } => {
                false
            }
        }
    }

    /// Whether the sender should try it now, knowing whether someone is signed in: an entry waiting for
    /// a sign-in goes as soon as there is one (once: the answer changes its state).
    #[must_use]
    pub fn is_due_when(&self, now_ms: f64, ignore_backoff: bool, signed_in: bool) -> bool {
        match self.state {
            OutboxState::SignInNeeded => signed_in,
            _ => self.is_due(now_ms, ignore_backoff),
        }
    }

    /// Whether it waits for someone to sign in.
    #[must_use]
    pub fn needs_sign_in(&self) -> bool {
        self.state == OutboxState::SignInNeeded
    }

    /// Filed by an officer for a citizen at the counter.
    #[must_use]
    pub fn is_assisted(&self) -> bool {
        self.body.assisted.is_some()
    }

    /// The files the form lists (entries that do not parse are left to the server's validation).
    #[must_use]
    pub fn attachments(&self) -> Vec<Attachment> {
        self.body
            .form
            .get("attachments")
            .and_then(serde_json::Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| serde_json::from_value(v.clone()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The receipt, once sent.
    #[must_use]
    pub fn receipt(&self) -> Option<&Receipt> {
        match &self.state {
            OutboxState::Sent { receipt } => Some(receipt),
            _ => None,
        }
    }
}

/// Delay before the next automatic try after `attempts` failures (1 → 2 s, doubling, at most 5 min).
#[must_use]
pub fn backoff_ms(attempts: u32) -> u64 {
    let doublings = attempts.saturating_sub(1).min(20);
    BACKOFF_BASE_MS
        .saturating_mul(1 << doublings)
        .min(BACKOFF_MAX_MS)
}

/// Spreads a delay over `[ms/2, ms]` by `unit` ∈ [0, 1) so that many phones coming back online at once
/// do not retry in step.
#[must_use]
pub fn with_jitter(ms: u64, unit: f64) -> u64 {
    let half = ms / 2;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "delays are far below 2^52 ms; the product is within [0, half]"
    )]
    let spread = (half as f64 * unit.clamp(0.0, 1.0)) as u64;
    (ms - half) + spread.min(half)
}

/// The entry after a failed try that may succeed later: waiting, one more attempt, next try after the
/// backoff (or the server's `Retry-After`, if longer).
#[must_use]
pub fn after_transient_failure(
    mut entry: OutboxEntry,
    message: String,
    retry_after_s: Option<u64>,
    now_ms: f64,
    jitter: f64,
) -> OutboxEntry {
    entry.attempts = entry.attempts.saturating_add(1);
    let delay = with_jitter(backoff_ms(entry.attempts), jitter)
        .max(retry_after_s.unwrap_or(0).saturating_mul(1000));
    #[expect(clippy::cast_precision_loss, reason = "a delay of minutes")]
    let delay = delay as f64;
    entry.next_try_at = Some(now_ms + delay);
    entry.state = OutboxState::Waiting {
        last_error: Some(message),
    };
    entry
}

/// The entry after a refusal that sending again will not change.
#[must_use]
pub fn after_rejection(mut entry: OutboxEntry, error: ApiError) -> OutboxEntry {
    entry.state = OutboxState::Rejected { error };
    entry.next_try_at = None;
    entry
}

/// The entry after a 401: it waits for a sign-in (no backoff timer, no attempt counted).
#[must_use]
pub fn after_sign_in_needed(mut entry: OutboxEntry) -> OutboxEntry {
    entry.state = OutboxState::SignInNeeded;
    entry.next_try_at = None;
    entry
}

/// Whether an error status means "fix the dossier", not "try again later". 403 is the server's refusal
/// of who files it (`domain::forms::filer`: another person as the owner, or another phone than the one
/// signed in): the form must change, sending it again would not help (a stale anti-forgery token is
/// renewed by `net::send` before the answer arrives here).
#[must_use]
pub fn is_final_refusal(status: u16) -> bool {
    matches!(status, 400 | 403 | 409 | 413 | 415 | 422)
}

/// The entry after the server's answer to `POST /api/v1/dossiers` (status, body text, `Retry-After`).
#[must_use]
pub fn on_response(
    entry: OutboxEntry,
    status: u16,
    body: &str,
    retry_after_s: Option<u64>,
    now_ms: f64,
    jitter: f64,
) -> OutboxEntry {
    match status {
        // A submission answers the receipt; a resubmission the dossier's status, which holds it.
        200 | 201 => match serde_json::from_str::<Receipt>(body).or_else(|e| {
            serde_json::from_str::<domain::api::DossierStatus>(body)
                .map(|s| s.receipt)
                .map_err(|_| e)
        }) {
            Ok(receipt) => {
                let mut entry = entry;
                entry.state = OutboxState::Sent { receipt };
                entry.next_try_at = None;
                entry
            }
            // Accepted, but the receipt did not arrive whole: a replay returns the same receipt.
            Err(e) => after_transient_failure(
                entry,
                format!("unreadable receipt: {e}"),
                None,
                now_ms,
                jitter,
            ),
        },
        401 => after_sign_in_needed(entry),
        s if is_final_refusal(s) => {
            let error = serde_json::from_str::<ApiError>(body).unwrap_or_else(|_| ApiError {
                code: "http_{s}".replace("{s}", &s.to_string()),
                message: body.chars().take(300).collect(),
                fields: Vec::new(),
            });
            after_rejection(entry, error)
        }
        s => {
            let message = serde_json::from_str::<ApiError>(body)
                .map_or_else(|_| format!("HTTP {s}"), |e| e.message);
            after_transient_failure(entry, message, retry_after_s, now_ms, jitter)
        }
    }
}

/// The rejection of a dossier whose file `index` was refused or is missing: the server's (or our)
/// error, pinned to the file's field so the form shows it there.
#[must_use]
pub fn file_error(index: usize, error: Option<ApiError>, fallback: &str) -> ApiError {
    let mut error = error.unwrap_or_else(|| ApiError {
        code: "file_refused".to_owned(),
        message: fallback.to_owned(),
        fields: Vec::new(),
    });
    if error.fields.is_empty() {
        error.fields.push(ApiFieldError {
            path: format!("form.attachments[{index}]"),
            key: error.code.clone(),
            message: error.message.clone(),
            citation: None,
        });
    }
    error
}

/// The next chunk `[start, end)` to send from the server's offset, or `None` when all bytes are there.
#[must_use]
pub fn next_chunk(offset: u64, total: u64, chunk: u64) -> Option<(u64, u64)> {
    (offset < total).then(|| (offset, total.min(offset.saturating_add(chunk.max(1)))))
}

/// Where to resume from the offset the server reports: it, or — when the server holds every byte but
/// has not completed the file (it failed while joining) — the last chunk again, which makes it finish.
#[must_use]
pub fn resume_from(server_offset: u64, total: u64, chunk: u64) -> u64 {
    if server_offset >= total {
        total.saturating_sub(chunk.min(total))
    } else {
        server_offset
    }
}

/// Every chunk from an offset (for tests and progress estimates).
#[must_use]
pub fn chunk_plan(offset: u64, total: u64, chunk: u64) -> Vec<(u64, u64)> {
    std::iter::successors(next_chunk(offset, total, chunk), |&(_, end)| {
        next_chunk(end, total, chunk)
    })
    .collect()
}

/// The `Content-Range` header of a chunk `[start, end)` of `total` bytes (inclusive end on the wire).
#[must_use]
pub fn content_range(start: u64, end: u64, total: u64) -> String {
    format!("bytes {start}-{}/{total}", end.saturating_sub(1))
}

/// Whether a text is a UUID (the server accepts only UUIDs as `Idempotency-Key`).
#[must_use]
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// What [`enqueue`] does with what is already stored for the draft.
#[derive(Clone, Debug, PartialEq)]
pub enum EnqueueDecision {
    /// Already pending or sent: nothing (a double tap).
    Keep,
    /// Write this new entry.
    Write(Box<OutboxEntry>),
}

/// Decides [`enqueue`]: a pending or sent entry stays as it is; otherwise a new entry is written — with
/// the draft's id as key the first time, a fresh one (`fresh_id`) after a rejection.
#[must_use]
pub fn decide_enqueue(
    existing: Option<&OutboxEntry>,
    draft_id: &str,
    body: SubmitDossier,
    now_rfc3339: &str,
    fresh_id: impl FnOnce() -> String,
) -> EnqueueDecision {
    match existing {
        Some(e) if !matches!(e.state, OutboxState::Rejected { .. }) => EnqueueDecision::Keep,
        previous => {
            let key = if previous.is_none() && is_uuid(draft_id) {
                draft_id.to_owned()
            } else {
                fresh_id()
            };
            EnqueueDecision::Write(Box::new(OutboxEntry::new(
                draft_id,
                &key,
                body,
                now_rfc3339,
            )))
        }
    }
}

/// Sorts entries newest submission first.
pub fn sort_newest_first(entries: &mut [OutboxEntry]) {
    entries.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| a.draft_id.cmp(&b.draft_id))
    });
}

thread_local! {
    static CHANGES: ArcRwSignal<u64> = ArcRwSignal::new(0);
}

/// A counter that grows whenever an outbox entry changes (in this tab or another): read it in an
/// effect or resource to re-read [`list`] / [`get`].
#[must_use]
pub fn changes() -> ReadSignal<u64> {
    CHANGES.with(|s| ReadSignal::from(s.read_only()))
}

/// Bumps [`changes`] in this tab only.
#[cfg(any(feature = "hydrate", test))]
fn bump_local() {
    CHANGES.with(|s| s.update(|n| *n = n.wrapping_add(1)));
}

#[cfg(feature = "hydrate")]
mod sender;

/// Queues a submission of a draft and starts sending it. Idempotent: while the draft's entry is pending
/// or sent, a second call does nothing (a double tap never queues twice); after a rejection it replaces
/// the entry (with a new key). Marks the draft `Queued` in the same transaction.
///
/// # Errors
/// When IndexedDB fails: then nothing was queued, and the UI must say so.
pub async fn enqueue(draft_id: &str, body: SubmitDossier) -> Result<(), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        sender::enqueue(draft_id, body).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (draft_id, body);
        Err(PlatformError::Unavailable)
    }
}

/// Every entry, the newest submission first ("my dossiers" are the sent ones).
///
/// # Errors
/// When IndexedDB fails.
pub async fn list() -> Result<Vec<OutboxEntry>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        let mut entries: Vec<OutboxEntry> = super::store::all_records(super::store::OUTBOX).await?;
        sort_newest_first(&mut entries);
        Ok(entries)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(PlatformError::Unavailable)
    }
}

/// The entry of a draft, if it was ever submitted.
///
/// # Errors
/// When IndexedDB fails.
pub async fn get(draft_id: &str) -> Result<Option<OutboxEntry>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        super::store::get_record(super::store::OUTBOX, draft_id).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = draft_id;
        Err(PlatformError::Unavailable)
    }
}

/// Starts the sender (once; later calls do nothing): sends due entries now, on `online`, when the page
/// becomes visible, and by timer while waiting after failures. Call it once when the app starts.
pub fn start() {
    #[cfg(feature = "hydrate")]
    sender::start();
}

/// Sends every waiting entry now, ignoring backoff (a "Gửi lại ngay" button).
pub fn send_now() {
    #[cfg(feature = "hydrate")]
    sender::kick(true);
}

/// The store changed owner (someone signed in or out, here or in another tab): pages re-read, and
/// the sender runs (an entry waiting for a sign-in goes now if someone is signed in).
pub fn owner_changed() {
    #[cfg(feature = "hydrate")]
    {
        bump_local();
        sender::kick(true);
    }
}

/// Sends what is due now and waits for it (signing out first sends what is pending); answers how many
/// entries are still not sent.
///
/// # Errors
/// When IndexedDB fails.
pub async fn flush() -> Result<usize, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        sender::flush().await;
        Ok(list().await?.iter().filter(|e| e.is_pending()).count())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(PlatformError::Unavailable)
    }
}

pub use super::store::{get_status, put_status};

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{
        FormVersion, Procedure,
        api::{Applicant, FeeQuote},
        forms::Jurisdiction,
    };
    use serde_json::json;

    const ID: &str = "6f1c1f52-3c1e-4f0e-9a37-0d6f7a1d2b11";

    fn body() -> SubmitDossier {
        SubmitDossier {
            procedure: Procedure::HkdTermination,
            form_version: FormVersion::Tt68Mau4,
            form: json!({"hkd_code": "51A8000123", "attachments": [
                {"kind": "death_certificate_or_court_decision", "media_type": "image/jpeg",
                 "size_bytes": 300_000, "sha256": "a".repeat(64), "file_name": "giay-chung-tu.jpg"},
                {"kind": "other", "media_type": "application/pdf",
                 "size_bytes": 1_000_000, "sha256": "b".repeat(64), "file_name": "x.pdf"},
                {"broken": true}
            ]}),
            applicant: Applicant {
                name: "Nguyễn Văn An".to_owned(),
                phone: "0905123456".to_owned(),
            },
            assisted: None,
        }
    }

    fn entry() -> OutboxEntry {
        OutboxEntry::new(ID, ID, body(), "2026-11-23T02:30:00.000Z")
    }

    fn receipt_json() -> String {
        let receipt = Receipt {
            code: "000.00.51.H55-261123-0001".to_owned(),
            procedure: Procedure::HkdTermination,
            jurisdiction: Jurisdiction::ProvincialTradeDepartment,
            received_at: "2026-11-23T09:30:00+07:00".to_owned(),
            due_date: None,
            fee: FeeQuote {
                amount: domain::Vnd::ZERO,
                counter_amount: domain::Vnd::ZERO,
            },
            lookup_url: "http://127.0.0.1:8080/tra-cuu/X".to_owned(),
            receipt_pdf_url: "http://127.0.0.1:8080/api/v1/dossiers/X/receipt.pdf".to_owned(),
            lookup_qr_svg: String::new(),
        };
        serde_json::to_string(&receipt).expect("ser")
    }

    #[test]
    fn backoff_doubles_to_a_cap() {
        let schedule: Vec<u64> = (1..=10).map(backoff_ms).collect();
        assert_eq!(
            schedule,
            [
                2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000
            ]
        );
        assert_eq!(backoff_ms(0), 2_000);
        assert_eq!(backoff_ms(u32::MAX), BACKOFF_MAX_MS);
        assert_eq!(with_jitter(8_000, 0.0), 4_000);
        assert_eq!(with_jitter(8_000, 0.5), 6_000);
        assert_eq!(with_jitter(8_000, 0.999_999), 7_999);
        assert_eq!(with_jitter(8_000, 7.0), 8_000, "clamped");
    }

    #[test]
    fn success_keeps_the_receipt() {
        for status in [201, 200] {
            let e = on_response(entry(), status, &receipt_json(), None, 1000.0, 0.5);
            assert_eq!(
                e.receipt().map(|r| r.code.as_str()),
                Some("000.00.51.H55-261123-0001")
            );
            assert!(!e.is_pending());
            assert!(!e.is_due(f64::MAX, true));
        }
    }

    #[test]
    fn an_unreadable_receipt_is_retried_not_lost() {
        let e = on_response(entry(), 201, "{\"code\":", None, 1000.0, 0.0);
        assert!(matches!(
            e.state,
            OutboxState::Waiting {
                last_error: Some(_)
            }
        ));
        assert_eq!(e.attempts, 1);
    }

    #[test]
    fn refusals_are_final_and_keep_the_field_errors() {
        let body = r#"{"code":"validation_failed","message":"Hồ sơ có 1 chỗ cần sửa.",
            "fields":[{"path":"form.hkd_code","key":"required","message":"Vui lòng nhập."}]}"#;
        let e = on_response(entry(), 422, body, None, 1000.0, 0.5);
        let OutboxState::Rejected { error } = &e.state else {
            panic!("{e:?}")
        };
        assert_eq!(error.fields[0].path, "form.hkd_code");
        assert!(!e.is_pending());
        let e = on_response(entry(), 409, "not json", None, 1000.0, 0.5);
        let OutboxState::Rejected { error } = &e.state else {
            panic!("{e:?}")
        };
        assert_eq!(error.code, "http_409");
        // Someone else filing as the owner: the form must change (the role), not wait.
        let body = r#"{"code":"forbidden","message":"Số định danh của bạn không phải của chủ hộ kinh doanh 51A8012345."}"#;
        let e = on_response(entry(), 403, body, None, 1000.0, 0.5);
        let OutboxState::Rejected { error } = &e.state else {
            panic!("{e:?}")
        };
        assert!(error.message.starts_with("Số định danh"));
    }

    #[test]
    fn trouble_waits_with_backoff_and_retry_after() {
        let e = on_response(entry(), 503, "", None, 10_000.0, 0.0);
        assert_eq!(
            e.state,
            OutboxState::Waiting {
                last_error: Some("HTTP 503".to_owned())
            }
        );
        assert_eq!(e.attempts, 1);
        assert_eq!(e.next_try_at, Some(11_000.0));
        assert!(!e.is_due(10_500.0, false));
        assert!(e.is_due(11_000.0, false));
        assert!(e.is_due(10_500.0, true), "the network came back");
        let e = on_response(
            e,
            429,
            r#"{"code":"rate_limited","message":"Chậm lại.","fields":[]}"#,
            Some(60),
            20_000.0,
            0.0,
        );
        assert_eq!(e.attempts, 2);
        assert_eq!(e.next_try_at, Some(80_000.0));
        assert_eq!(
            e.state,
            OutboxState::Waiting {
                last_error: Some("Chậm lại.".to_owned())
            }
        );
        // Several failures later, still there and still pending: never dropped.
        let e = (0..30).fold(e, |e, i| {
            after_transient_failure(e, "offline".to_owned(), None, f64::from(i), 0.3)
        });
        assert!(e.is_pending());
        assert_eq!(e.attempts, 32);
    }

    #[test]
    fn a_401_waits_for_a_sign_in_then_goes_once_with_the_same_key() {
        let answer = r#"{"code":"unauthorized","message":"Hãy đăng nhập.","fields":[]}"#;
        let e = on_response(entry(), 401, answer, Some(60), 10_000.0, 0.5);
        assert_eq!(e.state, OutboxState::SignInNeeded);
        assert_eq!(e.attempts, 0, "not a failure");
        assert_eq!(e.next_try_at, None, "no timer: not retried in a loop");
        assert!(e.is_pending(), "not lost");
        assert!(
            !e.is_due(f64::MAX, true),
            "the network coming back does not resend it"
        );
        assert!(
            !e.is_due_when(f64::MAX, true, false),
            "nobody signed in yet"
        );
        assert!(
            e.is_due_when(0.0, false, true),
            "someone signed in: it goes"
        );
        assert_eq!(e.key(), ID, "with the same Idempotency-Key");
        let sent = on_response(e, 201, &receipt_json(), None, 0.0, 0.0);
        assert!(sent.receipt().is_some());
        assert!(!sent.is_due_when(f64::MAX, true, true), "and only once");
        // A double tap on a waiting entry queues nothing new.
        let waiting = after_sign_in_needed(entry());
        assert_eq!(
            decide_enqueue(Some(&waiting), ID, body(), "t", || "x".into()),
            EnqueueDecision::Keep
        );
    }

    #[test]
    fn cut_off_sends_are_resumed() {
        let mut e = entry();
        e.state = OutboxState::Uploading {
            file: 0,
            files: 2,
            sent_bytes: 0,
            total_bytes: 1_300_000,
        };
        assert!(e.is_due(0.0, false));
        e.state = OutboxState::Sending;
        assert!(e.is_due(0.0, false));
    }

    #[test]
    fn enqueue_is_idempotent_and_replaces_a_rejection_with_a_new_key() {
        let fresh = || "11111111-2222-4333-8444-555555555555".to_owned();
        let EnqueueDecision::Write(first) = decide_enqueue(None, ID, body(), "t0", fresh) else {
            panic!("first enqueue writes")
        };
        assert_eq!(first.key(), ID);
        assert_eq!(
            decide_enqueue(Some(&first), ID, body(), "t1", fresh),
            EnqueueDecision::Keep
        );
        let sent = on_response((*first).clone(), 201, &receipt_json(), None, 0.0, 0.0);
        assert_eq!(
            decide_enqueue(Some(&sent), ID, body(), "t1", fresh),
            EnqueueDecision::Keep
        );
        let rejected = on_response((*first).clone(), 409, "", None, 0.0, 0.0);
        let EnqueueDecision::Write(again) =
            decide_enqueue(Some(&rejected), ID, body(), "t2", fresh)
        else {
            panic!("resubmission writes")
        };
        assert_eq!(again.key(), fresh());
        assert_eq!(again.created_at, "t2");
        assert_eq!(again.state, OutboxState::Waiting { last_error: None });
        let EnqueueDecision::Write(odd) = decide_enqueue(None, "not-a-uuid", body(), "t", fresh)
        else {
            panic!()
        };
        assert_eq!(odd.key(), fresh());
    }

    #[test]
    fn chunks_resume_from_the_servers_offset() {
        let k = 256 * 1024;
        assert_eq!(
            chunk_plan(0, 600_000, k),
            [(0, k), (k, 2 * k), (2 * k, 600_000)]
        );
        assert_eq!(chunk_plan(k, 600_000, k), [(k, 2 * k), (2 * k, 600_000)]);
        assert_eq!(chunk_plan(600_000, 600_000, k), []);
        assert_eq!(chunk_plan(0, 10, k), [(0, 10)]);
        assert_eq!(content_range(0, 10, 10), "bytes 0-9/10");
        assert_eq!(
            content_range(k, 2 * k, 600_000),
            "bytes 262144-524287/600000"
        );
        assert_eq!(resume_from(300_000, 600_000, k), 300_000);
        assert_eq!(resume_from(600_000, 600_000, k), 600_000 - k);
        assert_eq!(resume_from(10, 10, k), 0);
    }

    #[test]
    fn attachments_come_from_the_form() {
        let files = entry().attachments();
        assert_eq!(files.len(), 2, "the broken item is left to the server");
        assert_eq!(files[1].size_bytes, 1_000_000);
    }

    #[test]
    fn file_errors_point_at_the_file() {
        let e = file_error(1, None, "Tệp không còn trên máy.");
        assert_eq!(e.fields[0].path, "form.attachments[1]");
        let server = ApiError {
            code: "unsupported_media_type".to_owned(),
            message: "Chỉ nhận PDF, JPEG, PNG.".to_owned(),
            fields: vec![],
        };
        let e = file_error(0, Some(server), "");
        assert_eq!(e.fields[0].key, "unsupported_media_type");
    }

    #[test]
    fn entries_round_trip_in_every_state() {
        let states = [
            OutboxState::Waiting { last_error: None },
            OutboxState::Uploading {
                file: 1,
                files: 2,
                sent_bytes: 10,
                total_bytes: 20,
            },
            OutboxState::Sending,
            OutboxState::SignInNeeded,
            OutboxState::Sent {
                receipt: serde_json::from_str(&receipt_json()).expect("receipt"),
            },
            OutboxState::Rejected {
                error: ApiError {
                    code: "conflict".to_owned(),
                    message: "m".to_owned(),
                    fields: vec![],
                },
            },
        ];
        for state in states {
            let mut e = entry();
            e.state = state;
            e.next_try_at = Some(1.5e12);
            let back: OutboxEntry =
                serde_json::from_str(&serde_json::to_string(&e).expect("ser")).expect("de");
            assert_eq!(back, e);
        }
        assert!(is_uuid(ID));
        assert!(!is_uuid("6f1c1f52-3c1e-4f0e-9a37-0d6f7a1d2b1"));
        assert!(!is_uuid("6f1c1f52x3c1e-4f0e-9a37-0d6f7a1d2b11"));
    }

    #[test]
    fn changes_is_a_signal_that_bumps() {
        let before = changes().get_untracked();
        bump_local();
        assert_eq!(changes().get_untracked(), before + 1);
    }

    #[test]
    fn a_resubmission_posts_the_amended_form_to_its_dossier_and_reads_the_status() {
        let first = entry();
        let (url, text) = first.request().expect("json");
        assert_eq!(url, "/api/v1/dossiers");
        assert_eq!(
            serde_json::from_str::<SubmitDossier>(&text).expect("a submission"),
            body()
        );

        let mut again = entry();
        again.resubmits = Some("000.00.51.H55-261123-0001".to_owned());
        let (url, text) = again.request().expect("json");
        assert_eq!(
            url,
            "/api/v1/dossiers/000.00.51.H55-261123-0001/resubmissions"
        );
        let sent: domain::api::Resubmission = serde_json::from_str(&text).expect("a resubmission");
        assert_eq!(sent.phone, "0905123456");
        assert_eq!(sent.form, body().form);
        // The answer is the dossier's status; its receipt marks the entry sent.
        let receipt: Receipt = serde_json::from_str(&receipt_json()).expect("receipt");
        let status = serde_json::json!({
            "receipt": receipt,
            "state": "processing",
            "timeline": [],
        })
        .to_string();
        let next = on_response(again.clone(), 200, &status, None, 0.0, 0.5);
        assert_eq!(next.state, OutboxState::Sent { receipt });
        // An entry kept before the field existed reads as a first submission.
        let mut old = serde_json::to_value(entry()).expect("ser");
        old.as_object_mut().expect("object").remove("resubmits");
        let old: OutboxEntry = serde_json::from_value(old).expect("de");
        assert_eq!(old.resubmits, None);
    }
}
