//! Whose store the app reads and writes: the phone's stores belong to a person.
//!
//! Every signed-in citizen or officer has their own IndexedDB database, `motcua-p-<store key>`: the
//! store key is 64 random hex digits the server issued to the account (`SessionInfo::store_key`), so the
//! database names any script of the origin can list say nothing about who used the device — a hash of a
//! 10-digit phone number would, to anyone who hashes every number. Whoever uses the device without
//! signing in has `motcua` ([`super::store::DB_NAME`]).
//!
//! Which one is current:
//! - Before the server has answered `GET /api/v1/session` (at start, or with no signal at all), the last
//!   known owner, kept in `localStorage` under [`LAST_OWNER_KEY`] as `{db, kind}` — the database's name
//!   carries the store key, nothing personal — so a phone opens its person's drafts offline (a citizen
//!   session lasts weeks).
//! - Once the server says who is signed in ([`adopt`]): that person's database. Coming from the
//!   anonymous database, the drafts started anonymously *in this visit* (this tab: their ids are noted
//!   in `sessionStorage` under [`VISIT_DRAFTS_KEY`] when they are created) move into it, with their
//!   files, outbox entries and statuses; older anonymous drafts — on a shared counter tablet, perhaps
//!   someone else's — stay where they are and [`adopt`] answers them, for the page to ask the person
//!   whether to move them ([`move_left`]) or leave them.
//! - A database named the old way, from the SHA-256 of `citizen:<identity number>`,
//!   `citizen:<phone>` or `staff:<login name>` ([`legacy_dbs`]), is moved into the person's
//!   database once, the first time they are signed in, and deleted.
//! - The server says nobody: a citizen's database stays current (it is their phone: a session that
//!   ended while they were away leaves their outbox waiting, "Đăng nhập lại để gửi"), an officer's does
//!   not (a counter tablet goes back to the anonymous database; the officer's own items wait for their
//!   next sign-in).
//! - Signing out sends what is pending first, then ends the session and deletes the person's database
//!   ([`forget`]); see `pages::account::SignOutButton`.

use std::collections::BTreeSet;

use domain::api::{Principal, SessionInfo};
use serde::{Deserialize, Serialize};

use super::store::{DB_NAME, DRAFTS, DraftStatus, FILES, OUTBOX, STATUSES, SavedDraft};

/// The `localStorage` key of the last known owner (its value holds no personal data).
pub const LAST_OWNER_KEY: &str = "motcua-store-owner";
/// The `sessionStorage` key of the ids of the drafts started in the anonymous store in this visit.
pub const VISIT_DRAFTS_KEY: &str = "motcua-visit-drafts";
/// The prefix of a signed-in person's database.
pub const PERSON_DB_PREFIX: &str = "motcua-p-";

/// What kind of person a store belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    /// Nobody signed in.
    #[default]
    Anonymous,
    /// A citizen.
    Citizen,
    /// A staff member.
    Staff,
}

/// The owner of the current store: its database and kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// The database's name.
    pub db: String,
    /// Whose it is.
    pub kind: OwnerKind,
}

impl Owner {
    /// The device's anonymous user.
    #[must_use]
    pub fn anonymous() -> Self {
        Self {
            db: DB_NAME.to_owned(),
            kind: OwnerKind::Anonymous,
        }
    }

    /// The owner of the store of whoever the session says is signed in: `motcua-p-<store key>`.
    /// `None` for nobody, or for a session whose store key is missing or not 32–128 lowercase hex
    /// digits (a database name is never made of anything else).
    #[must_use]
    pub fn of(info: &SessionInfo) -> Option<Self> {
        let kind = match info.principal {
            Principal::Anonymous => return None,
            Principal::Citizen { .. } => OwnerKind::Citizen,
            Principal::Staff { .. } => OwnerKind::Staff,
        };
        let key = info.store_key.as_deref().filter(|k| valid_store_key(k))?;
        Some(Self {
            db: format!("{PERSON_DB_PREFIX}{key}"),
            kind,
        })
    }
}

