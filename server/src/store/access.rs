//! Who may read a dossier (issue 16), as [`AccessStore`], a supertrait of [`Store`](super::Store): the
//! dossier-scoped access tokens (code + a one-time code texted to the dossier's phone) and the dossiers a
//! signed-in citizen owns. Like `sql.rs`, the SQL is written once: `access_store!` expands it into the
//! SQLite and PostgreSQL implementations.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

/// A dossier-scoped access to create.
#[derive(Debug, Clone)]
pub struct NewDossierAccess {
    /// SHA-256 (hex) of the token the cookie carries.
    pub token_hash: String,
    /// The one dossier it reads.
    pub dossier_code: String,
    /// Where from.
    pub client_ip: Option<String>,
    /// Now.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// The dossier a scoped token reads and when the token ends.
pub type ScopedDossier = (String, DateTime<Utc>);

/// Scoped access and ownership.
pub trait AccessStore: Send + Sync + 'static {
    /// Keeps a dossier-scoped access (and forgets those that ended).
    fn insert_dossier_access<'a>(
        &'a self,
        access: &'a NewDossierAccess,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The dossier code a scoped token reads and when it ends, if the token is known.
    fn dossier_access<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<ScopedDossier>>>;

    /// The codes of the dossiers a citizen owns, newest first: those the account filed, those whose
    /// filer or owner has this identity number, those sent with this phone.
    fn dossier_codes_of_citizen<'a>(
        &'a self,
        account_id: uuid::Uuid,
        identity_number: Option<&'a str>,
        phone: Option<&'a str>,
    ) -> BoxFuture<'a, anyhow::Result<Vec<String>>>;
}

/// Writes `impl AccessStore for $store` (`$store` has `pool` and `staff_id`, which binds a UUID).
macro_rules! access_store {
    ($store:ty) => {
        impl $crate::store::access::AccessStore for $store {
            fn insert_dossier_access<'a>(
                &'a self,
                access: &'a $crate::store::access::NewDossierAccess,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    let mut tx = self.pool.begin().await?;
                    sqlx::query(
                        "INSERT INTO dossier_access (token_hash, dossier_code, client_ip, created_at, \
                         expires_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&access.token_hash)
                    .bind(&access.dossier_code)
                    .bind(&access.client_ip)
                    .bind(access.created_at)
                    .bind(access.expires_at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM dossier_access WHERE expires_at < $1")
                        .bind(access.created_at)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    drop(turn);
                    Ok(())
                })
            }

            fn dossier_access<'a>(
                &'a self,
                token_hash: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::access::ScopedDossier>>,
            > {
                Box::pin(async move {
                    Ok(sqlx::query_as(
                        "SELECT dossier_code, expires_at FROM dossier_access WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?)
                })
            }

            fn dossier_codes_of_citizen<'a>(
                &'a self,
                account_id: ::uuid::Uuid,
                identity_number: Option<&'a str>,
                phone: Option<&'a str>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<Vec<String>>> {
                Box::pin(async move {
                    // A NULL parameter matches nothing (`x = NULL` is never true).
                    Ok(sqlx::query_scalar(
                        "SELECT code FROM dossiers WHERE filer_account_id = $1 \
                         OR filer_identity = $2 OR owner_identity = $2 OR applicant_phone = $3 \
                         ORDER BY received_at DESC, id DESC",
                    )
                    .bind(Self::staff_id(account_id))
                    .bind(identity_number)
                    .bind(phone)
                    .fetch_all(&self.pool)
                    .await?)
                })
            }
        }
    };
}
pub(crate) use access_store;
