//! The database connection: SQLite (the embedded default) or PostgreSQL (for several servers), each
//! with its own migrations in `migrations/<backend>/`.

use std::{str::FromStr, time::Duration};

mod dossiers;

pub use dossiers::{HkdRecord, NewAttachment, NewDossier, StoredDossier, SubmitOutcome};

use anyhow::Context as _;
use sqlx::{
    PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

/// Runs the same code on whichever pool a [`Db`] holds. The SQL is written once with `$1`-style
/// placeholders, which SQLite and PostgreSQL both accept; column types are chosen so that the same Rust
/// values bind on both (text, integers, `DateTime<Utc>`, `NaiveDate`).
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Which SQL engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, one file.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A pool of connections to one of the two backends.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite in WAL mode with `synchronous=FULL`: a commit is on disk before it is acknowledged.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

impl Db {
    /// Connects by URL: `sqlite:…` (the file is created when missing) or `postgres:…`.
    ///
    /// # Errors
    /// When the URL names another scheme or the database cannot be reached.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("invalid SQLite URL {url}"))?;
            Self::connect_sqlite(options).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
            Self::connect_postgres(options).await
        } else {
            anyhow::bail!(
                "DATABASE_URL must start with sqlite: or postgres: (for example sqlite://data/motcua.sqlite)"
            )
        }
    }

    /// Connects to SQLite, creating the file and its directory when missing.
    ///
    /// # Errors
    /// When the file cannot be created or opened.
    pub async fn connect_sqlite(options: SqliteConnectOptions) -> anyhow::Result<Self> {
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
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the SQLite database {}", path.display()))?;
        Ok(Self::Sqlite(pool))
    }

    /// Connects to PostgreSQL.
    ///
    /// # Errors
    /// When the server cannot be reached or refuses the login.
    pub async fn connect_postgres(options: PgConnectOptions) -> anyhow::Result<Self> {
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
        Ok(Self::Postgres(pool))
    }

    /// Which engine this is.
    #[must_use]
    pub const fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the migrations of this backend that are not applied yet.
    ///
    /// # Errors
    /// When a migration fails or an applied one was changed.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Self::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await,
            Self::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await,
        }
        .context("database migration failed")
    }

    /// Asks the database to answer a trivial query (readiness).
    ///
    /// # Errors
    /// When the database does not answer.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
            Self::Postgres(pool) => sqlx::query("SELECT 1").execute(pool).await.map(drop),
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
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

impl Db {
    /// The completed upload with this hash.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn find_upload(&self, sha256: &str) -> Result<Option<UploadRow>, sqlx::Error> {
        const SQL_SQLITE: &str = "SELECT sha256, media_type, size, received_size, storage_key FROM uploads WHERE sha256 = ?";
        const SQL_PG: &str = "SELECT sha256, media_type, size, received_size, storage_key FROM uploads WHERE sha256 = $1";
        let row: Option<(String, String, i64, i64, String)> = match self {
            Self::Sqlite(pool) => {
                sqlx::query_as(SQL_SQLITE)
                    .bind(sha256)
                    .fetch_optional(pool)
                    .await?
            }
            Self::Postgres(pool) => {
                sqlx::query_as(SQL_PG)
                    .bind(sha256)
                    .fetch_optional(pool)
                    .await?
            }
        };
        Ok(row.map(
            |(sha256, media_type, size, received_size, storage_key)| UploadRow {
                sha256,
                media_type,
                size,
                received_size,
                storage_key,
            },
        ))
    }

    /// Records a completed upload; a second record of the same hash is a no-op.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn insert_upload(&self, row: &UploadRow) -> Result<(), sqlx::Error> {
        let now = chrono::Utc::now();
        match self {
            Self::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO uploads (sha256, media_type, size, received_size, storage_key, created_at) \
                     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&row.sha256)
                .bind(&row.media_type)
                .bind(row.size)
                .bind(row.received_size)
                .bind(&row.storage_key)
                .bind(now.to_rfc3339())
                .execute(pool)
                .await?;
            }
            Self::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO uploads (sha256, media_type, size, received_size, storage_key, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&row.sha256)
                .bind(&row.media_type)
                .bind(row.size)
                .bind(row.received_size)
                .bind(&row.storage_key)
                .bind(now)
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }
}
