//! Offline first with submissions that need a signed-in person, in headless Chromium
//! (`tests/browser/signin_wait.mjs`): a registration submitted with no network while signed out, and
//! another while the session ends, each waits with "Đăng nhập lại để gửi" when the network returns (one
//! try answered 401, no retry loop) and goes out exactly once after signing in. The database holds
//! exactly the two dossiers.

use motcua_tests::{release_build, run_script};
use server::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_that_needs_a_sign_in_waits_and_goes_once_after_it() {
    // Arrange
    let dist = release_build();

    // Act
    let run = run_script("signin_wait.mjs", &dist, &[]).await;

    // Assert
    run.assert_passed("sign-in wait test passed");
    let stdout = run.stdout();
    let codes: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("dossier code:"))
        .map(str::trim)
        .collect();
    assert_eq!(codes.len(), 2, "two dossiers were filed:\n{stdout}");
    let db = Db::connect(&run.database_url())
        .await
        .expect("open the test database");
    assert_eq!(
        db.count_dossiers().await.expect("count"),
        2,
        "each went out exactly once"
    );
    for code in codes {
        let stored = db
            .find_dossier(code)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("the dossier {code} is stored"));
        assert_eq!(stored.applicant_phone, "0912000111");
    }
}
