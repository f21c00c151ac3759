//! Accessibility and small-screen layout in headless Chromium (`tests/browser/a11y.mjs`), against the
//! real server on the release build: axe-core finds no serious or critical violation on the home page, a
//! procedure's page, the look-up page (empty and with a result), the citizen's form steps, check page,
//! "Hồ sơ của tôi" and the dossier detail page reached with a dossier-scoped access
//! (`/tra-cuu/{code}/chi-tiet`); at 360 px wide nothing scrolls sideways, with text at 100 % and at 200 %.

use motcua_tests::{release_build, root, run_script_seeded, seed_business};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_and_form_pages_pass_axe_and_fit_a_360_px_screen_with_text_at_200_percent() {
    // Arrange
    let dist = release_build();
    assert!(
        root().join("tests/browser/node_modules/axe-core").is_dir(),
        "axe-core is not installed: run `npm ci` in tests/browser (`cargo xtask test` does)"
    );

    // Act
    let run = run_script_seeded("a11y.mjs", &dist, &[], seed_business).await;

    // Assert
    run.assert_passed("accessibility test passed");
}
