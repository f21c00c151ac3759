//! Assisted submission in headless Chromium (`tests/browser/assisted.mjs`): an officer fills a
//! termination notice on the tablet for a citizen at the counter, texts the citizen the confirmation
//! code, types it and submits. The dossier is stored with the channel `assisted`.

use motcua_tests::{release_build, run_script_seeded, seed_business_owned_by};
use server::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_files_a_termination_for_a_citizen_who_confirms_with_a_code() {
    // Arrange
    let dist = release_build();

    // Act
    // The business the citizen terminates, with the citizen's phone as its owner's on record.
    let run = run_script_seeded("assisted.mjs", &dist, &[], async |store| {
        seed_business_owned_by(store, "0935111222").await;
    })
    .await;

    // Assert
    run.assert_passed("assisted test passed");
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
    assert_eq!(stored.applicant_phone, "0935111222");
    let audit = db.audit_of(&code).await.expect("audit log");
    assert!(
        audit
            .iter()
            .map(|row| &row.entry)
            .any(|e| e.action == "action:assisted_submission" && e.staff_name == "Cán bộ tại quầy"),
        "the officer who filed it is in the audit log: {:?}",
        audit
            .iter()
            .map(|row| &row.entry.action)
            .collect::<Vec<_>>()
    );
}
