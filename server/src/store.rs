//! What the server keeps in a database, behind one trait, [`Store`], with two implementations:
//! [`SqliteStore`] (one file, the embedded default) and [`PgStore`] (PostgreSQL, for several servers).
//! The routes only see `Arc<dyn Store>`, so a test double or a third engine plugs in at this seam.
//!
//! Both implementations run the same SQL text (`sql.rs`, one macro that writes the two `impl Store`
//! blocks): queries use `$1`-style placeholders, which SQLite and PostgreSQL both accept, and column
//! types chosen so that the same Rust values bind on both (text, integers, `DateTime<Utc>`,
//! `NaiveDate`). What differs stays in each backend's module: connecting, the migrations
//! (`migrations/<backend>/`), how a staff id is bound, and SQLite's in-process queue of writers.

pub mod access;
pub mod auth;
pub mod notify;
mod postgres;
mod sql;
mod sqlite;
pub mod uploads;
pub mod work;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use futures::future::BoxFuture;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Which SQL engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, one file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Turns a dossier code into the receipt JSON to store and answer (see [`Store::submit_dossier`]).
pub type ReceiptFn<'a> = &'a (dyn Fn(&str) -> String + Send + Sync);

/// Everything the server asks of its database. Each method is one unit of work: a write is committed
/// (durably) before its future completes.
pub trait Store:
    access::AccessStore
    + auth::AuthStore
    + notify::NotifyStore
    + work::WorkStore
    + uploads::UploadStore
    + Send
    + Sync
    + 'static
{
    /// Which engine this is.
    fn backend(&self) -> Backend;

    /// Applies the migrations that are not applied yet.
    fn migrate(&self) -> BoxFuture<'_, anyhow::Result<()>>;

    /// Asks the database to answer a trivial query (readiness).
    fn ping(&self) -> BoxFuture<'_, anyhow::Result<()>>;

    /// Closes every connection; later calls fail.
    fn close(&self) -> BoxFuture<'_, ()>;

    /// The completed upload with this hash.
    fn find_upload<'a>(
        &'a self,
        sha256: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<UploadRow>>>;

    /// Records a completed upload; a second record of the same hash is a no-op.
    fn insert_upload<'a>(&'a self, row: &'a UploadRow) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Creates the dossier with its first event, its attachments and a notification job in one
    /// transaction, or answers a replay with the stored receipt. `receipt` turns the dossier code into
    /// the receipt JSON to store and answer.
    fn submit_dossier<'a>(
        &'a self,
        new: &'a NewDossier,
        receipt: ReceiptFn<'a>,
    ) -> BoxFuture<'a, anyhow::Result<SubmitOutcome>>;

    /// Whether a dossier was already made with this `Idempotency-Key` (a replay answers its receipt).
    fn submission_exists<'a>(
        &'a self,
        submission_id: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// The dossier with this code, with its attachments and timeline.
    fn find_dossier<'a>(
        &'a self,
        code: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<StoredDossier>>>;

    /// How many dossiers there are.
    fn count_dossiers(&self) -> BoxFuture<'_, anyhow::Result<i64>>;

    /// (procedure, state, count) of every dossier, for `/metrics`.
    fn dossiers_by_state(&self) -> BoxFuture<'_, anyhow::Result<Vec<(String, String, i64)>>>;

    /// Whether a business not terminated in the commune already has this name key.
    fn hkd_name_taken<'a>(
        &'a self,
        commune: &'a str,
        name_key: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// The business with this code.
    fn find_hkd<'a>(&'a self, code: &'a str) -> BoxFuture<'a, anyhow::Result<Option<HkdRecord>>>;

    /// Adds a business to the registry (on approval of a registration). Fails on a name taken in the
    /// commune (the partial unique index `hkd_registry_name_key`) or a code that exists.
    fn insert_hkd<'a>(
        &'a self,
        record: &'a HkdRecord,
        dossier_id: Option<i64>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Whether any administrator account exists.
    fn has_administrator(&self) -> BoxFuture<'_, anyhow::Result<bool>>;

    /// Creates a staff account unless its id or login name (ignoring case) is taken; whether it was
    /// created. Several servers may try at once: only one insert wins.
    fn insert_staff<'a>(&'a self, staff: &'a NewStaff) -> BoxFuture<'a, anyhow::Result<bool>>;
}

/// Connects by URL: `sqlite:…` (the file is created when missing) or `postgres:…`.
///
/// # Errors
/// When the URL names another scheme or the database cannot be reached.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        anyhow::bail!(
            "DATABASE_URL must start with sqlite: or postgres: (for example sqlite://data/motcua.sqlite)"
        )
    }
}

/// A completed upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    /// SHA-256 (lower-case hex) of the bytes the phone sent.
    pub sha256: String,
    /// MIME type found by content.
    pub media_type: String,
    /// Bytes stored.
    pub size: i64,
    /// Bytes received.
    pub received_size: i64,
    /// Key in the object store.
    pub storage_key: String,
}

