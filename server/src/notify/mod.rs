//! The notification worker: it claims due jobs of `notification_outbox` (a dossier was submitted, or
//! its state changed), and tells the applicant's phone number on every channel — the in-app inbox, an
//! SMS through the gateway, and a Web Push to each browser that subscribed for that number. An
//! `owner_notice` job ([`OwnerNotice`]) tells a business's owner on record, by SMS and in the inbox of
//! their phone, that someone else filed the change or termination of their business.
//!
//! - **Claims** ([`NotifyStore::claim_notifications`](crate::store::notify::NotifyStore)): a job is
//!   held under a lease; PostgreSQL claims with `FOR UPDATE SKIP LOCKED`, so any number of servers run
//!   the worker side by side and never both send one job.
//! - **No duplicates**: every channel and target that succeeded is recorded
//!   (`notification_deliveries`) before the job is retried, and a retry skips them.
//! - **Retries**: a failed attempt is tried again after `base · 2^(attempts−1)`, at most `cap`; after
//!   `max_attempts` the job is `failed` with its last error.
//! - **Stops** with the server: the batch in hand is finished, then the loop ends.

pub mod push;

use std::{collections::HashSet, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use domain::{
    Lang, Procedure,
    api::{Receipt, StateNotice},
    lifecycle::State,
};
use tokio::sync::watch;

pub use crate::sms::SmsGateway;
use crate::store::{
    Store,
    notify::{ClaimedNotification, NewInboxItem},
};
pub use push::{PushError, PushSender, VapidKeys};

/// When to try a failed job again, and when to give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Attempts before the job is `failed`.
    pub max_attempts: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(60 * 60),
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The wait after attempt number `attempts` (1 = the first) failed.
    #[must_use]
    pub fn delay(&self, attempts: i64) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.base
            .checked_mul(1_u32 << doublings)
            .map_or(self.cap, |d| d.min(self.cap))
    }
}

/// What one notice says, whatever its channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Dossier code.
    pub code: String,
    /// Procedure.
    pub procedure: Procedure,
    /// The state reached.
    pub state: State,
    /// What the office wrote.
    pub note: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

impl Notice {
    /// Reads a job's payload: `dossier_submitted` carries the receipt, `dossier_state` a
    /// [`StateNotice`].
    ///
    /// # Errors
    /// For another kind or a payload that does not parse (nothing a retry would change).
    pub fn from_job(kind: &str, payload_json: &str) -> Result<Self, String> {
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| format!("bad time {s:?} in the {kind} payload: {e}"))
        };
        match kind {
            "dossier_submitted" => {
                let receipt: Receipt = serde_json::from_str(payload_json)
                    .map_err(|e| format!("the dossier_submitted payload is not a receipt: {e}"))?;
                Ok(Self {
                    at: at(&receipt.received_at)?,
                    code: receipt.code,
                    procedure: receipt.procedure,
                    state: State::Submitted,
                    note: None,
                })
            }
            "dossier_state" => {
                let notice: StateNotice = serde_json::from_str(payload_json)
                    .map_err(|e| format!("the dossier_state payload is not a StateNotice: {e}"))?;
                Ok(Self {
                    at: at(&notice.at)?,
                    code: notice.code,
                    procedure: notice.procedure,
                    state: notice.state,
                    note: notice.note.filter(|n| !n.trim().is_empty()),
                })
            }
            other => Err(format!("unknown notification kind {other:?}")),
        }
    }

    /// The title of a push or inbox message.
    #[must_use]
    pub fn title(&self, lang: Lang) -> String {
        format!("{} {}", lang.pick("Hồ sơ", "Dossier"), self.code)
    }

    /// The body of a push or inbox message.
    #[must_use]
    pub fn body(&self, lang: Lang) -> String {
        body(self.procedure, self.state, self.note.as_deref(), lang)
    }

    /// The SMS: short, Vietnamese, with the code and the state.
    #[must_use]
    pub fn sms(&self) -> String {
        let mut text = format!(
            "Một cửa Quảng Ngãi: hồ sơ {} — {}.",
            self.code,
            self.state.label(Lang::Vi)
        );
        if let Some(action) = next_step(self.state, Lang::Vi) {
            text.push(' ');
            text.push_str(action);
        }
        text
    }

    /// What the service worker shows (JSON: title, body, code, url, tag).
    #[must_use]
    pub fn push_payload(&self, lang: Lang) -> Vec<u8> {
        serde_json::json!({
            "title": self.title(lang),
            "body": self.body(lang),
            "code": self.code,
            "state": self.state,
            "url": format!("/ho-so/{}", self.code),
            "tag": self.code,
        })
        .to_string()
        .into_bytes()
    }
}

