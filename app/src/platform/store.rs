//! The phone's own store: IndexedDB (through the `rexie` crate), holding drafts, the applicant's "tell
//! us once" details, attachments (see [`super::files`]), the outbox (see [`super::outbox`]) and the last
//! known status of each dossier, so that all of it survives reload, tab kill, browser restart and days
//! offline.
//!
//! The store belongs to a person: one database per person — [`DB_NAME`] (`motcua`) for whoever uses the
//! device without signing in, `motcua-p-<store key>` for a signed-in citizen or officer (a random key
//! the server issued to the account: the name shows nothing of the person). [`super::owner`] chooses
//! which one every access below goes to, from the session (and, before the server has answered, the
//! last known person).
//!
//! Schema (out-of-line keys everywhere; records are plain JSON objects, attachments hold a `Blob`):
//!
//! | store | key | value |
//! |---|---|---|
//! | `drafts` | draft id | [`SavedDraft`] |
//! | `files` | `"{draft id}/{sha256}"` | `{meta: FileMeta, blob: Blob}` |
//! | `profile` | `"me"` | the applicant's details (free JSON) |
//! | `outbox` | draft id | [`super::outbox::OutboxEntry`] |
//! | `statuses` | dossier code | [`StatusRecord`] |
//! | `counter` | draft id | [`CounterReceipt`]: a dossier an officer filed for a citizen, once sent |
//!
//! Versions: [`DB_VERSION`] 1 is the first; 2 adds `counter`. The schema is declared, not scripted: opening with a higher
//! version creates the stores and indexes that are missing and deletes stores no longer declared, so a
//! new version adds its store to [`open`]'s list and bumps [`DB_VERSION`]; a change of record shape is
//! handled by serde defaults on the Rust side (new fields `#[serde(default)]`), never by rewriting
//! records. When another tab opens a newer version, this tab's connection closes and the next call here
//! opens it again.

use domain::{Lang, Procedure, api::DossierStatus, forms::Draft};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::PlatformError;

/// The database of the device's anonymous user (nobody signed in).
pub const DB_NAME: &str = "motcua";
/// The schema version (see the module's documentation for the history).
pub const DB_VERSION: u32 = 2;

/// Object store of drafts.
pub const DRAFTS: &str = "drafts";
/// Object store of attachments.
pub const FILES: &str = "files";
/// Object store of the applicant's details.
pub const PROFILE: &str = "profile";
/// Object store of the outbox.
pub const OUTBOX: &str = "outbox";
/// Object store of fetched dossier statuses.
pub const STATUSES: &str = "statuses";
/// Object store of the receipts of dossiers filed at the counter for a citizen (no personal data).
pub const COUNTER: &str = "counter";
/// Every object store, in schema order.
pub const STORES: [&str; 6] = [DRAFTS, FILES, PROFILE, OUTBOX, STATUSES, COUNTER];
/// The one key of the `profile` store.
pub const PROFILE_KEY: &str = "me";

/// A draft as kept on the phone, with where it stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedDraft {
    /// The draft (id, procedure, form version, data, `updated_at`).
    pub draft: Draft,
    /// Being edited, waiting in the outbox, or submitted.
    #[serde(default)]
    pub status: DraftStatus,
    /// The request for amendments this draft answers: it is a copy of a submitted dossier being
    /// corrected, resubmitted to that dossier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amends: Option<Box<Amendment>>,
}

/// The dossier a corrected copy goes back to, and what the office asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// The dossier code.
    pub code: String,
    /// The applicant's phone on it (the resubmission's second factor).
    pub phone: String,
    /// The office's request, kept for offline reading.
    pub request: domain::api::SupplementRequest,
}

/// Where a draft stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DraftStatus {
    /// Being filled in ("Bản nháp").
    #[default]
    Editing,
    /// Submitted by the user, waiting in the outbox to be sent ("Đang chờ gửi").
    Queued,
    /// Accepted by the server ("Đã nộp"), with the dossier code.
    Submitted {
        /// The dossier code of the receipt.
        code: String,
    },
}

impl SavedDraft {
    /// A new draft being edited.
    #[must_use]
    pub fn new(draft: Draft) -> Self {
        Self {
            draft,
            status: DraftStatus::Editing,
            amends: None,
        }
    }

