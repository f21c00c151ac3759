//! Accessibility and small-screen layout in headless Chromium (`tests/browser/a11y.mjs`), against the
//! real server on the release build: axe-core finds no serious or critical violation on the home page, a
//! procedure's page and the look-up page (empty and with a result), and at 360 px wide nothing scrolls
//! sideways, with text at 100 % and at 200 %. `cargo xtask test` builds `dist/` and installs Chromium and
//! the npm packages first; run alone, the test fails and says what is missing.

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
async fn public_and_form_pages_pass_axe_and_fit_a_360_px_screen_with_text_at_200_percent() {
    // Arrange
    let root = root();
    let dist = root.join("dist");
    assert!(
        dist.join("index.html").is_file(),
        "{} is missing: build the release app first (`cargo xtask build`, which `cargo xtask test` runs)",
        dist.join("index.html").display()
    );
    for package in ["playwright-core", "axe-core"] {
        assert!(
            root.join("tests/browser/node_modules")
                .join(package)
                .is_dir(),
            "{package} is not installed: run `npm ci` in tests/browser (`cargo xtask test` does)"
        );
    }
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    assert!(
        chromium.is_file(),
        "Chromium is missing at {}: install Debian's chromium (`cargo xtask test` does) or set CHROMIUM",
        chromium.display()
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
        .arg(root.join("tests/browser/a11y.mjs"))
        .env("MOTCUA_URL", format!("http://{}", running.addr))
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT_DIR", root.join("target/browser"))
        .output()
        .await
        .expect("node runs (Node.js is needed for the browser tests)");
    let _ = stop.send(());
    running
        .task
        .await
        .expect("server task")
        .expect("server stops cleanly");

    // Assert
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("accessibility test passed"),
        "the accessibility browser test failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
}