/// Whether a store key from the server is fit to name a database: 32 to 128 lowercase hex digits.
#[must_use]
pub fn valid_store_key(key: &str) -> bool {
    (32..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The names this device gave a person's database before the server issued store keys: the prefix and
/// the hex SHA-256 of `citizen:<identity number>`, of `citizen:<phone>` (a citizen could have both,
/// one per way of signing in) or of `staff:<login name>`. Each is moved into the person's database once.
#[must_use]
pub fn legacy_dbs(principal: &Principal) -> Vec<String> {
    match principal {
        Principal::Anonymous => Vec::new(),
        Principal::Citizen { phone, identity } => identity
            .iter()
            .map(|i| format!("citizen:{}", i.identity_number))
            .chain(phone.iter().map(|p| format!("citizen:{p}")))
            .map(|key| legacy_db(&key))
            .collect(),
        Principal::Staff { username, .. } => vec![legacy_db(&format!("staff:{username}"))],
    }
}

/// The old database name of a principal key: the prefix and the key's SHA-256 in hex.
fn legacy_db(principal_key: &str) -> String {
    use sha2::{Digest as _, Sha256};
    use std::fmt::Write as _;
    let digest = Sha256::digest(principal_key.as_bytes());
    digest
        .iter()
        .fold(PERSON_DB_PREFIX.to_owned(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// What to do when the server says who is signed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The current store is right.
    Keep,
    /// Switch to another store; `adopt_anonymous`: first move the anonymous drafts of this visit into
    /// it (and answer the older ones).
    Switch {
        /// The new owner.
        to: Owner,
        /// Move the drafts made before signing in.
        adopt_anonymous: bool,
    },
}

/// Decides [`Change`] from the current owner and whoever the server says is signed in.
#[must_use]
pub fn decide(current: &Owner, info: &SessionInfo) -> Change {
    match Owner::of(info) {
        Some(to) if to == *current => Change::Keep,
        Some(to) => Change::Switch {
            adopt_anonymous: current.kind == OwnerKind::Anonymous,
            to,
        },
        None if current.kind == OwnerKind::Staff => Change::Switch {
            to: Owner::anonymous(),
            adopt_anonymous: false,
        },
        None => Change::Keep,
    }
}

/// The drafts, and what goes with them, that move from one store to another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Moving {
    /// Draft ids (also the keys of their outbox entries).
    pub drafts: BTreeSet<String>,
    /// The dossier codes of those drafts that were submitted (the keys of their statuses).
    pub codes: BTreeSet<String>,
}

impl Moving {
    /// The drafts among `drafts` whose ids are in `ids`, with their dossier codes.
    #[must_use]
    pub fn of(drafts: &[SavedDraft], ids: &BTreeSet<String>) -> Self {
        let chosen: Vec<&SavedDraft> = drafts.iter().filter(|d| ids.contains(d.id())).collect();
        Self {
            drafts: chosen.iter().map(|d| d.id().to_owned()).collect(),
            codes: chosen
                .iter()
                .filter_map(|d| match &d.status {
                    DraftStatus::Submitted { code } => Some(code.clone()),
                    _ => None,
                })
                .collect(),
        }
    }

    /// Whether the record under `key` in object store `store` goes with these drafts: the draft and its
    /// outbox entry (keyed by draft id), its files (`"{draft id}/{sha256}"`), the status of its dossier.
    /// Nothing else (the profile, counter receipts) ever moves with a draft.
    #[must_use]
    pub fn carries(&self, store: &str, key: &str) -> bool {
        match store {
            DRAFTS | OUTBOX => self.drafts.contains(key),
            FILES => key
                .split_once('/')
                .is_some_and(|(draft, _)| self.drafts.contains(draft)),
            STATUSES => self.codes.contains(key),
            _ => false,
        }
    }

    /// Nothing moves.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.drafts.is_empty()
    }
}

/// The draft ids of a `sessionStorage` value of [`VISIT_DRAFTS_KEY`] (a JSON list; anything else: none).
#[must_use]
pub fn parse_visit(text: Option<&str>) -> BTreeSet<String> {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default()
}

/// The last known owner (the anonymous user when none was kept, or outside a browser).
#[must_use]
pub fn last_known() -> Owner {
    #[cfg(feature = "hydrate")]
    {
        web::read_last().unwrap_or_else(Owner::anonymous)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Owner::anonymous()
    }
}

/// Whether the server said, the last time this tab asked, that someone is signed in (`None`: not
/// asked yet). The outbox sends an entry that waits for a sign-in only when this is `Some(true)`.
#[must_use]
pub fn signed_in() -> Option<bool> {
    #[cfg(feature = "hydrate")]
    {
        web::SIGNED_IN.get()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Waits until the store's owner is settled — the server said who is signed in and [`adopt`] switched
/// to their store, or the server could not be asked ([`session_unknown`]) — at most 3 s; then store
/// accesses go on with the last known person's. Every store transaction waits for it, so a page never
/// writes into the anonymous store a moment before its drafts move into the person's.
pub async fn settled() {
    #[cfg(feature = "hydrate")]
    web::settled().await;
}

/// The server could not say who is signed in (offline, or an error): the last known person's store is
/// the one to use.
pub fn session_unknown() {
    #[cfg(feature = "hydrate")]
    web::SETTLED.set(true);
}

/// Records that the server refused a request for want of a session (401): nobody is signed in now.
pub fn session_lost() {
    #[cfg(feature = "hydrate")]
    web::SIGNED_IN.set(Some(false));
}

/// Notes that draft `id` was just created in the anonymous store, in this visit: it moves into the
/// account of whoever signs in next in this tab without asking (see [`adopt`]).
pub fn started_anonymously(id: &str) {
    #[cfg(feature = "hydrate")]
    web::note_visit(id);
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// Makes the store of whoever the server says is signed in the current one, then lets the pages re-read
/// and the outbox send. Signing in from the anonymous store moves the drafts started in this visit into
/// the person's; a database of theirs named the old way is moved in too, and deleted. Answers the older
/// anonymous drafts left on the device, newest first, for the page to ask about ([`move_left`]); none
/// when nobody signed in just now.
///
/// # Errors
/// When moving the drafts failed (then the anonymous store is left as it was, and the person's store
/// is current anyway; the move is tried again at the next sign-in).
pub async fn adopt(info: &SessionInfo) -> Result<Vec<SavedDraft>, super::PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::adopt(info).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = info;
        Err(super::PlatformError::Unavailable)
    }
}

/// Moves the anonymous drafts `ids` (with their files, outbox entries and statuses) into the signed-in
/// person's store — the person's answer to "move them into my account?"; answers how many moved.
///
/// # Errors
/// [`super::PlatformError::Unavailable`] when nobody's store is current; an IndexedDB failure (then
/// nothing was deleted from the anonymous store).
pub async fn move_left(ids: &[String]) -> Result<usize, super::PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::move_left(ids).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ids;
        Err(super::PlatformError::Unavailable)
    }
}

/// Removes a person's store from the device (after their session ended on the server), and any of
/// theirs named the old way: the device goes back to the anonymous store.
///
/// # Errors
/// When IndexedDB refused to delete the database.
pub async fn forget(info: &SessionInfo) -> Result<(), super::PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::forget(info).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = info;
        Err(super::PlatformError::Unavailable)
    }
}

