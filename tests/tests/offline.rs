//! The offline layer in headless Chromium (`tests/browser/offline.mjs`), against the real server serving
//! a copy of the release build, which the script rewrites to publish a new service worker: the worker
//! precaches the core of the build on a first visit of the home page (offline, a page never visited
//! then says it is not on the phone) and the full app once the reader goes past the home page; with the
//! network cut the home page reloads and a procedure page never visited
//! opens; no `/api/` answer or look-up result is in any cache; a new version shows the update banner and
//! takes over on "Cập nhật"; Chromium finds the app installable. `cargo xtask test` builds `dist/` and
//! installs Chromium and the npm packages first; run alone, the test fails and says what is missing.

use std::path::Path;

use motcua_tests::{release_build, root, run_script_seeded, seed_business};

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
    let built = release_build();
    // The script publishes a new sw.js into the directory the server serves: a copy, not dist/ itself.
    let served = tempfile::tempdir().expect("temporary directory");
    let dist = served.path().join("dist");
    copy_dir(&built, &dist);

    // Act
    let run = run_script_seeded(
        "offline.mjs",
        &dist,
        &[("MOTCUA_DIST", &dist)],
        seed_business,
    )
    .await;

    // Assert
    run.assert_passed("offline test passed");
    let root = root();
    for shot in [
        "offline-not-kept.png",
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
