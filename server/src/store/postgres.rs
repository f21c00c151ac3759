//! The PostgreSQL store, for several servers sharing one database.

use std::{str::FromStr as _, time::Duration};

use anyhow::Context as _;
use sqlx::{
    PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use super::Backend;

/// A pool of connections to one PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects by URL (`postgres://user@host:port/db`, options such as
    /// `?options=-c%20search_path%3Dschema` included).
    ///
    /// # Errors
    /// When the URL is invalid, or the server cannot be reached or refuses the login.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
        Self::connect_with(options).await
    }

    /// Connects with these options.
    ///
    /// # Errors
    /// When the server cannot be reached or refuses the login.
    pub async fn connect_with(options: PgConnectOptions) -> anyhow::Result<Self> {
        let target = format!(
            "{}:{}/{}",
            options.get_host(),
            options.get_port(),
            options.get_database().unwrap_or_default()
        );
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .with_context(|| format!("cannot reach PostgreSQL at {target}"))?;
        Ok(Self { pool })
    }

    /// The connection pool (for tests and tools that need SQL of their own).
    #[must_use]
    pub const fn pool(&self) -> &PgPool {
        &self.pool
    }

    const BACKEND: Backend = Backend::Postgres;

    async fn run_migrations(&self) -> Result<(), sqlx::migrate::MigrateError> {
        sqlx::migrate!("migrations/postgres").run(&self.pool).await
    }

    /// PostgreSQL takes concurrent writers itself: no queue.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        None
    }

    /// An ordinary transaction (PostgreSQL serialises what must be with row or advisory locks).
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Serialises the transaction with every other one on `key` (in namespace `space`) until it ends:
    /// a transaction-scoped advisory lock on the key's hash (a collision only serialises more).
    async fn serialise_on(
        tx: &mut sqlx::PgConnection,
        space: i32,
        key: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(space)
            .bind(key)
            .execute(tx)
            .await
            .map(drop)
    }

    /// A `UUID` column.
    const fn staff_id(id: uuid::Uuid) -> uuid::Uuid {
        id
    }
}

super::sql::sql_store!(PgStore);
super::access::access_store!(PgStore);
super::auth::auth_store!(PgStore);
super::uploads::upload_store!(PgStore);
super::notify::notify_store!(PgStore, "FOR UPDATE SKIP LOCKED");
super::work::work_store!(PgStore);