#[cfg(feature = "hydrate")]
mod web {
    use std::{
        cell::{Cell, RefCell},
        collections::BTreeSet,
    };

    use domain::api::{Principal, SessionInfo};
    use rexie::{Rexie, TransactionMode};
    use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
    use web_sys::BroadcastChannel;

    use super::{
        Change, LAST_OWNER_KEY, Moving, Owner, OwnerKind, VISIT_DRAFTS_KEY, decide, legacy_dbs,
        parse_visit,
    };
    use crate::platform::{
        PlatformError, js,
        store::{
            self, DB_NAME, DRAFTS, FILES, OUTBOX, STATUSES, STORES, SavedDraft, idb_error,
            sort_newest_first,
        },
    };

    /// The channel that tells other tabs the owner changed.
    const CHANNEL_NAME: &str = "motcua-owner";

    thread_local! {
        pub(super) static SIGNED_IN: Cell<Option<bool>> = const { Cell::new(None) };
        pub(super) static SETTLED: Cell<bool> = const { Cell::new(false) };
        static CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
    }

    pub(super) async fn settled() {
        let deadline = crate::platform::now_ms() + 3_000.0;
        while !SETTLED.get() && crate::platform::now_ms() < deadline {
            pause(50).await;
        }
        // No answer in time: the last known person's store, from now on.
        SETTLED.set(true);
    }

    async fn pause(ms: i32) {
        let pause = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(pause).await;
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn visit_storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    pub(super) fn read_last() -> Option<Owner> {
        let text = storage()?.get_item(LAST_OWNER_KEY).ok().flatten()?;
        serde_json::from_str(&text).ok()
    }

    fn remember(owner: &Owner) {
        if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(owner)) {
            let _ = storage.set_item(LAST_OWNER_KEY, &text);
        }
    }

