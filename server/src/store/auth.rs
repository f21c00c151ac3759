//! What sign-in, sessions and staff accounts ask of the database (issue 7), as [`AuthStore`], a
//! supertrait of [`Store`](super::Store). Like `sql.rs`, the SQL is written once: `auth_store!` expands
//! it into the SQLite and PostgreSQL implementations.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

/// A staff account as sign-in and the administrator see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    /// Its id.
    pub id: uuid::Uuid,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Stored role name (`domain::api::Role::as_str`).
    pub role: String,
    /// Stored position (`domain::accounts::Title::as_str`).
    pub title: String,
    /// The password must be changed before anything else.
    pub must_change_password: bool,
    /// Disabled by an administrator: cannot sign in, sessions revoked.
    pub disabled: bool,
    /// No longer counted (the back-off is per login name and address, `staff_login_backoff`).
    pub failed_logins: i32,
    /// No longer set (see `failed_logins`).
    pub locked_until: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Commune codes (or `SCT`), sorted.
    pub jurisdictions: Vec<String>,
}

/// The newest unused one-time code of a phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpRow {
    /// Row id.
    pub id: i64,
    /// HMAC-SHA-256 (hex) of phone and code.
    pub code_hash: String,
    /// Tries counted against it (each counted before it is compared).
    pub attempts: i32,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A one-time code to record, with the limits it must fit in (checked in the same transaction).
#[derive(Debug, Clone)]
pub struct NewOtp<'a> {
    /// The phone, or another key for another purpose.
    pub key: &'a str,
    /// HMAC-SHA-256 (hex) of key and code.
    pub code_hash: &'a str,
    /// Who asked (`None` when unknown: then only the per-key limits apply).
    pub client_ip: Option<&'a str>,
    /// Now.
    pub now: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// No new code for the key this many seconds after the last one.
    pub resend_secs: i64,
    /// Codes for one key an hour.
    pub per_key_per_hour: i64,
    /// Codes asked for from one address an hour.
    pub per_client_per_hour: i64,
}

/// What asking for a code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpIssue {
    /// Recorded: older unused codes of the key stopped working; send it.
    Recorded,
    /// A code was sent to the key less than the resend interval ago: wait this many seconds.
    TooSoon {
        /// Seconds to wait (at least 1).
        wait_secs: i64,
    },
    /// The key got this many codes in the past hour, the most allowed.
    KeyLimit {
        /// Codes sent in the past hour.
        sent: i64,
    },
    /// The address asked for the most codes allowed in the past hour.
    ClientLimit,
}

/// What taking a hit of an allowance came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// Taken in this slot (Unix seconds of its minute), to give it back.
    Taken(i64),
    /// None left: the oldest hit in the window leaves it then.
    Refused {
        /// When a hit is free again.
        until: DateTime<Utc>,
    },
}

/// A staff sign-in try, as the back-off per (login name, address) sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffTry {
    /// Counted (as a failure until [`AuthStore::clear_staff_tries`]); the password may be checked.
    Counted {
        /// Tries from the address for the name not known to be right, this one included.
        failures: i32,
        /// Set when this try started a wait: until then, the next try is refused unchecked.
        blocked_until: Option<DateTime<Utc>>,
    },
    /// The address must wait for this name until then; nothing was checked.
    Waiting {
        /// When it may try again.
        until: DateTime<Utc>,
    },
}

/// The wait after `failures` wrong passwords from one address for one login name: none below
/// `max_failures`, then 2^`failures` seconds, at most `max_wait_secs`.
#[must_use]
pub fn staff_backoff_secs(failures: i32, max_failures: i32, max_wait_secs: i64) -> Option<i64> {
    (failures >= max_failures.max(1)).then(|| {
        let exponent = u32::try_from(failures.clamp(0, 40)).unwrap_or(40);
        2_i64.saturating_pow(exponent).min(max_wait_secs.max(1))
    })
}

/// Who a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionOwner {
    /// A citizen: account id, proved phone and verified identity (either or both).
    Citizen {
        /// Account id.
        id: uuid::Uuid,
        /// Normalised phone, when the account has a proved one.
        phone: Option<String>,
        /// The identity the national e-identity vouched for, when it did.
        identity: Option<domain::api::VerifiedIdentity>,
    },
    /// A staff member.
    Staff(Box<StaffRecord>),
}

/// A citizen as an OpenID provider (VNeID) vouched for them in a checked ID token.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcCitizen {
    /// The provider's issuer URL.
    pub issuer: String,
    /// The provider's subject (`sub`) for this person.
    pub subject: String,
    /// The mapped claims.
    pub identity: domain::api::VerifiedIdentity,
    /// A phone number (normalised) the provider says it verified (`phone_number_verified`).
    pub verified_phone: Option<String>,
}

impl std::fmt::Debug for OidcCitizen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs.
        f.debug_struct("OidcCitizen")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// What [`AuthStore::upsert_oidc_citizen`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcUpsert {
    /// The account of this issuer + subject, its claims brought up to date: made now, found, or an
    /// existing phone account linked because the provider verified that same phone.
    Account {
        /// Its id.
        id: uuid::Uuid,
        /// Made by this sign-in.
        created: bool,
        /// A phone account that this sign-in linked to the identity.
        linked: bool,
    },
    /// Another account (another issuer or subject) already has this identity number: nothing changed.
    IdentityNumberTaken,
}

