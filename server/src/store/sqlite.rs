//! The SQLite store: one file in WAL mode with `synchronous=FULL` (a commit is on disk before it is
//! acknowledged), and the process's write transactions queued in order.

use std::{str::FromStr as _, time::Duration};

use anyhow::Context as _;
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::Backend;

/// A pool of connections to one SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// SQLite has one writer at a time. Waiting for it here, in order, is far shorter than waiting in
    /// SQLite's busy handler, which sleeps in steps of up to 100 ms (the submission tail of
    /// `cargo xtask bench server`).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl SqliteStore {
    /// Connects by URL (`sqlite://<file>`), creating the file and its directory when missing.
    ///
    /// # Errors
    /// When the URL is invalid or the file cannot be created or opened.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("invalid SQLite URL {url}"))?;
        Self::connect_with(options).await
    }

    /// Connects with these options, creating the file and its directory when missing; WAL,
    /// `synchronous=FULL`, foreign keys on.
    ///
    /// # Errors
    /// When the file cannot be created or opened.
    pub async fn connect_with(options: SqliteConnectOptions) -> anyhow::Result<Self> {
        let path = options.get_filename().to_owned();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(dir)
                .await
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Acknowledged means durable (ARCHITECTURE §3.3).
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A connection to a local file has nothing to check, and the check is one more round trip
            // to the connection's thread before every query.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the SQLite database {}", path.display()))?;
        Ok(Self {
            pool,
            writer: std::sync::Arc::default(),
        })
    }

    /// The connection pool (for tests and tools that need SQL of their own).
    #[must_use]
    pub const fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    const BACKEND: Backend = Backend::Sqlite;

    async fn run_migrations(&self) -> Result<(), sqlx::migrate::MigrateError> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await
    }

    /// This process's turn to write.
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        Some(self.writer.lock().await)
    }

    /// A write transaction holding SQLite's write lock from its first statement (`BEGIN IMMEDIATE`):
    /// what it reads cannot change before it commits, also from another process on the file.
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// Serialises the transaction with every other one on `key` (in namespace `space`): nothing more
    /// to do, `BEGIN IMMEDIATE` already serialises all writers.
    async fn serialise_on(
        _tx: &mut sqlx::SqliteConnection,
        _space: i32,
        _key: &str,
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// SQLite keeps the UUID as text.
    fn staff_id(id: uuid::Uuid) -> String {
        id.hyphenated().to_string()
    }
}

super::sql::sql_store!(SqliteStore);
super::access::access_store!(SqliteStore);
super::auth::auth_store!(SqliteStore);
super::uploads::upload_store!(SqliteStore);
super::notify::notify_store!(SqliteStore, "");
super::work::work_store!(SqliteStore);