    /// The drafts started in the anonymous store in this visit.
    fn visit() -> BTreeSet<String> {
        let text = visit_storage().and_then(|s| s.get_item(VISIT_DRAFTS_KEY).ok().flatten());
        parse_visit(text.as_deref())
    }

    fn write_visit(ids: &BTreeSet<String>) {
        let Some(storage) = visit_storage() else {
            return;
        };
        if ids.is_empty() {
            let _ = storage.remove_item(VISIT_DRAFTS_KEY);
        } else if let Ok(text) = serde_json::to_string(ids) {
            let _ = storage.set_item(VISIT_DRAFTS_KEY, &text);
        }
    }

    pub(super) fn note_visit(id: &str) {
        let mut ids = visit();
        if ids.insert(id.to_owned()) {
            write_visit(&ids);
        }
    }

    /// Listens (once) for owner changes made in other tabs: switch too, and re-read.
    fn listen() {
        if CHANNEL.with_borrow(Option::is_some) {
            return;
        }
        if let Ok(channel) = BroadcastChannel::new(CHANNEL_NAME) {
            let on_message = Closure::<dyn FnMut()>::new(|| {
                let owner = read_last().unwrap_or_else(Owner::anonymous);
                store::select(&owner.db);
                crate::platform::outbox::owner_changed();
            });
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
            CHANNEL.set(Some(channel));
        }
    }

    fn switch(owner: &Owner) {
        remember(owner);
        store::select(&owner.db);
        SETTLED.set(true);
        CHANNEL.with_borrow(|c| {
            if let Some(c) = c {
                let _ = c.post_message(&JsValue::from_str("owner"));
            }
        });
        crate::platform::outbox::owner_changed();
    }

    pub(super) async fn adopt(info: &SessionInfo) -> Result<Vec<SavedDraft>, PlatformError> {
        listen();
        let person = !matches!(info.principal, Principal::Anonymous);
        SIGNED_IN.set(Some(person));
        let current = read_last().unwrap_or_else(Owner::anonymous);
        // The store in use may have been chosen before the last known owner was written.
        store::select(&current.db);
        let change = decide(&current, info);
        // Databases of this person named the old way: copied into theirs before it is used.
        let legacy = match Owner::of(info) {
            Some(to) => copy_legacy(&info.principal, &to.db).await?,
            None => Vec::new(),
        };
        let left = match change {
            Change::Keep => {
                SETTLED.set(true);
                if person {
                    crate::platform::outbox::owner_changed();
                }
                Vec::new()
            }
            Change::Switch {
                to,
                adopt_anonymous,
            } => {
                let moved = if adopt_anonymous {
                    copy_visit(&to.db).await
                } else {
                    Ok(None)
                };
                switch(&to);
                match moved {
                    Ok(Some((records, left))) => {
                        delete_records(DB_NAME, &records).await?;
                        let mut ids = visit();
                        ids.retain(|id| !records_hold_draft(&records, id));
                        write_visit(&ids);
                        left
                    }
                    Ok(None) => Vec::new(),
                    Err(e) => return Err(e),
                }
            }
        };
        if legacy.iter().any(|(_, r)| !is_empty(r)) {
            crate::platform::outbox::owner_changed();
        }
        for (name, records) in legacy {
            drop_legacy(&name, &records).await?;
        }
        Ok(left)
    }