/// A sign-in with the OpenID provider in progress.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcLogin {
    /// SHA-256 (hex) of the `state` sent to the provider.
    pub state_hash: String,
    /// SHA-256 (hex) of the cookie that binds it to the browser.
    pub browser_hash: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The page of this site to go to afterwards.
    pub next_path: String,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for OidcLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcLogin")
            .field("next_path", &self.next_path)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 (hex) of the cookie's token.
    pub token_hash: String,
    /// Whose; for staff only the id is read.
    pub owner: NewSessionOwner,
    /// The CSRF token.
    pub csrf_token: String,
    /// Where from.
    pub client_ip: Option<String>,
    /// Now.
    pub created_at: DateTime<Utc>,
    /// Idle timeout, seconds.
    pub idle_seconds: i64,
    /// Absolute end.
    pub expires_at: DateTime<Utc>,
}

/// Whose a new session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewSessionOwner {
    /// A citizen account, signed in with a one-time code sent to its phone: the session carries the
    /// phone only, never the account's verified identity (whoever holds the SIM is not the e-identity).
    Citizen(uuid::Uuid),
    /// A citizen account, signed in with the national e-identity (VNeID): the session carries the
    /// account's verified identity.
    CitizenByIdentity(uuid::Uuid),
    /// A staff account.
    Staff(uuid::Uuid),
}

/// An account, a citizen's or a staff member's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountRef {
    /// A citizen account.
    Citizen(uuid::Uuid),
    /// A staff account.
    Staff(uuid::Uuid),
}

impl From<NewSessionOwner> for AccountRef {
    fn from(owner: NewSessionOwner) -> Self {
        match owner {
            NewSessionOwner::Citizen(id) | NewSessionOwner::CitizenByIdentity(id) => {
                Self::Citizen(id)
            }
            NewSessionOwner::Staff(id) => Self::Staff(id),
        }
    }
}

/// A stored session, not revoked (expiry is the caller's to check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Whose.
    pub owner: SessionOwner,
    /// The CSRF token.
    pub csrf_token: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The last request seen (updated at most once a minute).
    pub last_seen_at: DateTime<Utc>,
    /// Idle timeout, seconds.
    pub idle_seconds: i64,
    /// Absolute end.
    pub expires_at: DateTime<Utc>,
}

impl SessionRow {
    /// When it ends if nothing more happens: the idle limit or the absolute end, whichever is first.
    #[must_use]
    pub fn ends_at(&self) -> DateTime<Utc> {
        (self.last_seen_at + chrono::Duration::seconds(self.idle_seconds)).min(self.expires_at)
    }
}

