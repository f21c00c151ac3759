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
    /// Wrong passwords since the last success or lock.
    pub failed_logins: i32,
    /// Locked until then after too many wrong passwords.
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
    /// Wrong codes tried against it.
    pub attempts: i32,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
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
    /// A citizen account.
    Citizen(uuid::Uuid),
    /// A staff account.
    Staff(uuid::Uuid),
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

    /// Counts a wrong password; at `max_failures` the account is locked until `lock_until` and the
    /// count starts again. The count after this one (0 when it locked).
    fn record_login_failure(
        &self,
        id: uuid::Uuid,
        max_failures: i32,
        lock_until: DateTime<Utc>,
    ) -> BoxFuture<'_, anyhow::Result<i32>>;

    /// A successful sign-in: the failure count and lock are cleared.
    fn record_login_success(&self, id: uuid::Uuid) -> BoxFuture<'_, anyhow::Result<()>>;

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

    /// How many codes were sent to this phone since `since`.
    fn otp_count_for_phone<'a>(
        &'a self,
        phone: &'a str,
        since: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<i64>>;

    /// How many codes were asked for from this client address since `since`.
    fn otp_count_for_client<'a>(
        &'a self,
        client_ip: &'a str,
        since: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<i64>>;

    /// When the last code was sent to this phone.
    fn last_otp_at<'a>(
        &'a self,
        phone: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<DateTime<Utc>>>>;

    /// Stores a new code; older unused codes of the phone stop working.
    fn insert_otp<'a>(
        &'a self,
        phone: &'a str,
        code_hash: &'a str,
        client_ip: Option<&'a str>,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The newest code of this phone not used yet (expired or not).
    fn current_otp<'a>(&'a self, phone: &'a str) -> BoxFuture<'a, anyhow::Result<Option<OtpRow>>>;

    /// Counts a wrong code against a code; the new count.
    fn otp_failed_attempt(&self, id: i64) -> BoxFuture<'_, anyhow::Result<i32>>;

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

    /// The codes of the dossiers whose applicant phone is this one, newest first.
    fn dossier_codes_of_phone<'a>(
        &'a self,
        phone: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<String>>>;
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

/// Writes `impl AuthStore for $store` (in the backend's module: it uses `Self::staff_id` and
/// `self.write_turn()`).
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

            fn record_login_failure(
                &self,
                id: ::uuid::Uuid,
                max_failures: i32,
                lock_until: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<i32>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let count: i32 = sqlx::query_scalar(
                        "UPDATE staff_accounts SET failed_logins = failed_logins + 1 WHERE id = $1 \
                         RETURNING failed_logins",
                    )
                    .bind(Self::staff_id(id))
                    .fetch_one(&self.pool)
                    .await?;
                    if count >= max_failures {
                        sqlx::query(
                            "UPDATE staff_accounts SET failed_logins = 0, locked_until = $2 WHERE id = $1",
                        )
                        .bind(Self::staff_id(id))
                        .bind(lock_until)
                        .execute(&self.pool)
                        .await?;
                        return Ok(0);
                    }
                    Ok(count)
                })
            }

            fn record_login_success(
                &self,
                id: ::uuid::Uuid,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                    )
                    .bind(Self::staff_id(id))
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
                    let mut tx = self.pool.begin().await?;
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

            fn otp_count_for_phone<'a>(
                &'a self,
                phone: &'a str,
                since: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<i64>> {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "SELECT COUNT(*) FROM otp_codes WHERE phone = $1 AND created_at > $2",
                    )
                    .bind(phone)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?)
                })
            }

            fn otp_count_for_client<'a>(
                &'a self,
                client_ip: &'a str,
                since: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<i64>> {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "SELECT COUNT(*) FROM otp_codes WHERE client_ip = $1 AND created_at > $2",
                    )
                    .bind(client_ip)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?)
                })
            }

            fn last_otp_at<'a>(
                &'a self,
                phone: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<::chrono::DateTime<::chrono::Utc>>>,
            > {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "SELECT created_at FROM otp_codes WHERE phone = $1 ORDER BY id DESC LIMIT 1",
                    )
                    .bind(phone)
                    .fetch_optional(&self.pool)
                    .await?)
                })
            }

            fn insert_otp<'a>(
                &'a self,
                phone: &'a str,
                code_hash: &'a str,
                client_ip: Option<&'a str>,
                now: ::chrono::DateTime<::chrono::Utc>,
                expires_at: ::chrono::DateTime<::chrono::Utc>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "UPDATE otp_codes SET consumed_at = $2 WHERE phone = $1 AND consumed_at IS NULL",
                    )
                    .bind(phone)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO otp_codes (phone, code_hash, client_ip, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(phone)
                    .bind(code_hash)
                    .bind(client_ip)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
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

            fn otp_failed_attempt(
                &self,
                id: i64,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<i32>> {
                Box::pin(async move {
                    let _turn = self.write_turn().await;
                    Ok(sqlx::query_scalar(
                        "UPDATE otp_codes SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts",
                    )
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?)
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
                    let (kind, citizen, staff) = match session.owner {
                        NewSessionOwner::Citizen(id) => ("citizen", Some(Self::staff_id(id)), None),
                        NewSessionOwner::Staff(id) => ("staff", None, Some(Self::staff_id(id))),
                    };
                    let _turn = self.write_turn().await;
                    sqlx::query(
                        "INSERT INTO sessions (token_hash, kind, citizen_id, staff_id, csrf_token, \
                         client_ip, created_at, last_seen_at, idle_seconds, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)",
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
                    );
                    let row: Option<Row> = sqlx::query_as(
                        "SELECT s.kind, CAST(s.citizen_id AS TEXT), c.phone, CAST(s.staff_id AS TEXT), \
                         s.csrf_token, s.created_at, s.last_seen_at, s.idle_seconds, s.expires_at, \
                         c.identity_number, c.full_name, c.birth_date, c.gender, c.address, \
                         c.assurance_level \
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
                    )) = row
                    else {
                        return Ok(None);
                    };
                    let owner = match (kind.as_str(), citizen_id, staff_id) {
                        ("citizen", Some(id), _) => {
                            let identity = match (identity_number, full_name) {
                                (Some(identity_number), Some(full_name)) => {
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

            fn dossier_codes_of_phone<'a>(
                &'a self,
                phone: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<Vec<String>>> {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "SELECT code FROM dossiers WHERE applicant_phone = $1 \
                         ORDER BY received_at DESC, id DESC",
                    )
                    .bind(phone)
                    .fetch_all(&self.pool)
                    .await?)
                })
            }
        }
    };
}
pub(super) use auth_store;