    /// The id (also the outbox key).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.draft.id.0
    }

    /// What the draft is about as typed so far: the household business's or the promotion programme's
    /// name, else the owner's or trader's name; `None` while none of them is filled.
    #[must_use]
    pub fn subject(&self) -> Option<String> {
        let data = &self.draft.data;
        let text = |pointer: &str| {
            data.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let candidates: &[&str] = match self.draft.procedure {
            Procedure::HkdRegistration => &["/name/vietnamese", "/owner/full_name"],
            Procedure::HkdChange | Procedure::HkdTermination => &["/hkd_name", "/hkd_code"],
            Procedure::PromotionNotice => &["/programme_name", "/trader/name"],
        };
        candidates.iter().find_map(|p| text(p))
    }

    /// A title for a list of drafts: the subject, else the procedure's name.
    #[must_use]
    pub fn title(&self, lang: Lang) -> String {
        self.subject()
            .unwrap_or_else(|| self.draft.procedure.name(lang).to_owned())
    }
}

/// Whether a save of `next` may replace the stored `stored`: not when the stored draft was submitted
/// (queued or sent) and `next` is an editing copy — a late autosave of the page that pressed "Nộp hồ sơ"
/// must not take a queued draft back to "Bản nháp".
#[must_use]
pub fn may_overwrite(stored: &SavedDraft, next: &SavedDraft) -> bool {
    stored.status == DraftStatus::Editing || next.status != DraftStatus::Editing
}

/// Sorts drafts newest edit first (`updated_at` is RFC 3339 UTC, so text order is time order), ties by id.
pub fn sort_newest_first(drafts: &mut [SavedDraft]) {
    drafts.sort_by(|a, b| {
        b.draft
            .updated_at
            .cmp(&a.draft.updated_at)
            .then_with(|| a.draft.id.cmp(&b.draft.id))
    });
}

/// The last known status of a dossier, as fetched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusRecord {
    /// What the server said.
    pub status: DossierStatus,
    /// When it said it (RFC 3339, the phone's clock).
    pub fetched_at: String,
}

/// What the tablet keeps of a dossier an officer filed for a citizen once it is sent: enough to say it
/// went (its code and when), nothing about the citizen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterReceipt {
    /// The draft it came from (the record's key).
    pub draft_id: String,
    /// The procedure.
    pub procedure: Procedure,
    /// The dossier code.
    pub code: String,
    /// When the server received it (RFC 3339, the server's).
    pub received_at: String,
}

/// The key of an attachment in the `files` store.
pub fn file_key(draft_id: &str, sha256: &str) -> String {
    format!("{draft_id}/{sha256}")
}

/// The key range `[lower, upper]` holding every attachment of a draft.
pub fn file_range(draft_id: &str) -> (String, String) {
    (format!("{draft_id}/"), format!("{draft_id}/\u{ffff}"))
}

/// A fresh UUID v4 in text form (for draft ids), from the browser's `crypto.getRandomValues`.
#[must_use]
pub fn new_id() -> String {
    uuid_v4(random_16())
}

/// Formats 16 random bytes as a UUID v4 (version and variant bits set).
#[must_use]
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(feature = "hydrate")]
fn random_16() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No Web Crypto: Math.random is still unique enough for a draft id, which is not a secret.
        for b in &mut bytes {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a value in [0, 256)"
            )]
            let v = (js_sys::Math::random() * 256.0) as u8;
            *b = v;
        }
    }
    bytes
}

#[cfg(not(feature = "hydrate"))]
fn random_16() -> [u8; 16] {
    use std::hash::{BuildHasher as _, RandomState};
    // Native builds (tests, the server's render) never make draft ids for real; std's per-process random
    // hasher keys are enough here without a dependency.
    let state = RandomState::new();
    let a = state.hash_one(super::now_ms().to_bits());
    let b = state.hash_one(a);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..].copy_from_slice(&b.to_le_bytes());
    bytes
}

#[cfg(feature = "hydrate")]
pub(crate) use idb::*;

#[cfg(feature = "hydrate")]
mod idb {
    use std::{cell::RefCell, rc::Rc};

    use rexie::{KeyRange, ObjectStore, Rexie, Transaction, TransactionMode};
    use wasm_bindgen::JsValue;

    use super::{
        COUNTER, CounterReceipt, DB_VERSION, DRAFTS, FILES, OUTBOX, PROFILE, PROFILE_KEY,
        PlatformError, STATUSES, SavedDraft, StatusRecord, file_range, may_overwrite,
        sort_newest_first,
    };
    use crate::platform::js;
    use domain::api::DossierStatus;

    thread_local! {
        static DB: RefCell<Option<Rc<Rexie>>> = const { RefCell::new(None) };
    }

