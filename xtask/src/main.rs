//! `cargo xtask …`: motcua's build and test driver.
//!
//! It installs the pinned tools it needs (and nothing else) into a versioned cache outside the checkout,
//! builds the WASM app with Trunk, runs the server, the checks and the benchmarks.

mod bench;
mod build;
mod soak;
mod sw;
mod tools;
mod util;
mod verify;

use std::process::ExitCode;

const USAGE: &str = "\
cargo xtask <command>

Commands:
  serve [motcua serve flags…]  build the app (release) and run `motcua serve` on http://127.0.0.1:8080
                               with SQLite at ./data/motcua.sqlite and files under ./data/files
  test                         every check CI runs: fmt, clippy (native + wasm32), all Rust tests on
                               SQLite and PostgreSQL, the release build, the browser smoke test
  build                        build the WASM app in release mode into dist/ (with .br/.gz copies and
                               the service worker dist/sw.js with its precache list)
  soak                         the long fault suite: MOTCUA_SOAK_CYCLES (default 50) SIGKILLs of the
                               server under uploads, submissions and officers, on SQLite and
                               PostgreSQL, with the counts (the short form runs in `test`)
  tools                        install the pinned tools that are missing and print where they are
  bench size                   raw / gzip / brotli bytes of every file of dist/ and the first visit of /
  bench server                 the release server under wrk on loopback (SQLite, fsync on): durable
                               submissions/s and look-ups/s with p50/p99, peak RSS, and the machine's
                               ceilings (empty axum handler, bare durable SQLite inserts) as ratios
                               (~3 min after the release builds)

Environment:
  MOTCUA_TOOLS_DIR             tools cache (default ~/.cache/motcua/tools)
  MOTCUA_TEST_POSTGRES         PostgreSQL for the tests (default postgres://postgres@127.0.0.1:5432/test)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => build::serve(&args[1..]),
        Some("test") => verify::test(),
        Some("build") => build::build_app().map(drop),
        Some("soak") => soak::soak(),
        Some("tools") => tools::Tools::ensure().map(|t| t.describe()),
        Some("bench") => match args.get(1).map(String::as_str) {
            Some("size") => bench::size(),
            Some("server") => bench::server::server(),
            _ => Err(anyhow::anyhow!("usage: cargo xtask bench size | server")),
        },
        Some("help" | "--help" | "-h") | None => {
            util::say(USAGE);
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(anyhow::anyhow!("unknown command \"{other}\"\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
