//! A tablet shared by many people, in headless Chromium (`tests/browser/tablet.mjs`): officer A files a
//! termination for citizen X at the counter and signs out; officer B and then citizen Y sign in on the
//! same browser profile and find nothing of X — every IndexedDB database and store read directly, the
//! dossiers page and a new form's prefill. The dossier itself reached the server, once, filed by A.
//! Drafts started on the tablet without signing in during an earlier visit are asked about, not moved
//! unasked (B leaves them by keyboard, Y moves them); Y's database named the old way (a SHA-256 of the
//! phone) moves into the one named from the server's random store key, and is deleted.

use motcua_tests::{release_build, run_script_seeded, seed_business_owned_by};
use server::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_person_on_a_shared_tablet_finds_nothing_of_the_citizen_served_before() {
    // Arrange
    let dist = release_build();

    // Act
    // The business citizen X terminates, with X's phone as its owner's on record.
    let run = run_script_seeded("tablet.mjs", &dist, &[], async |store| {
        seed_business_owned_by(store, "0935777888").await;
    })
    .await;

    // Assert
    run.assert_passed("tablet test passed");
    let stdout = run.stdout();
    let code = stdout
        .lines()
        .find_map(|l| l.strip_prefix("dossier code:"))
        .unwrap_or_else(|| panic!("the script printed no dossier code:\n{stdout}"))
        .trim()
        .to_owned();
    let db = Db::connect(&run.database_url())
        .await
        .expect("open the test database");
    let stored = db
        .find_dossier(&code)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("the dossier {code} is stored"));
    assert_eq!(stored.channel, "assisted");
    assert_eq!(stored.applicant_phone, "0935777888");
}
