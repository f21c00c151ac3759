//! The citizen's whole journey in headless Chromium (`tests/browser/citizen.mjs`): a household-business
//! registration filled step by step on a 360 px phone, a photo attached, submitted twice while offline
//! and sent once when the network returns (the connection dropped once mid-upload, the upload resumed at
//! the server's offset). Afterwards the database holds exactly one dossier, the one
//! whose code the phone shows. `cargo xtask test` builds `dist/` and installs Chromium and the npm
//! packages first; run alone, the test fails and says what is missing.

use std::path::{Path, PathBuf};

use server::{Config, Db};
use tokio::{process::Command, sync::oneshot};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_path_buf()
}

fn printed<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("the script printed no `{label}`:\n{stdout}"))
        .trim()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_filled_offline_is_submitted_exactly_once_when_the_network_returns() {
    // Arrange
    let root = root();
    let dist = root.join("dist");
    assert!(
        dist.join("index.html").is_file() && dist.join("sw.js").is_file(),
        "{} is incomplete: build the release app first (`cargo xtask build`, which `cargo xtask test` runs)",
        dist.display()
    );
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
        .arg(root.join("tests/browser/citizen.mjs"))
        .env("MOTCUA_URL", format!("http://{}", running.addr))
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
        output.status.success() && stdout.contains("citizen test passed"),
        "the citizen browser test failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let code = printed(&stdout, "dossier code:");
    let url = format!("sqlite://{}", data.path().join("motcua.sqlite").display());
    let db = Db::connect(&url).await.expect("open the test database");
    assert_eq!(
        db.count_dossiers().await.expect("count"),
        1,
        "a double tap offline and the resend on reconnect made exactly one dossier"
    );
    let stored = db
        .find_dossier(code)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("the dossier {code} the phone shows is stored"));
    assert_eq!(stored.applicant_phone, "0912345678");
    assert_eq!(
        stored.attachments.len(),
        1,
        "the compressed photo is attached"
    );
    assert_eq!(stored.attachments[0].0, "other");
    assert!(
        stored.attachments[0].1.ends_with(".jpg"),
        "{:?}",
        stored.attachments[0]
    );
}