/// Accounts, one-time codes and sessions.
pub trait AuthStore: Send + Sync + 'static {
    /// The staff account with this login name (case ignored).
    fn staff_by_username<'a>(
        &'a self,
        username: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<StaffRecord>>>;

    /// The staff account with this id.
    fn staff_by_id(&self, id: uuid::Uuid) -> BoxFuture<'_, anyhow::Result<Option<StaffRecord>>>;

    /// The opaque random key that names the account's store on the device (issued by the database when
    /// the account is made, never changed; no personal data); `None` when there is no such account.
    fn store_key(&self, account: AccountRef) -> BoxFuture<'_, anyhow::Result<Option<String>>>;

    /// Every staff account, by login name.
    fn list_staff(&self) -> BoxFuture<'_, anyhow::Result<Vec<StaffRecord>>>;

    /// Creates a staff account with its jurisdictions in one transaction, unless the id or login name
    /// (case ignored) is taken; whether it was created.
    fn create_staff<'a>(
        &'a self,
        staff: &'a crate::store::NewStaff,
        jurisdictions: &'a [String],
    ) -> BoxFuture<'a, anyhow::Result<bool>>;

    /// Replaces the jurisdictions of a staff account.
    fn set_staff_jurisdictions<'a>(
        &'a self,
        id: uuid::Uuid,
        jurisdictions: &'a [String],
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Sets the position of a staff account (`domain::accounts::Title::as_str`).
    fn set_staff_title<'a>(
        &'a self,
        id: uuid::Uuid,
        title: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Disables (and revokes every session of) or re-enables a staff account; whether it exists.
    fn set_staff_disabled(
        &self,
        id: uuid::Uuid,
        disabled: bool,
        now: DateTime<Utc>,
    ) -> BoxFuture<'_, anyhow::Result<bool>>;

    /// Counts a staff sign-in try for `username` (lower-cased, known or not) from `client_ip` before
    /// the password is checked, unless that pair must still wait; the try that reaches
    /// [`staff_backoff_secs`] starts a wait. Serialised per pair: parallel tries are counted one by one.
    fn claim_staff_try<'a>(
        &'a self,
        username: &'a str,
        client_ip: &'a str,
        now: DateTime<Utc>,
        max_failures: i32,
        max_wait_secs: i64,
    ) -> BoxFuture<'a, anyhow::Result<StaffTry>>;

    /// A right password: the pair's count and wait are cleared.
    fn clear_staff_tries<'a>(
        &'a self,
        username: &'a str,
        client_ip: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Takes one of `limit` hits of `bucket` in the `window_secs` before `now` (counted in one-minute
    /// slots of `auth_counters`, so the window slides by the minute), in one transaction serialised per
    /// bucket, so parallel requests cannot overdraw it.
    fn take_hit<'a>(
        &'a self,
        bucket: &'a str,
        now: DateTime<Utc>,
        window_secs: i64,
        limit: i64,
    ) -> BoxFuture<'a, anyhow::Result<Hit>>;

    /// Gives a hit taken by [`AuthStore::take_hit`] back (the try turned out right): its bucket and
    /// slot.
    fn give_back_hit<'a>(&'a self, bucket: &'a str, slot: i64)
    -> BoxFuture<'a, anyhow::Result<()>>;

    /// Sets a new password hash; `must_change` as given. Every other session of the account is
    /// revoked (all but `keep_session`, a token hash).
    fn set_staff_password<'a>(
        &'a self,
        id: uuid::Uuid,
        password_hash: &'a str,
        must_change: bool,
        keep_session: Option<&'a str>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The citizen account of this phone, created when missing; its id.
    fn upsert_citizen<'a>(
        &'a self,
        phone: &'a str,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<uuid::Uuid>>;

    /// The citizen account of this OpenID issuer + subject, made or updated with the claims in one
    /// transaction. A new one is linked to an existing phone account (no identity yet) only when the
    /// provider verified that very phone; otherwise it is a separate account (with the verified phone
    /// when no other account has it). Refused when another account has the identity number.
    fn upsert_oidc_citizen<'a>(
        &'a self,
        citizen: &'a OidcCitizen,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<OidcUpsert>>;

    /// Stores a sign-in in progress; those expired before `now` are removed.
    fn insert_oidc_login<'a>(
        &'a self,
        login: &'a OidcLogin,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Removes and answers the sign-in in progress of this state hash (once: a concurrent or later
    /// call gets `None`), expired or not.
    fn take_oidc_login<'a>(
        &'a self,
        state_hash: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<OidcLogin>>>;

    /// Records a new code unless the resend interval, the key's or the address's hourly limit says
    /// no, all in one transaction serialised per key and per address (PostgreSQL: advisory locks;
    /// SQLite: `BEGIN IMMEDIATE`), so parallel requests cannot all pass the checks. Older unused codes
    /// of the key stop working.
    fn issue_otp<'a>(&'a self, otp: &'a NewOtp<'a>) -> BoxFuture<'a, anyhow::Result<OtpIssue>>;

    /// The newest code of this phone not used yet (expired or not).
    fn current_otp<'a>(&'a self, phone: &'a str) -> BoxFuture<'a, anyhow::Result<Option<OtpRow>>>;

    /// Counts a try against the newest live code of `key` before it is compared, in one statement:
    /// the code (with the count including this try) when it is unused, unexpired and had fewer than
    /// `max_attempts` tries; `None` (nothing counted) otherwise.
    fn try_otp<'a>(
        &'a self,
        key: &'a str,
        now: DateTime<Utc>,
        max_attempts: i32,
    ) -> BoxFuture<'a, anyhow::Result<Option<OtpRow>>>;

    /// Marks a code used; false when it was used already (by a concurrent request).
    fn consume_otp(&self, id: i64, now: DateTime<Utc>) -> BoxFuture<'_, anyhow::Result<bool>>;

    /// Stores a session.
    fn insert_session<'a>(&'a self, session: &'a NewSession) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The session with this token hash, unless revoked or its staff account disabled.
    fn find_session<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<SessionRow>>>;

    /// Records activity on a session.
    fn touch_session<'a>(
        &'a self,
        token_hash: &'a str,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Ends a session.
    fn revoke_session<'a>(
        &'a self,
        token_hash: &'a str,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The citizen account the national e-identity linked to this identity number, if there is one:
    /// `Some(its proved phone, if any)`.
    fn identity_account_phone<'a>(
        &'a self,
        identity_number: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<Option<String>>>>;
}

/// The columns of a staff account, in the order [`staff_from_row`] reads them.
macro_rules! staff_columns {
    () => {
        "CAST(s.id AS TEXT), s.username, s.display_name, s.password_hash, s.role, \
         s.must_change_password, s.disabled, s.failed_logins, s.locked_until, s.created_at, s.title"
    };
}
pub(super) use staff_columns;

/// A staff row as selected by `staff_columns!()`.
pub(super) type StaffRow = (
    String,
    String,
    String,
    String,
    String,
    bool,
    bool,
    i32,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    String,
);

pub(super) fn staff_from_row(
    row: StaffRow,
    jurisdictions: Vec<String>,
) -> anyhow::Result<StaffRecord> {
    let (
        id,
        username,
        display_name,
        password_hash,
        role,
        must_change_password,
        disabled,
        failed_logins,
        locked_until,
        created_at,
        title,
    ) = row;
    Ok(StaffRecord {
        id: uuid::Uuid::parse_str(&id)?,
        username,
        display_name,
        password_hash,
        role,
        title,
        must_change_password,
        disabled,
        failed_logins,
        locked_until,
        created_at,
        jurisdictions,
    })
}

