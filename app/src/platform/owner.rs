//! Whose store the app reads and writes: the phone's stores belong to a person.
//!
//! Every signed-in citizen or officer has their own IndexedDB database, `motcua-p-<hex SHA-256 of the
//! principal's key>` (`citizen:<identity number>`, else `citizen:<phone>`; `staff:<login name>`), and
//! whoever uses the device without signing in has `motcua` ([`super::store::DB_NAME`]). The hash keeps
//! personal data out of the database's name, which any script of the origin can list.
//!
//! Which one is current:
//! - Before the server has answered `GET /api/v1/session` (at start, or with no signal at all), the last
//!   known owner, kept in `localStorage` under [`LAST_OWNER_KEY`] as `{db, kind}` — no personal data —
//!   so a phone opens its person's drafts offline (a citizen session lasts weeks).
//! - Once the server says who is signed in ([`adopt`]): that person's database. Coming from the
//!   anonymous database, the drafts, files, outbox and statuses made before signing in move into it.
//! - The server says nobody: a citizen's database stays current (it is their phone: a session that
//!   ended while they were away leaves their outbox waiting, "Đăng nhập lại để gửi"), an officer's
//!   does not (a counter tablet goes back to the anonymous database; the officer's own items wait for
//!   their next sign-in).
//! - Signing out sends what is pending first, then ends the session and deletes the person's database
//!   ([`forget`]); see `pages::account::SignOutButton`.

use domain::api::Principal;
use serde::{Deserialize, Serialize};

use super::store::DB_NAME;

/// The `localStorage` key of the last known owner (its value holds no personal data).
pub const LAST_OWNER_KEY: &str = "motcua-store-owner";
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

    /// The owner of a signed-in principal's store, `None` for nobody.
    #[must_use]
    pub fn of(principal: &Principal) -> Option<Self> {
        let (kind, key) = match principal {
            Principal::Anonymous => return None,
            Principal::Citizen {
                identity: Some(identity),
                ..
            } => (
                OwnerKind::Citizen,
                format!("citizen:{}", identity.identity_number),
            ),
            Principal::Citizen {
                phone: Some(phone), ..
            } => (OwnerKind::Citizen, format!("citizen:{phone}")),
            Principal::Citizen { .. } => return None,
            Principal::Staff { username, .. } => (OwnerKind::Staff, format!("staff:{username}")),
        };
        Some(Self {
            db: person_db(&key),
            kind,
        })
    }
}

/// The database name of a principal key: the prefix and the key's SHA-256 in hex.
#[must_use]
pub fn person_db(principal_key: &str) -> String {
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
    /// Switch to another store; `adopt_anonymous`: first move the anonymous store's items into it.
    Switch {
        /// The new owner.
        to: Owner,
        /// Move the drafts made before signing in.
        adopt_anonymous: bool,
    },
}

