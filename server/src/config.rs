use std::{net::SocketAddr, path::PathBuf};

/// Where the server listens when nothing else is said.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The server's configuration, read once by `main` from flags and environment, built by hand in tests.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Directory for the SQLite database (unless `database_url` says otherwise) and uploaded files.
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres:…`; `None` means a SQLite file in the data directory.
    pub database_url: Option<String>,
    /// `s3://bucket` for S3-compatible storage; `None` means the `files/` directory in the data directory.
    pub files_url: Option<String>,
    /// The built app (Trunk's `dist/`).
    pub dist_dir: PathBuf,
    /// Sizes the server accepts.
    pub limits: Limits,
    /// The address citizens reach the server at (for links in receipts and QR codes); default
    /// `http://<bind>`.
    pub public_url: Option<String>,
}

/// Upload limits (configurable; the defaults are the issue's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file, in bytes (default 10 MB).
    pub max_file_bytes: u64,
    /// Largest total of a dossier's files, in bytes (default 50 MB).
    pub max_dossier_bytes: u64,
    /// Dossier look-ups (and name checks) a minute from one address (default 30).
    pub lookups_per_minute: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 10_000_000,
            max_dossier_bytes: 50_000_000,
            lookups_per_minute: 30,
            trust_forwarded: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            files_url: None,
            dist_dir: PathBuf::from("dist"),
            limits: Limits::default(),
            public_url: None,
        }
    }
}

impl Config {
    /// The database URL in effect.
    #[must_use]
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!("sqlite://{}", self.data_dir.join("motcua.sqlite").display())
        })
    }

    /// The public address in effect.
    #[must_use]
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }

    /// Where uploaded files go when no object store is configured.
    #[must_use]
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
}