/// The body of a message about a dossier in `state`.
#[must_use]
pub fn body(procedure: Procedure, state: State, note: Option<&str>, lang: Lang) -> String {
    let mut text = format!("{}: {}.", procedure.name(lang), state.label(lang));
    if let Some(note) = note {
        text.push(' ');
        text.push_str(note.trim());
    }
    if let Some(action) = next_step(state, lang) {
        text.push(' ');
        text.push_str(action);
    }
    text
}

/// What the applicant should do next, when there is something.
const fn next_step(state: State, lang: Lang) -> Option<&'static str> {
    match state {
        State::SupplementRequested => Some(lang.pick(
            "Mở ứng dụng để xem yêu cầu và gửi bổ sung.",
            "Open the app to read the request and send the amendments.",
        )),
        State::Approved => Some(lang.pick(
            "Mở ứng dụng để xem và tải kết quả.",
            "Open the app to see and download the result.",
        )),
        _ => None,
    }
}

/// The payload of an `owner_notice` job: someone other than the owner on record — an authorised
/// person or an heir — filed the change or termination of a business in the registry, and the owner is
/// told on their phone (SMS and the phone's inbox), with what to do if they did not authorise it. The
/// dossier's code and procedure come from the job's dossier. Nothing of the filer is in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OwnerNotice {
    /// The owner's phone: the registry's, or that of the account the e-identity linked to the owner.
    pub phone: String,
    /// Mã số hộ kinh doanh.
    pub hkd_code: String,
    /// The business's name as registered ("Hộ kinh doanh …").
    pub hkd_name: String,
    /// How the filer filed (`authorised` or `heir`).
    pub filer_role: domain::forms::filer::FilerRole,
    /// The office that decides the dossier ("Phòng Kinh tế thuộc UBND xã Tịnh Khê").
    pub office: String,
    /// When the dossier was received (RFC 3339).
    pub at: String,
}

impl OwnerNotice {
    /// "as an authorised person" / "as an heir", in Vietnamese.
    const fn as_role(&self) -> &'static str {
        match self.filer_role {
            domain::forms::filer::FilerRole::Heir => "người thừa kế",
            _ => "người được chủ hộ ủy quyền",
        }
    }

    /// When the owner should act: they did not authorise it, or (an heir filed) they are alive and
    /// knew nothing of it.
    const fn unless(&self) -> &'static str {
        match self.filer_role {
            domain::forms::filer::FilerRole::Heir => "Nếu bạn là chủ hộ và không biết việc này",
            _ => "Nếu bạn không ủy quyền cho ai nộp hồ sơ này",
        }
    }

    /// What the inbox message says after the procedure and state: who filed it and what to do.
    #[must_use]
    pub fn note(&self) -> String {
        format!(
            "Hồ sơ của {} (mã số {}) do người khác nộp với tư cách {}, không phải bạn. {}, hãy liên hệ \
             ngay {} trước khi hồ sơ được giải quyết.",
            self.hkd_name,
            self.hkd_code,
            self.as_role(),
            self.unless(),
            self.office
        )
    }

    /// The SMS: the business, the procedure, the dossier code, who filed it and what to do.
    #[must_use]
    pub fn sms(&self, code: &str, procedure: Procedure) -> String {
        format!(
            "Một cửa Quảng Ngãi: hồ sơ {code} ({}) của {} (mã số {}) vừa được người khác nộp \
             với tư cách {}. {}, hãy liên hệ ngay {}.",
            procedure.name(Lang::Vi),
            self.hkd_name,
            self.hkd_code,
            self.as_role(),
            self.unless(),
            self.office
        )
    }
}

