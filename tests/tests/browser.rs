//! The browser smoke test: the real server serving the real release build, driven in headless Debian
//! Chromium by `tests/browser/smoke.mjs` (playwright-core): the home page arrives as server-rendered HTML,
//! is hydrated and reacts.

use motcua_tests::{release_build, root, run_script_seeded, seed_business};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_page_is_server_rendered_then_hydrated_and_interactive_in_chromium() {
    // Arrange
    let dist = release_build();

    // Act
    let run = run_script_seeded("smoke.mjs", &dist, &[], seed_business).await;

    // Assert
    run.assert_passed("browser smoke test passed");
    assert!(
        root().join("target/browser/home-vi.png").is_file(),
        "the screenshot was saved"
    );
}
