//! The citizen's whole journey in headless Chromium (`tests/browser/citizen.mjs`): a household-business
//! registration filled step by step on a 360 px phone, a photo attached, submitted twice while offline
//! and sent once when the network returns (the connection dropped once mid-upload, the upload resumed at
//! the server's offset). Afterwards the database holds exactly one dossier, the one
//! whose code the phone shows.

use motcua_tests::{release_build, run_script};
use server::Db;

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
    let dist = release_build();

    // Act
    let run = run_script("citizen.mjs", &dist, &[]).await;

    // Assert
    run.assert_passed("citizen test passed");
    let stdout = run.stdout();
    let code = printed(&stdout, "dossier code:");
    let db = Db::connect(&run.database_url())
        .await
        .expect("open the test database");
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
