//! The browser smoke test: the real server (as a library, on SQLite in a temporary directory) serving
//! the real release build in `dist/`, driven in headless Debian Chromium by
//! `tests/browser/smoke.mjs` (playwright-core). `cargo xtask test` builds `dist/` in release mode and
//! installs Chromium and the npm packages first; run alone, the test fails and says what is missing.

use std::path::{Path, PathBuf};

use server::Config;
use tokio::{process::Command, sync::oneshot};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_is_server_rendered_then_hydrated_and_interactive_in_chromium() {
    // Arrange
    let root = root();
    let dist = root.join("dist");
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: build the release app first (`cargo xtask build`, which `cargo xtask test` runs)",
        dist.join("index.html").display()
    );
    let script = root.join("tests/browser/smoke.mjs");
    assert!(
        root.join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "playwright-core is not installed: run `npm ci` in tests/browser (`cargo xtask test` does)"
    );
    let data = tempfile::tempdir().expect("temporary directory");
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: data.path().to_path_buf(),
        dist_dir: dist,
        ..Config::default()
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let running = server::spawn(config, async {
        let _ = stopped.await;
    })
    .await
    .expect("the server starts on the release build");

    // Act
    let output = Command::new("node")
        .arg(&script)
        .env("MOTCUA_URL", format!("http://{}", running.addr))
        .env("SCREENSHOT_DIR", root.join("target/browser"))
        .output()
        .await
        .expect("node runs (Node.js is needed for the browser tests)");

    // Assert
    let _ = stop.send(());
    running
        .task
        .await
        .expect("server task")
        .expect("server stops cleanly");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser smoke test failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("browser smoke test passed"), "{stdout}");
    assert!(
        root.join("target/browser/home-vi.png").is_file(),
        "the screenshot was saved"
    );
}