/// What one run of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Jobs claimed.
    pub claimed: usize,
    /// Jobs now sent on every channel.
    pub sent: usize,
    /// Jobs to be tried again.
    pub retried: usize,
    /// Jobs given up.
    pub failed: usize,
}

/// The worker.
#[derive(Clone)]
pub struct Notifier {
    store: Arc<dyn Store>,
    sms: Arc<dyn SmsGateway>,
    push: Option<PushSender>,
    /// Retries.
    pub policy: RetryPolicy,
    /// How long a claim holds a job (longer than one job's sends can take).
    pub lease: Duration,
    /// Jobs claimed at once.
    pub batch: i64,
    /// The wait between polls when nothing is due.
    pub poll: Duration,
}

impl Notifier {
    /// A worker on this store and these channels (`push: None` sends no Web Push).
    #[must_use]
    pub fn new(store: Arc<dyn Store>, sms: Arc<dyn SmsGateway>, push: Option<PushSender>) -> Self {
        Self {
            store,
            sms,
            push,
            policy: RetryPolicy::default(),
            lease: Duration::from_secs(5 * 60),
            batch: 20,
            poll: Duration::from_secs(2),
        }
    }

    /// Claims the jobs due at `now` (one batch) and works each.
    ///
    /// # Errors
    /// When the database fails; a channel's failure is the job's, not the run's.
    pub async fn run_due(&self, now: DateTime<Utc>) -> anyhow::Result<RunReport> {
        let lease_until = now + chrono::Duration::from_std(self.lease)?;
        let jobs = self
            .store
            .claim_notifications(now, lease_until, self.batch)
            .await?;
        let mut report = RunReport {
            claimed: jobs.len(),
            ..RunReport::default()
        };
        for job in jobs {
            let errors = self.deliver(&job, now).await?;
            if errors.is_empty() {
                self.store.complete_notification(job.id, Utc::now()).await?;
                report.sent += 1;
            } else {
                let error = joined(&errors);
                if job.attempts >= self.policy.max_attempts || errors.iter().any(|e| e.permanent) {
                    tracing::warn!(job = job.id, attempts = job.attempts, %error, "notification failed");
                    self.store.fail_notification(job.id, &error).await?;
                    report.failed += 1;
                } else {
                    let next = now + chrono::Duration::from_std(self.policy.delay(job.attempts))?;
                    tracing::info!(job = job.id, attempts = job.attempts, %error, %next, "notification will be retried");
                    self.store
                        .reschedule_notification(job.id, next, &error)
                        .await?;
                    report.retried += 1;
                }
            }
        }
        Ok(report)
    }

