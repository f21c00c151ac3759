//! Issue 7's journey in headless Chromium with two browser contexts (`tests/browser/journey.mjs`): a
//! citizen signs in on a 360 px phone and files a household-business registration through the UI; an
//! officer of that commune (made by the first administrator through the admin API, temporary password
//! changed in the UI) works it on an 800 px tablet — receives it, asks for an amendment of the capital
//! with a note —; the citizen corrects it on the phone and resubmits; the officer approves; the
//! citizen's inbox says so and the GCN PDF downloads; an officer of another commune cannot see it.
//! The officer has no way into the audit log; a supervisor of the commune finds the officer's read of
//! the dossier there (the page, filtered by the dossier, and the dossier's own section).
//! Afterwards the database holds the one dossier, approved, sent online, with the amendment in its
//! timeline.

use motcua_tests::{release_build, run_script};
use server::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_goes_from_the_phone_through_an_amendment_to_the_gcn() {
    // Arrange
    let dist = release_build();

    // Act
    let run = run_script("journey.mjs", &dist, &[]).await;

    // Assert
    run.assert_passed("journey test passed");
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
    assert_eq!(db.count_dossiers().await.expect("count"), 1);
    let stored = db
        .find_dossier(&code)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("the dossier {code} is stored"));
    assert_eq!(stored.state, "approved", "{:?}", stored.timeline);
    assert_eq!(stored.channel, "online");
    assert_eq!(stored.applicant_phone, "0912345678");
    let moves: Vec<&str> = stored.timeline.iter().map(|(s, _, _)| s.as_str()).collect();
    assert!(
        moves.contains(&"supplement_requested"),
        "the amendment is in the timeline: {moves:?}"
    );
}