    /// The records of some object stores of a database: (store, keys, values).
    type Records = Vec<(&'static str, Vec<JsValue>, Vec<JsValue>)>;

    /// The stores whose records move with a draft.
    const MOVED: [&str; 4] = [DRAFTS, FILES, OUTBOX, STATUSES];

    fn is_empty(records: &Records) -> bool {
        records.iter().all(|(_, keys, _)| keys.is_empty())
    }

    fn records_hold_draft(records: &Records, id: &str) -> bool {
        records.iter().any(|(name, keys, _)| {
            *name == DRAFTS && keys.iter().any(|k| k.as_string().as_deref() == Some(id))
        })
    }

    /// Every record of `stores` in database `name` (which must exist: opening creates it).
    async fn read_all(name: &str, stores: &[&'static str]) -> Result<Records, PlatformError> {
        let db = store::open_named(name).await?;
        let mut records: Records = Vec::new();
        {
            let tx = db
                .transaction(stores, TransactionMode::ReadOnly)
                .map_err(|e| idb_error(&e))?;
            for store_name in stores {
                let s = tx.store(store_name).map_err(|e| idb_error(&e))?;
                let keys = s
                    .get_all_keys(None, None)
                    .await
                    .map_err(|e| idb_error(&e))?;
                let values = s.get_all(None, None).await.map_err(|e| idb_error(&e))?;
                records.push((*store_name, keys, values));
            }
            let _ = tx.done().await;
        }
        db.close();
        Ok(records)
    }

    /// The records `moving` carries.
    fn only(records: Records, moving: &Moving) -> Records {
        records
            .into_iter()
            .map(|(name, keys, values)| {
                let (keys, values): (Vec<JsValue>, Vec<JsValue>) = keys
                    .into_iter()
                    .zip(values)
                    .filter(|(k, _)| k.as_string().is_some_and(|k| moving.carries(name, &k)))
                    .unzip();
                (name, keys, values)
            })
            .collect()
    }

    /// The drafts among `records`, as Rust values (records of another shape skipped).
    fn drafts_in(records: &Records) -> Vec<SavedDraft> {
        records
            .iter()
            .filter(|(name, _, _)| *name == DRAFTS)
            .flat_map(|(_, _, values)| values.iter().filter_map(|v| js::to_rust(v).ok()))
            .collect()
    }

    /// Writes `records` into database `to` in one transaction; `overwrite: false` keeps a record `to`
    /// already has under the same key.
    async fn write_all(to: &str, records: &Records, overwrite: bool) -> Result<(), PlatformError> {
        let names: Vec<&str> = records.iter().map(|(n, _, _)| *n).collect();
        let target = store::open_named(to).await?;
        let tx = target
            .transaction(&names, TransactionMode::ReadWrite)
            .map_err(|e| idb_error(&e))?;
        for (name, keys, values) in records {
            let s = tx.store(name).map_err(|e| idb_error(&e))?;
            for (key, value) in keys.iter().zip(values) {
                if !overwrite
                    && s.get(key.clone())
                        .await
                        .map_err(|e| idb_error(&e))?
                        .is_some_and(|v| !v.is_undefined())
                {
                    continue;
                }
                s.put(value, Some(key)).await.map_err(|e| idb_error(&e))?;
            }
        }
        store::commit(tx).await?;
        target.close();
        Ok(())
    }

    /// Deletes from database `from` the records copied out of it, in one transaction.
    async fn delete_records(from: &str, records: &Records) -> Result<(), PlatformError> {
        if is_empty(records) {
            return Ok(());
        }
        let names: Vec<&str> = records.iter().map(|(n, _, _)| *n).collect();
        let source = store::open_named(from).await?;
        let tx = source
            .transaction(&names, TransactionMode::ReadWrite)
            .map_err(|e| idb_error(&e))?;
        for (name, keys, _) in records {
            let s = tx.store(name).map_err(|e| idb_error(&e))?;
            for key in keys {
                s.delete(key.clone()).await.map_err(|e| idb_error(&e))?;
            }
        }
        store::commit(tx).await?;
        source.close();
        Ok(())
    }

    /// Copies the anonymous drafts started in this visit (and their files, outbox entries and statuses)
    /// into database `to`, in one transaction of `to`; answers what was copied, to delete once `to` is
    /// current (a page reading meanwhile finds them in one store or the other), and the older anonymous
    /// drafts, which stay. `None`: the anonymous store holds no draft. A failure between copy and delete
    /// leaves copies in both; the next move copies them again (same keys) and deletes them, and the
    /// outbox's Idempotency-Key makes a copy sent twice one dossier.
    async fn copy_visit(to: &str) -> Result<Option<(Records, Vec<SavedDraft>)>, PlatformError> {
        let records = read_all(DB_NAME, &MOVED).await?;
        let drafts = drafts_in(&records);
        if drafts.is_empty() {
            return Ok(None);
        }
        let moving = Moving::of(&drafts, &visit());
        let mut left: Vec<SavedDraft> = drafts
            .into_iter()
            .filter(|d| !moving.drafts.contains(d.id()))
            .collect();
        sort_newest_first(&mut left);
        let records = only(records, &moving);
        if !is_empty(&records) {
            write_all(to, &records, true).await?;
        }
        Ok(Some((records, left)))
    }

    pub(super) async fn move_left(ids: &[String]) -> Result<usize, PlatformError> {
        let current = read_last().unwrap_or_else(Owner::anonymous);
        if current.kind == OwnerKind::Anonymous {
            return Err(PlatformError::Unavailable);
        }
        let records = read_all(DB_NAME, &MOVED).await?;
        let ids: BTreeSet<String> = ids.iter().cloned().collect();
        let moving = Moving::of(&drafts_in(&records), &ids);
        if moving.is_empty() {
            return Ok(0);
        }
        let records = only(records, &moving);
        write_all(&current.db, &records, true).await?;
        delete_records(DB_NAME, &records).await?;
        crate::platform::outbox::owner_changed();
        Ok(moving.drafts.len())
    }

    /// The names of the origin's databases (`None`: the browser cannot list them, as Firefox before
    /// version 126).
    async fn database_names() -> Option<Vec<String>> {
        let idb = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB")).ok()?;
        let list: js_sys::Function = js_sys::Reflect::get(&idb, &JsValue::from_str("databases"))
            .ok()?
            .dyn_into()
            .ok()?;
        let promise: js_sys::Promise = list.call0(&idb).ok()?.dyn_into().ok()?;
        let found: js_sys::Array = js::wait(promise).await.ok()?.dyn_into().ok()?;
        Some(
            found
                .iter()
                .filter_map(|d| {
                    js_sys::Reflect::get(&d, &JsValue::from_str("name"))
                        .ok()?
                        .as_string()
                })
                .collect(),
        )
    }

    /// Copies every record of the person's databases named the old way ([`super::legacy_dbs`]) into
    /// database `to`, keeping what `to` already has under the same key; answers each old database and
    /// what was copied from it, for [`drop_legacy`] once `to` is current.
    async fn copy_legacy(
        principal: &Principal,
        to: &str,
    ) -> Result<Vec<(String, Records)>, PlatformError> {
        let names = legacy_dbs(principal);
        if names.is_empty() {
            return Ok(Vec::new());
        }
        // A browser that cannot list them: the last known person's database, which was in use, is the
        // one old name known to exist (opening any other would create it).
        let existing = match database_names().await {
            Some(names) => names,
            None => read_last().map(|o| vec![o.db]).unwrap_or_default(),
        };
        let mut copied = Vec::new();
        for name in names {
            if name == to || !existing.contains(&name) {
                continue;
            }
            let records = read_all(&name, &STORES).await?;
            if !is_empty(&records) {
                write_all(to, &records, false).await?;
            }
            copied.push((name, records));
        }
        Ok(copied)
    }

    /// Deletes from an old database what was copied out of it, and the database itself once it holds
    /// nothing more (something written into it meanwhile stays for the next sign-in's move).
    async fn drop_legacy(name: &str, copied: &Records) -> Result<(), PlatformError> {
        delete_records(name, copied).await?;
        if is_empty(&read_all(name, &STORES).await?) {
            delete_database(name).await?;
        }
        Ok(())
    }

    /// Deletes a database; waits at most 5 s for other tabs to close their connections (they switch on
    /// the channel's message), then lets the browser complete it in the background.
    async fn delete_database(name: &str) -> Result<(), PlatformError> {
        let name = name.to_owned();
        let deletion = wasm_bindgen_futures::future_to_promise(async move {
            Rexie::delete(&name)
                .await
                .map(|()| JsValue::TRUE)
                .map_err(|e| JsValue::from_str(&e.to_string()))
        });
        let timeout = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 5_000);
            }
        });
        let race = js_sys::Promise::race(&js_sys::Array::of2(&deletion, &timeout));
        wasm_bindgen_futures::JsFuture::from(race)
            .await
            .map(|_| ())
            .map_err(|e| PlatformError::Storage(e.as_string().unwrap_or_default()))
    }

    pub(super) async fn forget(info: &SessionInfo) -> Result<(), PlatformError> {
        SIGNED_IN.set(Some(false));
        let last = read_last().unwrap_or_else(Owner::anonymous);
        let theirs =
            Owner::of(info).or_else(|| (last.kind != OwnerKind::Anonymous).then_some(last));
        let Some(theirs) = theirs else {
            return Ok(());
        };
        // Back to the anonymous store first (here and in other tabs), so nothing writes into the
        // database being deleted and this tab's connection to it is closed.
        switch(&Owner::anonymous());
        let existing = database_names().await.unwrap_or_default();
        for old in legacy_dbs(&info.principal) {
            if existing.contains(&old) {
                delete_database(&old).await?;
            }
        }
        delete_database(&theirs.db).await
    }
}