    /// Sends one job on every channel it has not reached yet; the channels that failed.
    async fn deliver(
        &self,
        job: &ClaimedNotification,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<ChannelError>> {
        if job.kind == "owner_notice" {
            return self.deliver_owner_notice(job, now).await;
        }
        let notice = match Notice::from_job(&job.kind, &job.payload_json) {
            Ok(notice) => notice,
            Err(e) => return Ok(vec![ChannelError::permanent("payload", e)]),
        };
        let Some(dossier) = &job.dossier else {
            return Ok(vec![ChannelError::permanent(
                "payload",
                "the job names no dossier".to_owned(),
            )]);
        };
        let phone = dossier.applicant_phone.as_str();
        let done = self.deliveries(job.id).await?;
        let is_done =
            |channel: &str, target: &str| done.contains(&(channel.to_owned(), target.to_owned()));
        let mut errors = Vec::new();
        let item = NewInboxItem {
            outbox_id: job.id,
            phone: phone.to_owned(),
            code: notice.code.clone(),
            procedure: dossier.procedure.clone(),
            state: api_name(&notice.state),
            note: notice.note.clone(),
            at: notice.at,
        };
        errors.extend(self.inbox_and_sms(&done, &item, &notice.sms(), now).await?);

        if let Some(push) = &self.push {
            // The payload is Vietnamese, the language of the service; the inbox has both.
            let payload = notice.push_payload(Lang::Vi);
            for target in self.store.push_subscriptions(phone).await? {
                if is_done("push", &target.endpoint) {
                    continue;
                }
                match push.send(&target, &payload).await {
                    Ok(()) => {
                        self.store
                            .record_delivery(job.id, "push", &target.endpoint, now)
                            .await?;
                    }
                    Err(PushError::Gone(status)) => {
                        tracing::info!(status, "push subscription gone: removed");
                        self.store
                            .delete_push_subscription(&target.endpoint, None)
                            .await?;
                    }
                    Err(PushError::Failed(e)) => {
                        errors.push(ChannelError::retry("push", e));
                    }
                }
            }
        }
        Ok(errors)
    }

    /// Tells the owner on record that someone else filed for their business: the phone's inbox and an
    /// SMS, each once.
    async fn deliver_owner_notice(
        &self,
        job: &ClaimedNotification,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<ChannelError>> {
        let notice: OwnerNotice = match serde_json::from_str(&job.payload_json) {
            Ok(notice) => notice,
            Err(e) => {
                return Ok(vec![ChannelError::permanent(
                    "payload",
                    format!("the owner_notice payload does not parse: {e}"),
                )]);
            }
        };
        let Some(dossier) = &job.dossier else {
            return Ok(vec![ChannelError::permanent(
                "payload",
                "the job names no dossier".to_owned(),
            )]);
        };
        let Ok(procedure) = serde_json::from_value::<Procedure>(serde_json::Value::String(
            dossier.procedure.clone(),
        )) else {
            return Ok(vec![ChannelError::permanent(
                "payload",
                format!("unknown procedure {:?}", dossier.procedure),
            )]);
        };
        let at = DateTime::parse_from_rfc3339(&notice.at).map_or(now, |t| t.with_timezone(&Utc));
        let item = NewInboxItem {
            outbox_id: job.id,
            phone: notice.phone.clone(),
            code: dossier.code.clone(),
            procedure: dossier.procedure.clone(),
            state: api_name(&State::Submitted),
            note: Some(notice.note()),
            at,
        };
        let done = self.deliveries(job.id).await?;
        let sms = notice.sms(&dossier.code, procedure);
        Ok(self
            .inbox_and_sms(&done, &item, &sms, now)
            .await?
            .into_iter()
            .collect())
    }

    /// The (channel, target) pairs a job reached already.
    async fn deliveries(&self, job: i64) -> anyhow::Result<HashSet<(String, String)>> {
        Ok(self
            .store
            .notification_deliveries(job)
            .await?
            .into_iter()
            .collect())
    }

    /// Puts a job's message in the inbox of `item.phone` and texts it `sms`, each unless `done`
    /// already; the SMS's failure, if it failed.
    async fn inbox_and_sms(
        &self,
        done: &HashSet<(String, String)>,
        item: &NewInboxItem,
        sms: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<ChannelError>> {
        let is_done = |channel: &str| done.contains(&(channel.to_owned(), item.phone.clone()));
        if !is_done("inbox") {
            self.store.insert_inbox_item(item).await?;
            self.store
                .record_delivery(item.outbox_id, "inbox", &item.phone, now)
                .await?;
        }
        if !is_done("sms") {
            if let Err(e) = self.sms.send(&item.phone, sms).await {
                return Ok(Some(ChannelError::retry("sms", format!("{e:#}"))));
            }
            self.store
                .record_delivery(item.outbox_id, "sms", &item.phone, now)
                .await?;
        }
        Ok(None)
    }

    /// Runs the worker until `stop` turns true: a batch, then the next at once if it was full, else
    /// after `poll`. The batch in hand is finished before it stops.
    pub fn spawn(self, mut stop: watch::Receiver<bool>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if *stop.borrow() {
                    break;
                }
                let full = match self.run_due(Utc::now()).await {
                    Ok(report) => i64::try_from(report.claimed).unwrap_or(i64::MAX) >= self.batch,
                    Err(e) => {
                        tracing::warn!(error = %format!("{e:#}"), "notification worker: database error");
                        false
                    }
                };
                if full {
                    continue;
                }
                tokio::select! {
                    () = tokio::time::sleep(self.poll) => {}
                    changed = stop.changed() => {
                        if changed.is_err() {
                            break;
                        }
                    }
                }
            }
            tracing::info!("notification worker stopped");
        })
    }
}