    /// A rexie/idb error as a platform error (quota errors recognised by the browser's error name).
    pub(crate) fn idb_error(e: &rexie::Error) -> PlatformError {
        let text = e.to_string();
        if text.contains("QuotaExceeded") {
            PlatformError::Quota
        } else {
            PlatformError::Storage(text)
        }
    }

    thread_local! {
        /// The name of the database of the person the store belongs to now (`None`: not chosen yet —
        /// the first access takes the last known person's, see [`crate::platform::owner`]).
        static CURRENT: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// The database every store access goes to now.
    pub(crate) fn current_name() -> String {
        if let Some(name) = CURRENT.with_borrow(Clone::clone) {
            return name;
        }
        let name = crate::platform::owner::last_known().db;
        CURRENT.set(Some(name.clone()));
        name
    }

    /// Points every later store access at database `name` (closing the connection to the previous one).
    pub(crate) fn select(name: &str) {
        if CURRENT.with_borrow(|c| c.as_deref() == Some(name)) {
            return;
        }
        CURRENT.set(Some(name.to_owned()));
        close_current();
    }

    /// Closes this tab's connection (the next access opens the current database again).
    pub(crate) fn close_current() {
        if let Some(db) = DB.take()
            && let Ok(db) = Rc::try_unwrap(db)
        {
            db.close();
        }
    }

    /// Opens (creating or upgrading) the database `name` with the declared schema.
    pub(crate) async fn open_named(name: &str) -> Result<Rexie, PlatformError> {
        let has_idb = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
            .is_ok_and(|v| v.is_object());
        if !has_idb {
            // No IndexedDB at all (private windows of old browsers).
            return Err(PlatformError::Unavailable);
        }
        Rexie::builder(name)
            .version(DB_VERSION)
            .add_object_store(ObjectStore::new(DRAFTS))
            .add_object_store(ObjectStore::new(FILES))
            .add_object_store(ObjectStore::new(PROFILE))
            .add_object_store(ObjectStore::new(OUTBOX))
            .add_object_store(ObjectStore::new(STATUSES))
            .add_object_store(ObjectStore::new(COUNTER))
            .build()
            .await
            .map_err(|e| idb_error(&e))
    }

    async fn open() -> Result<Rc<Rexie>, PlatformError> {
        let name = current_name();
        if let Some(db) = DB.with_borrow(Clone::clone)
            && db.name() == name
        {
            return Ok(db);
        }
        let db = Rc::new(open_named(&name).await?);
        // The owner may have changed while it opened: keep the connection only if it is still current.
        if current_name() == name {
            close_current();
            DB.set(Some(Rc::clone(&db)));
        }
        Ok(db)
    }

    /// A transaction over `stores`; reopens the database once if its connection was closed (another tab
    /// upgraded it, or the browser closed it).
    pub(crate) async fn transaction(
        stores: &[&str],
        mode: TransactionMode,
    ) -> Result<Transaction, PlatformError> {
        crate::platform::owner::settled().await;
        let db = open().await?;
        match db.transaction(stores, mode) {
            Ok(tx) => Ok(tx),
            Err(_) => {
                DB.set(None);
                open()
                    .await?
                    .transaction(stores, mode)
                    .map_err(|e| idb_error(&e))
            }
        }
    }

    /// Waits for a read-write transaction to commit.
    pub(crate) async fn commit(tx: Transaction) -> Result<(), PlatformError> {
        let result = tx.done().await.map_err(|e| idb_error(&e))?;
        if result.is_committed() {
            Ok(())
        } else {
            Err(PlatformError::Storage(
                "the transaction was aborted".to_owned(),
            ))
        }
    }

    /// One record of a store, as a Rust value.
    pub(crate) async fn get_record<T: serde::de::DeserializeOwned>(
        store: &str,
        key: &str,
    ) -> Result<Option<T>, PlatformError> {
        let tx = transaction(&[store], TransactionMode::ReadOnly).await?;
        let value = tx
            .store(store)
            .map_err(|e| idb_error(&e))?
            .get(JsValue::from_str(key))
            .await
            .map_err(|e| idb_error(&e))?;
        match value {
            Some(v) if !v.is_undefined() => js::to_rust(&v).map(Some),
            _ => Ok(None),
        }
    }

    /// Writes one record.
    pub(crate) async fn put_record<T: serde::Serialize>(
        store: &str,
        key: &str,
        value: &T,
    ) -> Result<(), PlatformError> {
        let value = js::from_json(value)?;
        let tx = transaction(&[store], TransactionMode::ReadWrite).await?;
        tx.store(store)
            .map_err(|e| idb_error(&e))?
            .put(&value, Some(&JsValue::from_str(key)))
            .await
            .map_err(|e| idb_error(&e))?;
        commit(tx).await
    }

    /// Every record of a store, as Rust values; records of another shape are skipped.
    pub(crate) async fn all_records<T: serde::de::DeserializeOwned>(
        store: &str,
    ) -> Result<Vec<T>, PlatformError> {
        let tx = transaction(&[store], TransactionMode::ReadOnly).await?;
        let values = tx
            .store(store)
            .map_err(|e| idb_error(&e))?
            .get_all(None, None)
            .await
            .map_err(|e| idb_error(&e))?;
        Ok(values.iter().filter_map(|v| js::to_rust(v).ok()).collect())
    }

    /// Reads a record, lets `change` edit it, and writes it back, in one read-write transaction; nothing
    /// is written when the record is missing or `change` returns `None`. Returns the record written.
    pub(crate) async fn update_record<T, F>(
        store: &str,
        key: &str,
        change: F,
    ) -> Result<Option<T>, PlatformError>
    where
        T: serde::Serialize + serde::de::DeserializeOwned,
        F: FnOnce(T) -> Option<T>,
    {
        let tx = transaction(&[store], TransactionMode::ReadWrite).await?;
        let s = tx.store(store).map_err(|e| idb_error(&e))?;
        let key = JsValue::from_str(key);
        let current = s.get(key.clone()).await.map_err(|e| idb_error(&e))?;
        let Some(current) = current.filter(|v| !v.is_undefined()) else {
            commit(tx).await?;
            return Ok(None);
        };
        let Some(next) = change(js::to_rust(&current)?) else {
            commit(tx).await?;
            return Ok(None);
        };
        s.put(&js::from_json(&next)?, Some(&key))
            .await
            .map_err(|e| idb_error(&e))?;
        commit(tx).await?;
        Ok(Some(next))
    }

    pub(crate) async fn put_draft(d: &SavedDraft) -> Result<(), PlatformError> {
        let value = js::from_json(d)?;
        let tx = transaction(&[DRAFTS], TransactionMode::ReadWrite).await?;
        let store = tx.store(DRAFTS).map_err(|e| idb_error(&e))?;
        let key = JsValue::from_str(d.id());
        let stored = store
            .get(key.clone())
            .await
            .map_err(|e| idb_error(&e))?
            .filter(|v| !v.is_undefined())
            .and_then(|v| js::to_rust::<SavedDraft>(&v).ok());
        let started = stored.is_none();
        // A late autosave never takes a submitted draft back to "Bản nháp".
        if stored.is_none_or(|s| may_overwrite(&s, d)) {
            store
                .put(&value, Some(&key))
                .await
                .map_err(|e| idb_error(&e))?;
        }
        commit(tx).await?;
        // Started without signing in, in this visit: it follows whoever signs in here next.
        if started && current_name() == super::DB_NAME {
            crate::platform::owner::started_anonymously(d.id());
        }
        Ok(())
    }

    pub(crate) async fn get_draft(id: &str) -> Result<Option<SavedDraft>, PlatformError> {
        get_record(DRAFTS, id).await
    }

    pub(crate) async fn list_drafts() -> Result<Vec<SavedDraft>, PlatformError> {
        let mut drafts: Vec<SavedDraft> = all_records(DRAFTS).await?;
        sort_newest_first(&mut drafts);
        Ok(drafts)
    }

    pub(crate) async fn delete_draft(id: &str) -> Result<(), PlatformError> {
        let tx = transaction(&[DRAFTS, FILES], TransactionMode::ReadWrite).await?;
        tx.store(DRAFTS)
            .map_err(|e| idb_error(&e))?
            .delete(JsValue::from_str(id))
            .await
            .map_err(|e| idb_error(&e))?;
        let (lower, upper) = file_range(id);
        let range = KeyRange::bound(
            &JsValue::from_str(&lower),
            &JsValue::from_str(&upper),
            None,
            None,
        )
        .map_err(|e| PlatformError::Storage(e.to_string()))?;
        tx.store(FILES)
            .map_err(|e| idb_error(&e))?
            .delete(range.into())
            .await
            .map_err(|e| idb_error(&e))?;
        commit(tx).await
    }

    pub(crate) async fn get_profile() -> Result<Option<serde_json::Value>, PlatformError> {
        get_record(PROFILE, PROFILE_KEY).await
    }

    pub(crate) async fn put_profile(v: &serde_json::Value) -> Result<(), PlatformError> {
        put_record(PROFILE, PROFILE_KEY, v).await
    }

    pub(crate) async fn put_status(code: &str, s: &DossierStatus) -> Result<(), PlatformError> {
        let record = StatusRecord {
            status: s.clone(),
            fetched_at: crate::platform::now_rfc3339(),
        };
        put_record(STATUSES, code, &record).await
    }

    pub(crate) async fn get_status(
        code: &str,
    ) -> Result<Option<(DossierStatus, String)>, PlatformError> {
        Ok(get_record::<StatusRecord>(STATUSES, code)
            .await?
            .map(|r| (r.status, r.fetched_at)))
    }

    pub(crate) async fn list_counter() -> Result<Vec<CounterReceipt>, PlatformError> {
        let mut all: Vec<CounterReceipt> = all_records(COUNTER).await?;
        all.sort_by(|a, b| b.received_at.cmp(&a.received_at));
        Ok(all)
    }

    pub(crate) async fn get_counter(
        draft_id: &str,
    ) -> Result<Option<CounterReceipt>, PlatformError> {
        get_record(COUNTER, draft_id).await
    }

    pub(crate) async fn request_persistence() -> bool {
        let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
            return false;
        };
        let Ok(promise) = storage.persist() else {
            return false;
        };
        js::wait(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }
}

/// Saves a draft (insert or replace). Call it on every autosave.
///
/// # Errors
/// [`PlatformError::Quota`] when the phone is full, [`PlatformError::Storage`] otherwise; never silent.
pub async fn put_draft(d: &SavedDraft) -> Result<(), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::put_draft(d).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = d;
        Err(PlatformError::Unavailable)
    }
}