#[cfg(test)]
mod tests {
    use domain::{
        Procedure,
        api::{Role, SignInMethods, VerifiedIdentity},
        forms::{Draft, DraftId},
    };

    use super::*;

    const KEY_X: &str = "3f9a0c1e5b7d2468ace13579bdf02468ace13579bdf02468ace13579bdf0246a";
    const KEY_A: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn citizen(phone: Option<&str>, id: Option<&str>) -> Principal {
        Principal::Citizen {
            phone: phone.map(str::to_owned),
            identity: id.map(|n| VerifiedIdentity {
                identity_number: n.to_owned(),
                full_name: "Nguyễn Văn An".to_owned(),
                birth_date: None,
                gender: None,
                address: None,
                assurance_level: None,
            }),
        }
    }

    fn staff(username: &str) -> Principal {
        Principal::Staff {
            username: username.to_owned(),
            display_name: "Cán bộ".to_owned(),
            role: Role::CommuneOfficer,
            jurisdictions: vec![],
            must_change_password: false,
        }
    }

    fn session(principal: Principal, store_key: Option<&str>) -> SessionInfo {
        SessionInfo {
            principal,
            methods: SignInMethods::default(),
            csrf_token: None,
            expires_at: None,
            store_key: store_key.map(str::to_owned),
        }
    }