/// Writes `impl AuthStore for $store` (in the backend's module: it uses `Self::staff_id`,
/// `self.write_turn()`, `self.begin_write()` and `Self::serialise_on`).
macro_rules! auth_store {
    ($store:ty) => {
        impl $store {
            async fn auth_jurisdictions(&self, id: &str) -> Result<Vec<String>, sqlx::Error> {
                sqlx::query_scalar(
                    "SELECT jurisdiction FROM staff_jurisdictions \
                     WHERE CAST(staff_id AS TEXT) = $1 ORDER BY jurisdiction",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await
            }

            async fn auth_staff_where(
                &self,
                condition: &str,
                param: &str,
            ) -> ::anyhow::Result<Option<$crate::store::auth::StaffRecord>> {
                let sql = format!(
                    "SELECT {} FROM staff_accounts s WHERE {condition}",
                    $crate::store::auth::staff_columns!()
                );
                let row: Option<$crate::store::auth::StaffRow> = sqlx::query_as(&sql)
                    .bind(param)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let jurisdictions = self.auth_jurisdictions(&row.0).await?;
                Ok(Some($crate::store::auth::staff_from_row(row, jurisdictions)?))
            }
        }

        impl $crate::store::auth::AuthStore for $store {
            fn staff_by_username<'a>(
                &'a self,
                username: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::auth::StaffRecord>>,
            > {
                Box::pin(async move {
                    self.auth_staff_where("lower(s.username) = lower($1)", username)
                        .await
                })
            }

            fn staff_by_id(
                &self,
                id: ::uuid::Uuid,
            ) -> ::futures::future::BoxFuture<
                '_,
                ::anyhow::Result<Option<$crate::store::auth::StaffRecord>>,
            > {
                Box::pin(async move {
                    self.auth_staff_where("CAST(s.id AS TEXT) = $1", &id.hyphenated().to_string())
                        .await
                })
            }

            fn store_key(
                &self,
                account: $crate::store::auth::AccountRef,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<Option<String>>> {
                Box::pin(async move {
                    use $crate::store::auth::AccountRef;
                    let (sql, id) = match account {
                        AccountRef::Citizen(id) => (
                            "SELECT store_key FROM citizen_accounts WHERE id = $1",
                            id,
                        ),
                        AccountRef::Staff(id) => (
                            "SELECT store_key FROM staff_accounts WHERE id = $1",
                            id,
                        ),
                    };
                    let key: Option<Option<String>> = sqlx::query_scalar(sql)
                        .bind(Self::staff_id(id))
                        .fetch_optional(&self.pool)
                        .await?;
                    Ok(key.flatten())
                })
            }

            fn list_staff(
                &self,
            ) -> ::futures::future::BoxFuture<
                '_,
                ::anyhow::Result<Vec<$crate::store::auth::StaffRecord>>,
            > {
                Box::pin(async move {
                    let sql = format!(
                        "SELECT {} FROM staff_accounts s ORDER BY lower(s.username)",
                        $crate::store::auth::staff_columns!()
                    );
                    let rows: Vec<$crate::store::auth::StaffRow> =
                        sqlx::query_as(&sql).fetch_all(&self.pool).await?;
                    let pairs: Vec<(String, String)> = sqlx::query_as(
                        "SELECT CAST(staff_id AS TEXT), jurisdiction FROM staff_jurisdictions \
                         ORDER BY jurisdiction",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    rows.into_iter()
                        .map(|row| {
                            let mine = pairs
                                .iter()
                                .filter(|(id, _)| *id == row.0)
                                .map(|(_, j)| j.clone())
                                .collect();
                            $crate::store::auth::staff_from_row(row, mine)
                        })
                        .collect()
                })
            }

            fn create_staff<'a>(
                &'a self,
                staff: &'a $crate::store::NewStaff,
                jurisdictions: &'a [String],
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let mut tx = self.pool.begin().await?;
                    let inserted = sqlx::query(
                        "INSERT INTO staff_accounts (id, username, display_name, password_hash, role, \
                         must_change_password, created_at, title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(Self::staff_id(staff.id))
                    .bind(&staff.username)
                    .bind(&staff.display_name)
                    .bind(&staff.password_hash)
                    .bind(&staff.role)
                    .bind(staff.must_change_password)
                    .bind(staff.created_at)
                    .bind(&staff.title)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if inserted == 0 {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                    for j in jurisdictions {
                        sqlx::query(
                            "INSERT INTO staff_jurisdictions (staff_id, jurisdiction) VALUES ($1, $2) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(Self::staff_id(staff.id))
                        .bind(j)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(true)
                })
            }

            fn set_staff_jurisdictions<'a>(
                &'a self,
                id: ::uuid::Uuid,
                jurisdictions: &'a [String],
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let mut tx = self.pool.begin().await?;
                    sqlx::query("DELETE FROM staff_jurisdictions WHERE staff_id = $1")
                        .bind(Self::staff_id(id))
                        .execute(&mut *tx)
                        .await?;
                    for j in jurisdictions {
                        sqlx::query(
                            "INSERT INTO staff_jurisdictions (staff_id, jurisdiction) VALUES ($1, $2) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(Self::staff_id(id))
                        .bind(j)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                })
            }

            fn set_staff_title<'a>(
                &'a self,
                id: ::uuid::Uuid,
                title: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query("UPDATE staff_accounts SET title = $2 WHERE id = $1")
                        .bind(Self::staff_id(id))
                        .bind(title)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                })
            }

            fn set_staff_disabled(
                &self,
                id: ::uuid::Uuid,
                disabled: bool,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let mut tx = self.pool.begin().await?;
                    let found = sqlx::query(
                        "UPDATE staff_accounts SET disabled = $2, failed_logins = 0, locked_until = NULL \
                         WHERE id = $1",
                    )
                    .bind(Self::staff_id(id))
                    .bind(disabled)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if disabled {
                        sqlx::query(
                            "UPDATE sessions SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL",
                        )
                        .bind(Self::staff_id(id))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    }
                    tx.commit().await?;
                    Ok(found > 0)
                })
            }

            fn claim_staff_try<'a>(
                &'a self,
                username: &'a str,
                client_ip: &'a str,
                now: ::chrono::DateTime<::chrono::Utc>,
                max_failures: i32,
                max_wait_secs: i64,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<$crate::store::auth::StaffTry>>
            {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let mut tx = self.begin_write().await?;
                    // A day without a wrong password forgets them (and keeps the table small).
                    sqlx::query("DELETE FROM staff_login_backoff WHERE last_failure_at < $1")
                        .bind(now - ::chrono::Duration::days(1))
                        .execute(&mut *tx)
                        .await?;
                    // On PostgreSQL the upsert locks the pair's row until the commit: a parallel try
                    // waits, then sees the count and the wait this one set.
                    let failures: Option<i32> = sqlx::query_scalar(
                        "INSERT INTO staff_login_backoff \
                         (username, client_ip, failures, blocked_until, last_failure_at) \
                         VALUES ($1, $2, 1, NULL, $3) \
                         ON CONFLICT (username, client_ip) DO UPDATE \
                         SET failures = staff_login_backoff.failures + 1, \
                         last_failure_at = excluded.last_failure_at \
                         WHERE staff_login_backoff.blocked_until IS NULL \
                         OR staff_login_backoff.blocked_until <= $3 \
                         RETURNING failures",
                    )
                    .bind(username)
                    .bind(client_ip)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(failures) = failures else {
                        let until: Option<::chrono::DateTime<::chrono::Utc>> = sqlx::query_scalar(
                            "SELECT blocked_until FROM staff_login_backoff \
                             WHERE username = $1 AND client_ip = $2",
                        )
                        .bind(username)
                        .bind(client_ip)
                        .fetch_optional(&mut *tx)
                        .await?
                        .flatten();
                        tx.commit().await?;
                        return Ok($crate::store::auth::StaffTry::Waiting {
                            until: until.unwrap_or(now),
                        });
                    };
                    let blocked_until = $crate::store::auth::staff_backoff_secs(
                        failures,
                        max_failures,
                        max_wait_secs,
                    )
                    .map(|secs| now + ::chrono::Duration::seconds(secs));
                    sqlx::query(
                        "UPDATE staff_login_backoff SET blocked_until = $3 \
                         WHERE username = $1 AND client_ip = $2",
                    )
                    .bind(username)
                    .bind(client_ip)
                    .bind(blocked_until)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok($crate::store::auth::StaffTry::Counted {
                        failures,
                        blocked_until,
                    })
                })
            }

            fn clear_staff_tries<'a>(
                &'a self,
                username: &'a str,
                client_ip: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "DELETE FROM staff_login_backoff WHERE username = $1 AND client_ip = $2",
                    )
                    .bind(username)
                    .bind(client_ip)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn take_hit<'a>(
                &'a self,
                bucket: &'a str,
                now: ::chrono::DateTime<::chrono::Utc>,
                window_secs: i64,
                limit: i64,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<$crate::store::auth::Hit>> {
                Box::pin(async move {
                    use $crate::store::auth::Hit;
                    let slot = now.timestamp().div_euclid(60) * 60;
                    // The slots still in the window: those that began after `now - window`.
                    let first = now.timestamp() - window_secs;
                    let _turn = self.write_turn().await;
                    let mut tx = self.begin_write().await?;
                    Self::serialise_on(&mut *tx, 3, bucket).await?;
                    // Slots that left every window.
                    sqlx::query("DELETE FROM auth_counters WHERE window_start < $1")
                        .bind(slot - 86_400)
                        .execute(&mut *tx)
                        .await?;
                    let (taken, oldest): (Option<i64>, Option<i64>) = sqlx::query_as(
                        "SELECT CAST(SUM(hits) AS BIGINT), CAST(MIN(window_start) AS BIGINT) \
                         FROM auth_counters WHERE bucket = $1 AND window_start > $2 AND hits > 0",
                    )
                    .bind(bucket)
                    .bind(first)
                    .fetch_one(&mut *tx)
                    .await?;
                    if taken.unwrap_or(0) >= limit {
                        tx.rollback().await?;
                        let free = oldest.map_or(slot + 60, |oldest| oldest + window_secs);
                        let until = ::chrono::DateTime::<::chrono::Utc>::from_timestamp(free, 0)
                            .unwrap_or(now);
                        return Ok(Hit::Refused { until });
                    }
                    sqlx::query(
                        "INSERT INTO auth_counters (bucket, window_start, hits) VALUES ($1, $2, 1) \
                         ON CONFLICT (bucket, window_start) DO UPDATE \
                         SET hits = auth_counters.hits + 1",
                    )
                    .bind(bucket)
                    .bind(slot)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(Hit::Taken(slot))
                })
            }

            fn give_back_hit<'a>(
                &'a self,
                bucket: &'a str,
                slot: i64,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "UPDATE auth_counters SET hits = hits - 1 \
                         WHERE bucket = $1 AND window_start = $2 AND hits > 0",
                    )
                    .bind(bucket)
                    .bind(slot)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn set_staff_password<'a>(
                &'a self,
                id: ::uuid::Uuid,
                password_hash: &'a str,
                must_change: bool,
                keep_session: Option<&'a str>,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "UPDATE staff_accounts SET password_hash = $2, must_change_password = $3, \
                         password_changed_at = $4, failed_logins = 0, locked_until = NULL WHERE id = $1",
                    )
                    .bind(Self::staff_id(id))
                    .bind(password_hash)
                    .bind(must_change)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE sessions SET revoked_at = $2 WHERE staff_id = $1 AND revoked_at IS NULL \
                         AND token_hash <> $3",
                    )
                    .bind(Self::staff_id(id))
                    .bind(now)
                    .bind(keep_session.unwrap_or(""))
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                })
            }

            fn upsert_citizen<'a>(
                &'a self,
                phone: &'a str,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<::uuid::Uuid>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let id: String = sqlx::query_scalar(
                        "INSERT INTO citizen_accounts (id, phone, created_at, last_sign_in_at) \
                         VALUES ($1, $2, $3, $3) ON CONFLICT (phone) \
                         DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at \
                         RETURNING CAST(id AS TEXT)",
                    )
                    .bind(Self::staff_id(::uuid::Uuid::new_v4()))
                    .bind(phone)
                    .bind(now)
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(::uuid::Uuid::parse_str(&id)?)
                })
            }

            fn upsert_oidc_citizen<'a>(
                &'a self,
                citizen: &'a $crate::store::auth::OidcCitizen,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<$crate::store::auth::OidcUpsert>,
            > {
                Box::pin(async move {
                    use $crate::store::auth::OidcUpsert;
                    let identity = &citizen.identity;
                    let _turn = self.write_turn().await;
                    // Checks and writes serialised with every other e-identity sign-in, so two first
                    // sign-ins at once (same subject or same number) cannot both pass the checks.
                    let mut tx = self.begin_write().await?;
                    Self::serialise_on(&mut *tx, 16, "oidc-citizen").await?;
                    let mine: Option<String> = sqlx::query_scalar(
                        "SELECT CAST(id AS TEXT) FROM citizen_accounts \
                         WHERE oidc_issuer = $1 AND oidc_subject = $2",
                    )
                    .bind(&citizen.issuer)
                    .bind(&citizen.subject)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let holder: Option<String> = sqlx::query_scalar(
                        "SELECT CAST(id AS TEXT) FROM citizen_accounts WHERE identity_number = $1",
                    )
                    .bind(&identity.identity_number)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if holder.is_some() && holder != mine {
                        return Ok(OidcUpsert::IdentityNumberTaken);
                    }
                    // The account to update: this subject's, or a phone account (with no identity yet)
                    // of the very phone the provider verified.
                    let (target, created, linked) = if let Some(id) = mine {
                        (Some(id), false, false)
                    } else if let Some(phone) = &citizen.verified_phone {
                        let row: Option<(String, Option<String>)> = sqlx::query_as(
                            "SELECT CAST(id AS TEXT), oidc_subject FROM citizen_accounts WHERE phone = $1",
                        )
                        .bind(phone)
                        .fetch_optional(&mut *tx)
                        .await?;
                        match row {
                            Some((id, None)) => (Some(id), false, true),
                            _ => (None, true, false),
                        }
                    } else {
                        (None, true, false)
                    };
                    let id = if let Some(id) = target {
                        let id = ::uuid::Uuid::parse_str(&id)?;
                        sqlx::query(
                            "UPDATE citizen_accounts SET identity_number = $2, full_name = $3, \
                             birth_date = $4, gender = $5, address = $6, assurance_level = $7, \
                             oidc_issuer = $8, oidc_subject = $9, identity_verified_at = $10, \
                             last_sign_in_at = $10 WHERE id = $1",
                        )
                        .bind(Self::staff_id(id))
                        .bind(&identity.identity_number)
                        .bind(&identity.full_name)
                        .bind(&identity.birth_date)
                        .bind(&identity.gender)
                        .bind(&identity.address)
                        .bind(&identity.assurance_level)
                        .bind(&citizen.issuer)
                        .bind(&citizen.subject)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        id
                    } else {
                        // The verified phone goes with the new account unless another account has it.
                        let phone_free = match &citizen.verified_phone {
                            Some(phone) => sqlx::query_scalar::<_, i64>(
                                "SELECT COUNT(*) FROM citizen_accounts WHERE phone = $1",
                            )
                            .bind(phone)
                            .fetch_one(&mut *tx)
                            .await?
                                == 0,
                            None => false,
                        };
                        let id = ::uuid::Uuid::new_v4();
                        sqlx::query(
                            "INSERT INTO citizen_accounts (id, phone, created_at, last_sign_in_at, \
                             identity_number, full_name, birth_date, gender, address, assurance_level, \
                             oidc_issuer, oidc_subject, identity_verified_at) \
                             VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $3)",
                        )
                        .bind(Self::staff_id(id))
                        .bind(citizen.verified_phone.as_deref().filter(|_| phone_free))
                        .bind(now)
                        .bind(&identity.identity_number)
                        .bind(&identity.full_name)
                        .bind(&identity.birth_date)
                        .bind(&identity.gender)
                        .bind(&identity.address)
                        .bind(&identity.assurance_level)
                        .bind(&citizen.issuer)
                        .bind(&citizen.subject)
                        .execute(&mut *tx)
                        .await?;
                        id
                    };
                    tx.commit().await?;
                    Ok(OidcUpsert::Account {
                        id,
                        created,
                        linked,
                    })
                })
            }

            fn insert_oidc_login<'a>(
                &'a self,
                login: &'a $crate::store::auth::OidcLogin,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let mut tx = self.pool.begin().await?;
                    sqlx::query("DELETE FROM oidc_logins WHERE expires_at < $1")
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query(
                        "INSERT INTO oidc_logins (state_hash, browser_hash, nonce, pkce_verifier, \
                         next_path, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&login.state_hash)
                    .bind(&login.browser_hash)
                    .bind(&login.nonce)
                    .bind(&login.pkce_verifier)
                    .bind(&login.next_path)
                    .bind(login.created_at)
                    .bind(login.expires_at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                })
            }

            fn take_oidc_login<'a>(
                &'a self,
                state_hash: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::auth::OidcLogin>>,
            > {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let row: Option<(
                        String,
                        String,
                        String,
                        String,
                        String,
                        ::chrono::DateTime<::chrono::Utc>,
                        ::chrono::DateTime<::chrono::Utc>,
                    )> = sqlx::query_as(
                        "DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING state_hash, \
                         browser_hash, nonce, pkce_verifier, next_path, created_at, expires_at",
                    )
                    .bind(state_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(row.map(
                        |(state_hash, browser_hash, nonce, pkce_verifier, next_path, created_at, expires_at)| {
                            $crate::store::auth::OidcLogin {
                                state_hash,
                                browser_hash,
                                nonce,
                                pkce_verifier,
                                next_path,
                                created_at,
                                expires_at,
                            }
                        },
                    ))
                })
            }

            fn issue_otp<'a>(
                &'a self,
                otp: &'a $crate::store::auth::NewOtp<'a>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<$crate::store::auth::OtpIssue>>
            {
                Box::pin(async move {
                    use $crate::store::auth::OtpIssue;
                    let _turn = self.write_turn().await;
                    let mut tx = self.begin_write().await?;
                    // Key first, then address, always in this order (no deadlock).
                    Self::serialise_on(&mut *tx, 1, otp.key).await?;
                    if let Some(ip) = otp.client_ip {
                        Self::serialise_on(&mut *tx, 2, ip).await?;
                    }
                    let last: Option<::chrono::DateTime<::chrono::Utc>> = sqlx::query_scalar(
                        "SELECT created_at FROM otp_codes WHERE phone = $1 ORDER BY id DESC LIMIT 1",
                    )
                    .bind(otp.key)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let ready = last.map(|last| last + ::chrono::Duration::seconds(otp.resend_secs));
                    let refusal = if let Some(ready) = ready.filter(|ready| *ready > otp.now) {
                        Some(OtpIssue::TooSoon {
                            wait_secs: (ready - otp.now).num_seconds().max(1),
                        })
                    } else {
                        let hour_ago = otp.now - ::chrono::Duration::hours(1);
                        let sent: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM otp_codes WHERE phone = $1 AND created_at > $2",
                        )
                        .bind(otp.key)
                        .bind(hour_ago)
                        .fetch_one(&mut *tx)
                        .await?;
                        if sent >= otp.per_key_per_hour {
                            Some(OtpIssue::KeyLimit { sent })
                        } else if let Some(ip) = otp.client_ip {
                            let from_here: i64 = sqlx::query_scalar(
                                "SELECT COUNT(*) FROM otp_codes WHERE client_ip = $1 AND created_at > $2",
                            )
                            .bind(ip)
                            .bind(hour_ago)
                            .fetch_one(&mut *tx)
                            .await?;
                            (from_here >= otp.per_client_per_hour).then_some(OtpIssue::ClientLimit)
                        } else {
                            None
                        }
                    };
                    if let Some(refusal) = refusal {
                        tx.rollback().await?;
                        return Ok(refusal);
                    }
                    sqlx::query(
                        "UPDATE otp_codes SET consumed_at = $2 WHERE phone = $1 AND consumed_at IS NULL",
                    )
                    .bind(otp.key)
                    .bind(otp.now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO otp_codes (phone, code_hash, client_ip, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(otp.key)
                    .bind(otp.code_hash)
                    .bind(otp.client_ip)
                    .bind(otp.now)
                    .bind(otp.expires_at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(OtpIssue::Recorded)
                })
            }

            fn current_otp<'a>(
                &'a self,
                phone: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::auth::OtpRow>>,
            > {
                Box::pin(async move {
                    let row: Option<(
                        i64,
                        String,
                        i32,
                        ::chrono::DateTime<::chrono::Utc>,
                        ::chrono::DateTime<::chrono::Utc>,
                    )> = sqlx::query_as(
                        "SELECT id, code_hash, attempts, created_at, expires_at FROM otp_codes \
                         WHERE phone = $1 AND consumed_at IS NULL ORDER BY id DESC LIMIT 1",
                    )
                    .bind(phone)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(row.map(|(id, code_hash, attempts, created_at, expires_at)| {
                        $crate::store::auth::OtpRow {
                            id,
                            code_hash,
                            attempts,
                            created_at,
                            expires_at,
                        }
                    }))
                })
            }

            fn try_otp<'a>(
                &'a self,
                key: &'a str,
                now: ::chrono::DateTime<::chrono::Utc>,
                max_attempts: i32,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::auth::OtpRow>>,
            > {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    // One statement: on PostgreSQL a parallel try waits for the row and then checks
                    // the count again; on SQLite writers take turns.
                    let row: Option<(
                        i64,
                        String,
                        i32,
                        ::chrono::DateTime<::chrono::Utc>,
                        ::chrono::DateTime<::chrono::Utc>,
                    )> = sqlx::query_as(
                        "UPDATE otp_codes SET attempts = attempts + 1 \
                         WHERE id = (SELECT id FROM otp_codes WHERE phone = $1 AND consumed_at IS NULL \
                         ORDER BY id DESC LIMIT 1) \
                         AND consumed_at IS NULL AND expires_at > $2 AND attempts < $3 \
                         RETURNING id, code_hash, attempts, created_at, expires_at",
                    )
                    .bind(key)
                    .bind(now)
                    .bind(max_attempts)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(row.map(|(id, code_hash, attempts, created_at, expires_at)| {
                        $crate::store::auth::OtpRow {
                            id,
                            code_hash,
                            attempts,
                            created_at,
                            expires_at,
                        }
                    }))
                })
            }

            fn consume_otp(
                &self,
                id: i64,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let n = sqlx::query(
                        "UPDATE otp_codes SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                    Ok(n == 1)
                })
            }

            fn insert_session<'a>(
                &'a self,
                session: &'a $crate::store::auth::NewSession,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    use $crate::store::auth::NewSessionOwner;
                    let (kind, citizen, staff, sign_in) = match session.owner {
                        NewSessionOwner::Citizen(id) => {
                            ("citizen", Some(Self::staff_id(id)), None, Some("phone"))
                        }
                        NewSessionOwner::CitizenByIdentity(id) => {
                            ("citizen", Some(Self::staff_id(id)), None, Some("vneid"))
                        }
                        NewSessionOwner::Staff(id) => ("staff", None, Some(Self::staff_id(id)), None),
                    };
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, kind, citizen_id, staff_id, csrf_token, \
                         client_ip, created_at, last_seen_at, idle_seconds, expires_at, sign_in) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)",
                    )
                    .bind(&session.token_hash)
                    .bind(kind)
                    .bind(citizen)
                    .bind(staff)
                    .bind(&session.csrf_token)
                    .bind(&session.client_ip)
                    .bind(session.created_at)
                    .bind(session.idle_seconds)
                    .bind(session.expires_at)
                    .bind(sign_in)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn find_session<'a>(
                &'a self,
                token_hash: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::auth::SessionRow>>,
            > {
                Box::pin(async move {
                    type Row = (
                        String,
                        Option<String>,
                        Option<String>,
                        Option<String>,
                        String,
                        ::chrono::DateTime<::chrono::Utc>,
                        ::chrono::DateTime<::chrono::Utc>,
                        i64,
                        ::chrono::DateTime<::chrono::Utc>,
                        Option<String>,
                        Option<String>,
                        Option<String>,
                        Option<String>,
                        Option<String>,
                        Option<String>,
                        Option<String>,
                    );
                    let row: Option<Row> = sqlx::query_as(
                        "SELECT s.kind, CAST(s.citizen_id AS TEXT), c.phone, CAST(s.staff_id AS TEXT), \
                         s.csrf_token, s.created_at, s.last_seen_at, s.idle_seconds, s.expires_at, \
                         c.identity_number, c.full_name, c.birth_date, c.gender, c.address, \
                         c.assurance_level, s.sign_in \
                         FROM sessions s LEFT JOIN citizen_accounts c ON c.id = s.citizen_id \
                         WHERE s.token_hash = $1 AND s.revoked_at IS NULL",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some((
                        kind,
                        citizen_id,
                        phone,
                        staff_id,
                        csrf_token,
                        created_at,
                        last_seen_at,
                        idle_seconds,
                        expires_at,
                        identity_number,
                        full_name,
                        birth_date,
                        gender,
                        address,
                        assurance_level,
                        sign_in,
                    )) = row
                    else {
                        return Ok(None);
                    };
                    let owner = match (kind.as_str(), citizen_id, staff_id) {
                        ("citizen", Some(id), _) => {
                            // Only a session the e-identity started carries the identity: a phone
                            // code proves the SIM, not the person (the account may be linked to both).
                            let by_identity = sign_in.as_deref() == Some("vneid");
                            let identity = match (identity_number, full_name) {
                                (Some(identity_number), Some(full_name)) if by_identity => {
                                    Some(::domain::api::VerifiedIdentity {
                                        identity_number,
                                        full_name,
                                        birth_date,
                                        gender,
                                        address,
                                        assurance_level,
                                    })
                                }
                                _ => None,
                            };
                            if phone.is_none() && identity.is_none() {
                                return Ok(None);
                            }
                            $crate::store::auth::SessionOwner::Citizen {
                                id: ::uuid::Uuid::parse_str(&id)?,
                                phone,
                                identity,
                            }
                        }
                        ("staff", _, Some(id)) => {
                            match self.auth_staff_where("CAST(s.id AS TEXT) = $1", &id).await? {
                                Some(staff) if !staff.disabled => {
                                    $crate::store::auth::SessionOwner::Staff(Box::new(staff))
                                }
                                _ => return Ok(None),
                            }
                        }
                        _ => return Ok(None),
                    };
                    Ok(Some($crate::store::auth::SessionRow {
                        owner,
                        csrf_token,
                        created_at,
                        last_seen_at,
                        idle_seconds,
                        expires_at,
                    }))
                })
            }

            fn touch_session<'a>(
                &'a self,
                token_hash: &'a str,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                        .bind(token_hash)
                        .bind(now)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                })
            }

            fn revoke_session<'a>(
                &'a self,
                token_hash: &'a str,
                now: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
                    )
                    .bind(token_hash)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn identity_account_phone<'a>(
                &'a self,
                identity_number: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<Option<Option<String>>>> {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "SELECT phone FROM citizen_accounts WHERE identity_number = $1",
                    )
                    .bind(identity_number.trim())
                    .fetch_optional(&self.pool)
                    .await?)
                })
            }
        }
    };
}
pub(super) use auth_store;

#[cfg(test)]
mod tests {
    use super::staff_backoff_secs;

    #[test]
    fn the_staff_back_off_doubles_from_the_limit_up_to_the_longest_wait() {
        assert_eq!(staff_backoff_secs(4, 5, 900), None);
        assert_eq!(staff_backoff_secs(5, 5, 900), Some(32));
        assert_eq!(staff_backoff_secs(6, 5, 900), Some(64));
        assert_eq!(staff_backoff_secs(9, 5, 900), Some(512));
        assert_eq!(staff_backoff_secs(10, 5, 900), Some(900));
        assert_eq!(staff_backoff_secs(i32::MAX, 5, 900), Some(900));
        // A limit of 0 counts as 1: the first wrong try starts the wait.
        assert_eq!(staff_backoff_secs(1, 0, 900), Some(2));
    }
}