/// One draft by id.
///
/// # Errors
/// When IndexedDB fails or the record cannot be read.
pub async fn get_draft(id: &str) -> Result<Option<SavedDraft>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::get_draft(id).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Err(PlatformError::Unavailable)
    }
}

/// Every draft, the most recently edited first.
///
/// # Errors
/// When IndexedDB fails.
pub async fn list_drafts() -> Result<Vec<SavedDraft>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::list_drafts().await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(PlatformError::Unavailable)
    }
}

/// Deletes a draft and its attachments. Its outbox entry (if any) is left alone: do not offer delete
/// for a draft whose status is [`DraftStatus::Queued`] — the outbox still needs its files.
///
/// # Errors
/// When IndexedDB fails.
pub async fn delete_draft(id: &str) -> Result<(), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::delete_draft(id).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        Err(PlatformError::Unavailable)
    }
}

/// The applicant's own details, entered once ("tell us once"), or `None`.
///
/// # Errors
/// When IndexedDB fails.
pub async fn get_profile() -> Result<Option<Value>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::get_profile().await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(PlatformError::Unavailable)
    }
}

/// Remembers the applicant's own details.
///
/// # Errors
/// When IndexedDB fails.
pub async fn put_profile(v: &Value) -> Result<(), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::put_profile(v).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = v;
        Err(PlatformError::Unavailable)
    }
}