    #[test]
    fn a_persons_database_is_named_by_the_servers_random_key_not_by_who_they_are() {
        // Arrange
        let x = session(
            citizen(Some("0905123456"), Some("051090001234")),
            Some(KEY_X),
        );
        let a = session(staff("canbo1"), Some(KEY_A));
        // Act
        let owner = Owner::of(&x).expect("a person");
        let officer = Owner::of(&a).expect("a person");
        // Assert
        assert_eq!(owner.kind, OwnerKind::Citizen);
        assert_eq!(owner.db, format!("motcua-p-{KEY_X}"));
        assert_eq!(officer.kind, OwnerKind::Staff);
        assert_eq!(officer.db, format!("motcua-p-{KEY_A}"));
        // Nothing the device could guess goes into the name.
        for old in legacy_dbs(&x.principal) {
            assert_ne!(owner.db, old);
        }
        assert!(!owner.db.contains("0905123456") && !owner.db.contains("051090001234"));
        assert_eq!(Owner::of(&session(Principal::Anonymous, Some(KEY_X))), None);
    }

    #[test]
    fn a_store_key_that_is_not_plain_hex_names_no_database() {
        for bad in [
            None,
            Some(""),
            Some("0905123456"),
            Some("../motcua"),
            Some("3F9A0C1E5B7D2468ACE13579BDF02468"),
            Some("3f9a0c1e5b7d2468ace13579bdf0246g"),
        ] {
            assert_eq!(
                Owner::of(&session(citizen(Some("0905123456"), None), bad)),
                None,
                "{bad:?}"
            );
        }
        assert!(valid_store_key(&KEY_X[..32]));
        assert!(!valid_store_key(&KEY_X[..31]));
    }

    #[test]
    fn the_old_names_are_the_sha256_of_each_way_the_person_was_known() {
        // SHA-256("citizen:0905123456") etc., as `printf %s citizen:0905123456 | sha256sum` prints it.
        assert_eq!(
            legacy_db("abc"),
            "motcua-p-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            legacy_dbs(&citizen(Some("0905123456"), Some("051090001234"))),
            vec![
                legacy_db("citizen:051090001234"),
                legacy_db("citizen:0905123456")
            ]
        );
        assert_eq!(
            legacy_dbs(&citizen(Some("0905123456"), None)),
            vec![legacy_db("citizen:0905123456")]
        );
        assert_eq!(
            legacy_dbs(&staff("canbo1")),
            vec![legacy_db("staff:canbo1")]
        );
        assert!(legacy_dbs(&Principal::Anonymous).is_empty());
    }

