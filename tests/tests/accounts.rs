//! Accounts in headless Chromium (`tests/browser/accounts.mjs`) against the real server on the release
//! build: a citizen signs in by phone and one-time code and out again; the first administrator changes
//! the temporary password, creates a commune officer (a Phó Trưởng phòng) and opens a commune's audit log
//! from the workspace navigation; the officer signs in and sets a password. Then the database holds the
//! officer's account, with its position, no longer on its temporary password.

use motcua_tests::{release_build, run_script};
use server::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_and_staff_sign_in_and_the_administrator_creates_an_officer_in_chromium() {
    // Arrange
    let dist = release_build();

    // Act
    let run = run_script("accounts.mjs", &dist, &[]).await;

    // Assert
    run.assert_passed("accounts test passed");
    assert!(run.stdout().contains("officer: tran.lan"));
    let db = Db::connect(&run.database_url())
        .await
        .expect("open the test database");
    let officer = db
        .staff_by_username("tran.lan")
        .await
        .expect("query")
        .expect("the officer's account is stored");
    assert_eq!(officer.role, "commune_officer");
    assert_eq!(
        officer.title, "pho_truong_phong",
        "the position chosen on the admin page"
    );
    assert!(
        !officer.must_change_password,
        "the officer set a password of their own"
    );
    assert!(!officer.disabled);
}
