//! The machine's ceilings for `cargo xtask bench server`: what this machine can do with nothing of
//! motcua in the way, so the benchmark can print how close the real server comes.
//!
//! ```text
//! cargo run --release -p motcua-server --example bench_baseline -- empty-http --bind 127.0.0.1:0
//! cargo run --release -p motcua-server --example bench_baseline -- sqlite-inserts --dir /tmp/x --seconds 10
//! ```
//!
//! - `empty-http` serves an empty axum handler (`GET /` → 200, no body) on the same Tokio runtime the
//!   server uses, and prints its URL on stdout: the HTTP ceiling for look-ups.
//! - `sqlite-inserts` commits one small row per transaction into a fresh SQLite file, with the
//!   server's durability (WAL, `synchronous=FULL`, through sqlx), for a number of seconds, and prints
//!   `inserts_per_second=… p50_ms=… p99_ms=…` (per transaction): the ceiling for durable submissions, since SQLite has one writer at a time.

use std::{io::Write as _, net::SocketAddr, path::PathBuf, str::FromStr as _, time::Duration};

use anyhow::Context as _;
use axum::{Router, routing::get};
use clap::{Parser, Subcommand};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::time::Instant;

/// Baselines for `cargo xtask bench server`.
#[derive(Debug, Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve an empty handler at `/` and print the URL.
    EmptyHttp {
        /// Address and port to listen on (port 0: a free one).
        #[arg(long, default_value = "127.0.0.1:0")]
        bind: SocketAddr,
    },
    /// Insert one row per committed transaction (WAL, synchronous=FULL) and print the rate.
    SqliteInserts {
        /// Directory for the throw-away database file.
        #[arg(long)]
        dir: PathBuf,
        /// How long to insert.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::EmptyHttp { bind } => empty_http(bind).await,
        Command::SqliteInserts { dir, seconds } => {
            sqlite_inserts(dir, Duration::from_secs(seconds)).await
        }
    }
}

async fn empty_http(bind: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    writeln!(std::io::stdout(), "empty handler at http://{addr}/")?;
    let app = Router::new().route("/", get(|| async {}));
    axum::serve(listener, app).await?;
    Ok(())
}

async fn sqlite_inserts(dir: PathBuf, duration: Duration) -> anyhow::Result<()> {
    tokio::fs::create_dir_all(&dir)
        .await
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let file = dir.join("baseline.sqlite");
    // The options of `server::SqliteStore::connect_with`: acknowledged means on disk.
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(&file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .with_context(|| format!("cannot open {}", file.display()))?;
    sqlx::query(
        "CREATE TABLE rows (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)",
    )
    .execute(&pool)
    .await?;
    // About the size of a dossier's form and receipt.
    let payload = "x".repeat(1024);
    let started = Instant::now();
    let mut commits_us: Vec<u64> = Vec::new();
    while started.elapsed() < duration {
        let begun = Instant::now();
        let mut tx = pool.begin().await?;
        sqlx::query("INSERT INTO rows (key, payload) VALUES ($1, $2)")
            .bind(format!("key-{}", commits_us.len()))
            .bind(&payload)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        commits_us.push(u64::try_from(begun.elapsed().as_micros()).unwrap_or(u64::MAX));
    }
    let seconds = started.elapsed().as_secs_f64();
    pool.close().await;
    let inserts = commits_us.len();
    commits_us.sort_unstable();
    let percentile_ms = |p: usize| {
        commits_us
            .get((inserts * p / 100).min(inserts.saturating_sub(1)))
            .map_or(0.0, |&us| us as f64 / 1000.0)
    };
    writeln!(
        std::io::stdout(),
        "{inserts} durable inserts in {seconds:.1} s\n\
         inserts_per_second={:.1} p50_ms={:.3} p99_ms={:.3}",
        inserts as f64 / seconds,
        percentile_ms(50),
        percentile_ms(99),
    )?;
    Ok(())
}