    #[test]
    fn signing_in_switches_and_adopts_only_from_the_anonymous_store() {
        let anon = Owner::anonymous();
        let x_info = session(citizen(Some("0905123456"), None), Some(KEY_X));
        let a_info = session(staff("a"), Some(KEY_A));
        let nobody = session(Principal::Anonymous, None);
        let x = Owner::of(&x_info).expect("x");
        let a = Owner::of(&a_info).expect("a");
        assert_eq!(
            decide(&anon, &x_info),
            Change::Switch {
                to: x.clone(),
                adopt_anonymous: true
            }
        );
        assert_eq!(decide(&x, &x_info), Change::Keep);
        // A store named the old way is left for the person's own.
        let old = Owner {
            db: legacy_db("citizen:0905123456"),
            kind: OwnerKind::Citizen,
        };
        assert_eq!(
            decide(&old, &x_info),
            Change::Switch {
                to: x.clone(),
                adopt_anonymous: false
            }
        );
        // Another person over a citizen whose session ended: switch, the anonymous store stays.
        assert_eq!(
            decide(&x, &a_info),
            Change::Switch {
                to: a.clone(),
                adopt_anonymous: false
            }
        );
        // Nobody signed in: a citizen's phone keeps its store (its outbox waits for a new sign-in)…
        assert_eq!(decide(&x, &nobody), Change::Keep);
        assert_eq!(decide(&anon, &nobody), Change::Keep);
        // …a counter tablet goes back to the anonymous store.
        assert_eq!(
            decide(&a, &nobody),
            Change::Switch {
                to: anon,
                adopt_anonymous: false
            }
        );
    }

    #[test]
    fn the_kept_owner_is_json_without_personal_data() {
        let x = Owner::of(&session(citizen(Some("0905123456"), None), Some(KEY_X))).expect("x");
        let text = serde_json::to_string(&x).expect("ser");
        assert!(text.contains("\"kind\":\"citizen\""), "{text}");
        assert!(!text.contains("0905"));
        assert_eq!(serde_json::from_str::<Owner>(&text).expect("de"), x);
    }

    fn draft(id: &str, status: DraftStatus) -> SavedDraft {
        let mut d = SavedDraft::new(Draft::new(
            DraftId(id.to_owned()),
            Procedure::HkdTermination,
        ));
        d.status = status;
        d
    }

    #[test]
    fn only_the_drafts_of_this_visit_move_with_their_files_outbox_entries_and_statuses() {
        // Arrange: two drafts started in this visit (one already sent), one left by an earlier visit.
        let drafts = [
            draft("d-this", DraftStatus::Editing),
            draft(
                "d-sent",
                DraftStatus::Submitted {
                    code: "21028-261207-0001".to_owned(),
                },
            ),
            draft("d-older", DraftStatus::Queued),
        ];
        let visit = parse_visit(Some(r#"["d-this","d-sent","d-gone"]"#));
        // Act
        let moving = Moving::of(&drafts, &visit);
        // Assert
        assert_eq!(
            moving.drafts.iter().map(String::as_str).collect::<Vec<_>>(),
            ["d-sent", "d-this"],
            "a noted id with no draft any more moves nothing"
        );
        assert!(moving.carries(DRAFTS, "d-this"));
        assert!(moving.carries(OUTBOX, "d-this"));
        assert!(moving.carries(FILES, "d-this/ab12"));
        assert!(moving.carries(STATUSES, "21028-261207-0001"));
        assert!(!moving.carries(DRAFTS, "d-older"));
        assert!(!moving.carries(OUTBOX, "d-older"));
        assert!(!moving.carries(FILES, "d-older/ab12"));
        assert!(!moving.carries(FILES, "d-this"), "a file key has a slash");
        assert!(!moving.carries(STATUSES, "21028-261207-0002"));
        assert!(!moving.carries(super::super::store::PROFILE, "me"));
        assert!(!moving.carries(super::super::store::COUNTER, "d-this"));
    }

    #[test]
    fn a_visit_with_nothing_noted_moves_nothing() {
        assert!(parse_visit(None).is_empty());
        assert!(parse_visit(Some("not json")).is_empty());
        let drafts = [draft("d-older", DraftStatus::Editing)];
        assert!(Moving::of(&drafts, &parse_visit(None)).is_empty());
    }
}