/// A dossier to create, everything already checked.
#[derive(Debug, Clone)]
pub struct NewDossier {
    /// The phone's submission id (Idempotency-Key).
    pub submission_id: String,
    /// SHA-256 of the request body.
    pub request_hash: String,
    /// `domain::Procedure` in its API spelling.
    pub procedure: String,
    /// The form version.
    pub form_version: String,
    /// Agency code of the jurisdiction (commune code or `SCT`).
    pub jurisdiction: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's phone, normalised.
    pub applicant_phone: String,
    /// The validated form as JSON.
    pub form_json: String,
    /// The form as the phone sent it (its draft's keys, which requests for amendments name).
    pub draft_json: String,
    /// `online` or `assisted`.
    pub channel: &'static str,
    /// The officer who filed it for the citizen at the counter (channel `assisted`).
    pub assisted_by: Option<uuid::Uuid>,
    /// The citizen account that filed it (online).
    pub filer_account_id: Option<uuid::Uuid>,
    /// The identity number the national e-identity vouched for, when the filer signed in with it.
    pub filer_identity: Option<String>,
    /// Who filed it as the form says (`domain::forms::filer::FilerRole::as_str`).
    pub filer_role: &'static str,
    /// The business owner's identity number (the registration's owner; the registry's owner of a change
    /// or termination).
    pub owner_identity: Option<String>,
    /// The owner's identity number was vouched for by the national e-identity: a VNeID session whose
    /// identity number is [`NewDossier::owner_identity`] filed it.
    pub owner_verified: bool,
    /// The payloads of the `owner_notice` jobs to queue with the dossier
    /// (`crate::notify::OwnerNotice`, JSON): someone other than the owner filed for their business.
    pub owner_notices: Vec<String>,
    /// Refuse the dossier ([`SubmitOutcome::TooMany`]) when the filer's account already filed this many
    /// dossiers since this time to phone numbers other than this one (checked in the submission's
    /// transaction, the account's row locked, so parallel requests count each other).
    pub other_phone_limit: Option<OtherPhoneLimit>,
    /// Refuse the dossier ([`SubmitOutcome::AccountLimit`]) when the filer's account already filed
    /// this many dossiers in one of these windows (checked like `other_phone_limit`, in the
    /// submission's transaction with the account's row locked: parallel requests count each other).
    pub filing_limits: Vec<FilingLimit>,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// The day it counts from for the code (Vietnam date).
    pub code_day: NaiveDate,
    /// When it is due.
    pub due_date: Option<NaiveDate>,
    /// The fee paid online.
    pub fee_vnd: i64,
    /// The files.
    pub attachments: Vec<NewAttachment>,
}

/// At most `max` dossiers since `since` from one account to phone numbers other than `own_phone`.
#[derive(Debug, Clone)]
pub struct OtherPhoneLimit {
    /// The account's proved phone (none: every phone is another).
    pub own_phone: Option<String>,
    /// Since when.
    pub since: DateTime<Utc>,
    /// How many.
    pub max: i64,
}

/// At most `max` new dossiers from one account in `window_secs` seconds before the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilingLimit {
    /// The window, in seconds (3600: an hour; 86400: a day).
    pub window_secs: i64,
    /// How many.
    pub max: i64,
}

/// A file of a new dossier.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The upload's hash.
    pub sha256: String,
    /// Which document (domain `DocumentKind`, API spelling).
    pub kind: String,
    /// MIME type as found by content.
    pub media_type: String,
    /// Stored size.
    pub size: i64,
    /// The name the phone gave.
    pub original_name: String,
    /// Where it is in the object store.
    pub storage_key: String,
}

/// What a submission came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// A new dossier; the receipt JSON as stored.
    Created(String),
    /// The same submission again: the receipt JSON first answered.
    Replayed(String),
    /// The key was used before with another body.
    KeyReused,
    /// Over [`NewDossier::other_phone_limit`].
    TooMany,
    /// Over one of [`NewDossier::filing_limits`]: that one, and when a dossier of the window leaves
    /// it (seconds from now).
    AccountLimit {
        /// The limit reached.
        limit: FilingLimit,
        /// Seconds until the account may file again.
        retry_after_secs: u64,
    },
}

/// A dossier as the look-up shows it.
#[derive(Debug, Clone)]
pub struct StoredDossier {
    /// Row id.
    pub id: i64,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's phone, normalised.
    pub applicant_phone: String,
    /// `online` or `assisted`.
    pub channel: String,
    /// (kind, original name) of each attached file.
    pub attachments: Vec<(String, String)>,
    /// Current state (API spelling).
    pub state: String,
    /// The receipt JSON.
    pub receipt_json: String,
    /// (to_state, at, note), oldest first.
    pub timeline: Vec<(String, DateTime<Utc>, Option<String>)>,
    /// The citizen account that filed it (hyphenated UUID).
    pub filer_account_id: Option<String>,
    /// The filer's verified identity number.
    pub filer_identity: Option<String>,
    /// The business owner's identity number.
    pub owner_identity: Option<String>,
}

/// A household business in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HkdRecord {
    /// Mã số hộ kinh doanh.
    pub code: String,
    /// Commune code of the seat.
    pub commune: String,
    /// The Vietnamese name as registered.
    pub name: String,
    /// The uniqueness key of the name (NĐ 168/2025 art. 86.6).
    pub name_key: String,
    /// `active`, `suspended`, `terminating`, `terminated`, …
    pub status: String,
    /// The registered data (GCN content) as JSON.
    pub data_json: String,
    /// The owner's phone number on record (who may file as the owner with a phone sign-in).
    pub owner_phone: Option<String>,
}

/// A staff account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Its id.
    pub id: uuid::Uuid,
    /// The login name.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// `administrator`, `commune_officer`, `trade_officer` or `supervisor`.
    pub role: String,
    /// The position (`domain::accounts::Title::as_str`).
    pub title: String,
    /// Whether the first login must set a new password.
    pub must_change_password: bool,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}