/// Decides [`Change`] from the current owner and who the server says is signed in.
#[must_use]
pub fn decide(current: &Owner, principal: &Principal) -> Change {
    match Owner::of(principal) {
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

/// Makes the store of whoever the server says is signed in the current one (moving the anonymous
/// drafts into a person who just signed in), then lets the pages re-read and the outbox send.
///
/// # Errors
/// When moving the drafts failed (then the anonymous store is left as it was, and the person's store
/// is current anyway; the move is tried again at the next sign-in).
pub async fn adopt(info: &domain::api::SessionInfo) -> Result<(), super::PlatformError> {
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

/// Removes a person's store from the device (after their session ended on the server): the device
/// goes back to the anonymous store.
///
/// # Errors
/// When IndexedDB refused to delete the database.
pub async fn forget(principal: &Principal) -> Result<(), super::PlatformError> {
    #[cfg(feature = "hydrate")]
    {
        web::forget(principal).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = principal;
        Err(super::PlatformError::Unavailable)
    }
}

#[cfg(feature = "hydrate")]
mod web {
    use std::cell::{Cell, RefCell};

    use domain::api::{Principal, SessionInfo};
    use rexie::{Rexie, TransactionMode};
    use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
    use web_sys::BroadcastChannel;

    use super::{Change, LAST_OWNER_KEY, Owner, decide};
    use crate::platform::{
        PlatformError,
        store::{self, DB_NAME, DRAFTS, FILES, OUTBOX, STATUSES, idb_error},
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
            let pause = js_sys::Promise::new(&mut |resolve, _| {
                if let Some(w) = web_sys::window() {
                    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
                }
            });
            let _ = wasm_bindgen_futures::JsFuture::from(pause).await;
        }
        // No answer in time: the last known person's store, from now on.
        SETTLED.set(true);
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
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

    pub(super) async fn adopt(info: &SessionInfo) -> Result<(), PlatformError> {
        listen();
        let person = !matches!(info.principal, Principal::Anonymous);
        SIGNED_IN.set(Some(person));
        let current = read_last().unwrap_or_else(Owner::anonymous);
        // The store in use may have been chosen before the last known owner was written.
        store::select(&current.db);
        match decide(&current, &info.principal) {
            Change::Keep => {
                SETTLED.set(true);
                if person {
                    crate::platform::outbox::owner_changed();
                }
                Ok(())
            }
            Change::Switch {
                to,
                adopt_anonymous,
            } => {
                let copied = if adopt_anonymous {
                    copy_all(DB_NAME, &to.db).await
                } else {
                    Ok(None)
                };
                switch(&to);
                match copied {
                    Ok(Some(records)) => delete_copied(DB_NAME, &records).await,
                    Ok(None) => Ok(()),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// The drafts, files, outbox entries and statuses of a database: (store, keys, values).
    type Records = Vec<(&'static str, Vec<JsValue>, Vec<JsValue>)>;

    const MOVED: [&str; 4] = [DRAFTS, FILES, OUTBOX, STATUSES];

    /// Copies every draft, file, outbox entry and status of database `from` into `to`, in one
    /// transaction of `to`; answers what was copied (`None`: nothing to move). The caller switches to
    /// `to` and only then deletes the copied records from `from` ([`delete_copied`]), so a page reading
    /// meanwhile finds them in one or the other. A failure between leaves copies in both; the next move
    /// copies them again (same keys) and deletes them, and the outbox's Idempotency-Key makes a copy sent
    /// twice one dossier.
    async fn copy_all(from: &str, to: &str) -> Result<Option<Records>, PlatformError> {
        let source = store::open_named(from).await?;
        let mut records: Records = Vec::new();
        {
            let tx = source
                .transaction(&MOVED, TransactionMode::ReadOnly)
                .map_err(|e| idb_error(&e))?;
            for name in MOVED {
                let s = tx.store(name).map_err(|e| idb_error(&e))?;
                let keys = s
                    .get_all_keys(None, None)
                    .await
                    .map_err(|e| idb_error(&e))?;
                let values = s.get_all(None, None).await.map_err(|e| idb_error(&e))?;
                records.push((name, keys, values));
            }
            let _ = tx.done().await;
        }
        source.close();
        if records.iter().all(|(_, keys, _)| keys.is_empty()) {
            return Ok(None);
        }
        let target = store::open_named(to).await?;
        let tx = target
            .transaction(&MOVED, TransactionMode::ReadWrite)
            .map_err(|e| idb_error(&e))?;
        for (name, keys, values) in &records {
            let s = tx.store(name).map_err(|e| idb_error(&e))?;
            for (key, value) in keys.iter().zip(values) {
                s.put(value, Some(key)).await.map_err(|e| idb_error(&e))?;
            }
        }
        store::commit(tx).await?;
        target.close();
        Ok(Some(records))
    }

    /// Deletes from database `from` the records [`copy_all`] copied, in one transaction.
    async fn delete_copied(from: &str, records: &Records) -> Result<(), PlatformError> {
        let source = store::open_named(from).await?;
        let tx = source
            .transaction(&MOVED, TransactionMode::ReadWrite)
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

    pub(super) async fn forget(principal: &Principal) -> Result<(), PlatformError> {
        SIGNED_IN.set(Some(false));
        let Some(theirs) = Owner::of(principal) else {
            return Ok(());
        };
        // Back to the anonymous store first (here and in other tabs), so nothing writes into the
        // database being deleted and this tab's connection to it is closed.
        switch(&Owner::anonymous());
        // The deletion waits for other tabs to close their connections (they switch on the message
        // above); after a few seconds it goes on in the background and the browser completes it.
        let deletion = wasm_bindgen_futures::future_to_promise(async move {
            Rexie::delete(&theirs.db)
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
}

#[cfg(test)]
mod tests {
    use domain::api::{Role, VerifiedIdentity};

    use super::*;

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

    #[test]
    fn database_names_hide_who_they_belong_to() {
        let owner = Owner::of(&citizen(Some("0905123456"), None)).expect("a person");
        assert_eq!(owner.kind, OwnerKind::Citizen);
        assert!(owner.db.starts_with(PERSON_DB_PREFIX));
        assert_eq!(owner.db.len(), PERSON_DB_PREFIX.len() + 64);
        assert!(!owner.db.contains("0905123456"));
        // SHA-256("citizen:0905123456"), as `printf %s citizen:0905123456 | sha256sum` prints it.
        assert_eq!(owner.db, person_db("citizen:0905123456"));
        assert_eq!(
            person_db("abc"),
            "motcua-p-ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // The verified identity wins over the phone; officers by login name.
        assert_eq!(
            Owner::of(&citizen(Some("0905123456"), Some("051090001234")))
                .expect("person")
                .db,
            person_db("citizen:051090001234")
        );
        let officer = Owner::of(&staff("canbo1")).expect("person");
        assert_eq!(officer.kind, OwnerKind::Staff);
        assert_eq!(officer.db, person_db("staff:canbo1"));
        assert_ne!(officer.db, person_db("staff:canbo2"));
        assert_eq!(Owner::of(&Principal::Anonymous), None);
    }

    #[test]
    fn signing_in_switches_and_adopts_only_the_anonymous_drafts() {
        let anon = Owner::anonymous();
        let x = Owner::of(&citizen(Some("0905123456"), None)).expect("x");
        let a = Owner::of(&staff("a")).expect("a");
        assert_eq!(
            decide(&anon, &citizen(Some("0905123456"), None)),
            Change::Switch {
                to: x.clone(),
                adopt_anonymous: true
            }
        );
        assert_eq!(decide(&x, &citizen(Some("0905123456"), None)), Change::Keep);
        // Another person over a citizen whose session ended: switch, the anonymous store stays.
        assert_eq!(
            decide(&x, &staff("a")),
            Change::Switch {
                to: a.clone(),
                adopt_anonymous: false
            }
        );
        // Nobody signed in: a citizen's phone keeps its store (its outbox waits for a new sign-in)…
        assert_eq!(decide(&x, &Principal::Anonymous), Change::Keep);
        assert_eq!(decide(&anon, &Principal::Anonymous), Change::Keep);
        // …a counter tablet goes back to the anonymous store.
        assert_eq!(
            decide(&a, &Principal::Anonymous),
            Change::Switch {
                to: anon,
                adopt_anonymous: false
            }
        );
    }

    #[test]
    fn the_kept_owner_is_json_without_personal_data() {
        let x = Owner::of(&citizen(Some("0905123456"), None)).expect("x");
        let text = serde_json::to_string(&x).expect("ser");
        assert!(text.contains("\"kind\":\"citizen\""), "{text}");
        assert!(!text.contains("0905"));
        assert_eq!(serde_json::from_str::<Owner>(&text).expect("de"), x);
    }
}
