//! `cargo xtask soak`: the long form of the fault suite (issue 17). Today it runs the crash test with
//! many cycles — the real server killed with SIGKILL at a random moment, `MOTCUA_SOAK_CYCLES` times
//! (default 50), under uploads, submissions and an officer's numbered letters, on SQLite and PostgreSQL —
//! and prints what the test counted (kills, acknowledged dossiers and uploads, numbers taken). The short
//! form (5 cycles) runs in `cargo xtask test`.

use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::util::{cargo, say, step};

pub(crate) fn soak() -> anyhow::Result<()> {
    let started = Instant::now();
    let cycles = std::env::var("MOTCUA_SOAK_CYCLES").unwrap_or_else(|_| "50".to_owned());
    let postgres = crate::verify::test_postgres();
    crate::verify::ensure_postgres(&postgres)?;
    step(&format!(
        "crash cycles: {cycles} × SIGKILL under uploads, submissions and officers (SQLite, PostgreSQL)"
    ));
    let out = cargo()
        .env("MOTCUA_TEST_POSTGRES", &postgres)
        .env("MOTCUA_CRASH_CYCLES", &cycles)
        .args([
            "test",
            "-p",
            "motcua-server",
            "--test",
            "api",
            "--",
            "crash::",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .output()
        .context("cannot run cargo test")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        bail!("the crash cycles failed:\n{stdout}\n{stderr}");
    }
    step("figures");
    for line in stderr
        .lines()
        .filter(|l| l.contains(" kills, ") || l.contains("document numbers taken"))
    {
        say(&format!("   {line}"));
    }
    say(&format!(
        "   every acknowledged dossier and upload found after the restarts, each replay answered with its \
         receipt, no dossier half-written, no number without its document (the test fails otherwise)\n   \
         soak finished in {:.1} min",
        started.elapsed().as_secs_f64() / 60.0
    ));
    Ok(())
}
