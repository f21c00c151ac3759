//! `cargo xtask test`: everything CI checks, in the order that fails fastest.

use std::{
    net::{SocketAddr, TcpStream},
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use anyhow::bail;

use crate::{
    build, tools,
    util::{self, cargo, run, say, step},
};

/// The PostgreSQL the database tests use; each test makes its own schema in it.
const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The PostgreSQL of the database tests: `MOTCUA_TEST_POSTGRES`, else the machine's.
pub(crate) fn test_postgres() -> String {
    std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_owned())
}

pub(crate) fn test() -> anyhow::Result<()> {
    let started = Instant::now();

    step("formatting (cargo fmt --check)");
    run(cargo().args(["fmt", "--all", "--check"]))?;

    step("clippy, native");
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("clippy, wasm32 (domain, app)");
    tools::Tools::ensure()?;
    run(cargo().args([
        "clippy",
        "-p",
        "motcua-domain",
        "-p",
        "motcua-app",
        "--target",
        "wasm32-unknown-unknown",
        "--features",
        "motcua-app/hydrate",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    step("PostgreSQL for the database tests");
    let postgres = test_postgres();
    ensure_postgres(&postgres)?;

    step("the test OpenID provider (node, oidc-provider) for the VNeID sign-in tests");
    tools::ensure_oidc_provider_packages()?;

    step("Rust tests (database tests on SQLite and PostgreSQL)");
    run(cargo().env("MOTCUA_TEST_POSTGRES", &postgres).args([
        "test",
        "--workspace",
        "--exclude",
        "motcua-tests",
    ]))?;

    step("release build of the app, as users get it");
    build::build_app()?;

    step(
        "browser tests (Debian Chromium, playwright-core): smoke, the registration journey, the other \
         three procedures, offline layer and updates, axe-core and 360 px layout",
    );
    let chromium = tools::ensure_chromium()?;
    tools::ensure_browser_test_packages()?;
    run(cargo()
        .env("CHROMIUM", &chromium)
        .args(["test", "-p", "motcua-tests"]))?;

    step("the app's platform layer in Chromium (wasm-bindgen-test: IndexedDB, photos, outbox)");
    let tools = tools::Tools::ensure()?;
    run(cargo()
        .env("PATH", tools.path_env()?)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", chromium.with_file_name("chromedriver"))
        .args([
            "test",
            "-p",
            "motcua-app",
            "--features",
            "hydrate",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "platform_browser",
        ]))?;

    say(&format!(
        "\nall checks passed in {:.1} min",
        started.elapsed().as_secs_f64() / 60.0
    ));
    Ok(())
}

/// Checks that PostgreSQL answers on the test URL's host and port; starts the machine's cluster when it
/// is down and `pg_ctlcluster` is there; otherwise fails and says so — the tests never skip it.
pub(crate) fn ensure_postgres(url: &str) -> anyhow::Result<()> {
    let addr = host_port(url)?;
    if reachable(addr) {
        say(&format!("   PostgreSQL answers at {addr}"));
        return Ok(());
    }
    let clusters = Path::new("/etc/postgresql");
    if clusters.is_dir() && util::output(Command::new("pg_ctlcluster").arg("--help")).is_some() {
        for version in std::fs::read_dir(clusters)? {
            let version = version?.file_name();
            say(&format!(
                "   PostgreSQL is down: starting cluster {}/main",
                version.to_string_lossy()
            ));
            // A cluster that is already up or cannot start is judged by the reachability check below.
            let _ = run(Command::new("pg_ctlcluster")
                .arg("--skip-systemctl-redirect")
                .arg(&version)
                .args(["main", "start"]));
        }
        for _ in 0..20 {
            if reachable(addr) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    bail!(
        "PostgreSQL is not reachable at {addr} (MOTCUA_TEST_POSTGRES={url}). The database tests must run on \
         PostgreSQL too: start it (e.g. `pg_ctlcluster --skip-systemctl-redirect <version> main start`) or point \
         MOTCUA_TEST_POSTGRES at one"
    )
}

fn reachable(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
}

/// `postgres://user@host:port/db` → host:port (default port 5432).
fn host_port(url: &str) -> anyhow::Result<SocketAddr> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let with_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    let with_port = with_port.replace("localhost", "127.0.0.1");
    with_port.parse().map_err(|_| {
        anyhow::anyhow!("cannot read host:port from {url} (use an IP address, e.g. 127.0.0.1)")
    })
}

#[cfg(test)]
mod tests {
    use super::host_port;

    #[test]
    fn reads_host_and_port_of_postgres_urls() {
        let addr = |s: &str| host_port(s).map(|a| a.to_string()).unwrap_or_default();
        assert_eq!(
            addr("postgres://postgres@127.0.0.1:5432/test"),
            "127.0.0.1:5432"
        );
        assert_eq!(
            addr("postgres://u:p@127.0.0.1:6000/db?sslmode=disable"),
            "127.0.0.1:6000"
        );
        assert_eq!(addr("postgresql://localhost/db"), "127.0.0.1:5432");
    }
}