/// One channel's failure in one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChannelError {
    channel: &'static str,
    message: String,
    /// Nothing a retry would change.
    permanent: bool,
}

impl ChannelError {
    const fn retry(channel: &'static str, message: String) -> Self {
        Self {
            channel,
            message,
            permanent: false,
        }
    }

    const fn permanent(channel: &'static str, message: String) -> Self {
        Self {
            channel,
            message,
            permanent: true,
        }
    }
}

impl std::fmt::Display for ChannelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.channel, self.message)
    }
}

/// Every channel's error on one line, for the job's `last_error`.
fn joined(errors: &[ChannelError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A serde enum's wire name.
fn api_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap() {
        let policy = RetryPolicy {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(600),
            max_attempts: 8,
        };
        let delays: Vec<u64> = (1..=7).map(|n| policy.delay(n).as_secs()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(policy.delay(1_000).as_secs(), 600, "no overflow");
    }

    #[test]
    fn an_owner_notice_names_the_business_the_role_and_whom_to_contact() {
        let notice = OwnerNotice {
            phone: "0905100200".to_owned(),
            hkd_code: "051085012345".to_owned(),
            hkd_name: "Hộ kinh doanh Tạp hóa Ba".to_owned(),
            filer_role: domain::forms::filer::FilerRole::Heir,
            office: "Phòng Kinh tế thuộc UBND xã Tịnh Khê".to_owned(),
            at: "2026-12-08T09:00:00+07:00".to_owned(),
        };
        assert_eq!(
            notice.sms("21025-261208-0001", Procedure::HkdChange),
            "Một cửa Quảng Ngãi: hồ sơ 21025-261208-0001 (Đăng ký thay đổi nội dung đăng ký hộ kinh doanh) \
             của Hộ kinh doanh Tạp hóa Ba (mã số 051085012345) vừa được người khác nộp với tư cách người thừa \
             kế. Nếu bạn là chủ hộ và không biết việc này, hãy liên hệ ngay Phòng Kinh tế thuộc UBND xã Tịnh \
             Khê."
        );
        let note = notice.note();
        assert!(
            note.contains("với tư cách người thừa kế, không phải bạn"),
            "{note}"
        );
        assert!(
            !note.contains("0905100200"),
            "the phone is the address, not the text"
        );
    }

    #[test]
    fn a_state_notice_reads_with_its_label_note_and_next_step() {
        let notice = Notice::from_job(
            "dossier_state",
            r#"{"code":"X.1","procedure":"hkd_registration","state":"supplement_requested","at":"2026-11-23T09:00:00+07:00","note":"Thiếu ảnh CCCD"}"#,
        )
        .expect("parses");
        assert_eq!(notice.state, State::SupplementRequested);
        assert_eq!(notice.title(Lang::Vi), "Hồ sơ X.1");
        let body = notice.body(Lang::Vi);
        assert!(body.contains("Cần sửa đổi, bổ sung"), "{body}");
        assert!(body.contains("Thiếu ảnh CCCD"), "{body}");
        assert!(body.contains("gửi bổ sung"), "{body}");
        assert!(notice.sms().contains("X.1"));
        assert!(notice.body(Lang::En).contains("Amendments requested"));
        assert!(Notice::from_job("other", "{}").is_err());
        assert!(Notice::from_job("dossier_state", "{}").is_err());
    }
}
