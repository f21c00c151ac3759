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
    /// The built app (Trunk's `dist/`).
    pub dist_dir: PathBuf,
}

impl Config {
    /// The database URL in effect.
    #[must_use]
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!("sqlite://{}", self.data_dir.join("motcua.sqlite").display())
        })
    }

    /// Where uploaded files go when no object store is configured.
    #[must_use]
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
}
