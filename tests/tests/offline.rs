//! The offline layer in headless Chromium (`tests/browser/offline.mjs`), against the real server serving
//! a copy of the release build, which the script rewrites to publish a new service worker: the worker
//! precaches the build; with the network cut the home page reloads and a procedure page never visited
//! opens; no `/api/` answer or look-up result is in any cache; a new version shows the update banner and
//! takes over on "Cập nhật"; Chromium finds the app installable. `cargo xtask test` builds `dist/` and
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

fn chromium() -> PathBuf {
    let chromium =
        std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    assert!(
        chromium.is_file(),
        "Chromium is missing at {}: install Debian's chromium (`cargo xtask test` does) or set CHROMIUM",
        chromium.display()
    );
    chromium
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy of dist/");
    for entry in std::fs::read_dir(from).expect("read dist/") {
        let entry = entry.expect("dist/ entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file of dist/");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_opens_offline_keeps_no_personal_data_and_offers_a_new_version() {
    // Arrange
    let root = root();
    let built = root.join("dist");
    assert!(
        built.join("index.html").is_file() && built.join("sw.js").is_file(),
        "{} is incomplete: build the release app first (`cargo xtask build`, which `cargo xtask test` runs)",
        built.display()
    );
    assert!(
        root.join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "playwright-core is not installed: run `npm ci` in tests/browser (`cargo xtask test` does)"
    );
    let chromium = chromium();
    // The script publishes a new sw.js into the directory the server serves: a copy, not dist/ itself.
    let served = tempfile::tempdir().expect("temporary directory");
    let dist = served.path().join("dist");
    copy_dir(&built, &dist);
    let data = tempfile::tempdir().expect("temporary directory");
    let config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        data_dir: data.path().to_path_buf(),
        dist_dir: dist.clone(),
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
        .arg(root.join("tests/browser/offline.mjs"))
        .env("MOTCUA_URL", format!("http://{}", running.addr))
        .env("MOTCUA_DIST", &dist)
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
        output.status.success() && stdout.contains("offline test passed"),
        "the offline browser test failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    for shot in [
        "offline-home.png",
        "offline-procedure.png",
        "update-banner.png",
    ] {
        assert!(
            root.join("target/browser").join(shot).is_file(),
            "the screenshot {shot} was saved"
        );
    }
}