/// Keeps the last fetched status of a dossier, for "my dossiers" offline (stamped with the phone's time).
///
/// # Errors
/// When IndexedDB fails.
pub async fn put_status(code: &str, s: &DossierStatus) -> Result<(), PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::put_status(code, s).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (code, s);
        Err(PlatformError::Unavailable)
    }
}

/// The last fetched status of a dossier and when it was fetched (RFC 3339), or `None`.
///
/// # Errors
/// When IndexedDB fails.
pub async fn get_status(code: &str) -> Result<Option<(DossierStatus, String)>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::get_status(code).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = code;
        Err(PlatformError::Unavailable)
    }
}

/// The dossiers an officer filed at the counter from this device and that were sent, newest first.
///
/// # Errors
/// When IndexedDB fails.
pub async fn list_counter() -> Result<Vec<CounterReceipt>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::list_counter().await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Err(PlatformError::Unavailable)
    }
}

/// The counter receipt of a draft, once its dossier was sent and the draft removed.
///
/// # Errors
/// When IndexedDB fails.
pub async fn get_counter(draft_id: &str) -> Result<Option<CounterReceipt>, PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        idb::get_counter(draft_id).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = draft_id;
        Err(PlatformError::Unavailable)
    }
}

/// Asks the browser not to evict the app's storage under pressure (`navigator.storage.persist()`);
/// `true` when granted. Chrome grants it silently to installed or often-used sites.
pub async fn request_persistence() -> bool {
    #[cfg(feature = "hydrate")]
    {
        idb::request_persistence().await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::forms::DraftId;
    use serde_json::json;

    fn draft(id: &str, procedure: Procedure, updated_at: &str, data: Value) -> SavedDraft {
        let mut d = Draft::new(DraftId(id.to_owned()), procedure);
        d.updated_at = updated_at.to_owned();
        d.data = data;
        SavedDraft::new(d)
    }

    #[test]
    fn records_round_trip_through_json() {
        let mut d = draft(
            "6f1c1f52-3c1e-4f0e-9a37-0d6f7a1d2b11",
            Procedure::HkdRegistration,
            "2026-11-23T02:30:00.000Z",
            json!({"name": {"vietnamese": "Hộ kinh doanh Bánh Xèo Bà Ba"}}),
        );
        for status in [
            DraftStatus::Editing,
            DraftStatus::Queued,
            DraftStatus::Submitted {
                code: "HKD-51-2026-000123".to_owned(),
            },
        ] {
            d.status = status;
            let text = serde_json::to_string(&d).expect("serialises");
            let back: SavedDraft = serde_json::from_str(&text).expect("parses");
            assert_eq!(back, d);
        }
        assert_eq!(
            serde_json::to_value(DraftStatus::Submitted { code: "X".into() }).expect("ser"),
            json!({"state": "submitted", "code": "X"})
        );
    }

    #[test]
    fn a_record_without_status_reads_as_editing() {
        let text =
            r#"{"draft":{"id":"a","procedure":"hkd_termination","form_version":"tt68_mau4"}}"#;
        let d: SavedDraft = serde_json::from_str(text).expect("parses");
        assert_eq!(d.status, DraftStatus::Editing);
        assert_eq!(d.id(), "a");
    }

    #[test]
    fn drafts_sort_newest_first() {
        let mut list = vec![
            draft(
                "a",
                Procedure::HkdChange,
                "2026-11-20T01:00:00.000Z",
                json!({}),
            ),
            draft(
                "b",
                Procedure::HkdChange,
                "2026-11-23T01:00:00.000Z",
                json!({}),
            ),
            draft(
                "c",
                Procedure::HkdChange,
                "2026-11-21T01:00:00.000Z",
                json!({}),
            ),
        ];
        sort_newest_first(&mut list);
        let ids: Vec<&str> = list.iter().map(SavedDraft::id).collect();
        assert_eq!(ids, ["b", "c", "a"]);
    }

    #[test]
    fn titles_come_from_what_was_typed() {
        let reg = draft(
            "a",
            Procedure::HkdRegistration,
            "",
            json!({"name": {"vietnamese": "  "}, "owner": {"full_name": "Nguyễn Thị Ba"}}),
        );
        assert_eq!(reg.title(Lang::Vi), "Nguyễn Thị Ba");
        let promo = draft(
            "b",
            Procedure::PromotionNotice,
            "",
            json!({"programme_name": "Tri ân khách hàng"}),
        );
        assert_eq!(promo.subject().as_deref(), Some("Tri ân khách hàng"));
        let empty = draft("c", Procedure::HkdTermination, "", json!({}));
        assert_eq!(
            empty.title(Lang::En),
            Procedure::HkdTermination.name(Lang::En)
        );
    }

    #[test]
    fn ids_are_uuid_v4() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = new_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(new_id(), new_id());
    }

    #[test]
    fn a_late_autosave_does_not_take_a_submitted_draft_back() {
        let editing = draft("a", Procedure::HkdChange, "", json!({}));
        let mut queued = editing.clone();
        queued.status = DraftStatus::Queued;
        let mut sent = editing.clone();
        sent.status = DraftStatus::Submitted { code: "X".into() };
        assert!(may_overwrite(&editing, &editing));
        assert!(may_overwrite(&editing, &queued));
        assert!(!may_overwrite(&queued, &editing));
        assert!(!may_overwrite(&sent, &editing));
        assert!(may_overwrite(&queued, &sent));
    }

    #[test]
    fn file_keys_of_a_draft_fall_in_its_range() {
        let (lo, hi) = file_range("d1");
        let key = file_key("d1", &"a".repeat(64));
        assert!(lo <= key && key <= hi);
        assert!(file_key("d10", "0") > hi || file_key("d10", "0") < lo);
    }
}
