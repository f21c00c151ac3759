//! Sign-in with the national e-identity (VNeID) in headless Chromium (`tests/browser/vneid.mjs`): the
//! server on the release build with a real OpenID provider (`tests/oidc/provider.mjs`, oidc-provider run
//! by node); the citizen presses the VNeID button on `/dang-nhap`, picks a test citizen at the provider,
//! comes back signed in with the name in the header and the verified identity on the account page (the
//! number masked), and the server's session says the same.
//!
//! The journey of issue 16 (`tests/browser/vneid_journey.mjs`): a citizen signed in with VNeID files a
//! registration (owner block from the identity) with no signal; it goes out once when the network
//! returns; once approved, another citizen's VNeID cannot terminate that business as its owner (the
//! phone says why), and the owner files its change.

use motcua_tests::{release_build, run_script_with_oidc_provider};
use server::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_signs_in_with_vneid_through_the_provider_in_chromium() {
    // Arrange
    let dist = release_build();

    // Act
    let run = run_script_with_oidc_provider("vneid.mjs", &dist).await;

    // Assert
    run.assert_passed("vneid test passed");
    assert!(
        run.stdout()
            .contains("session: citizen 051090000145 Nguyễn Văn An 1990-05-17"),
        "the server's session carries the verified identity:\n{}",
        run.stdout()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owner_signed_in_with_vneid_changes_the_business_they_registered_offline() {
    // Arrange
    let dist = release_build();

    // Act
    let run = run_script_with_oidc_provider("vneid_journey.mjs", &dist).await;

    // Assert
    run.assert_passed("vneid journey test passed");
    let stdout = run.stdout();
    let printed = |label: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(label))
            .unwrap_or_else(|| panic!("the script printed no {label}\n{stdout}"))
            .trim()
            .to_owned()
    };
    let (registration, business, change) = (
        printed("registration code:"),
        printed("business code:"),
        printed("change code:"),
    );
    let db = Db::connect(&run.database_url())
        .await
        .expect("open the test database");
    assert_eq!(
        db.count_dossiers().await.expect("count"),
        2,
        "the registration and the owner's change; the other citizen's termination was never stored"
    );
    let registered = db
        .find_dossier(&registration)
        .await
        .expect("query")
        .expect("the registration is stored");
    assert_eq!(registered.state, "approved");
    assert_eq!(registered.channel, "online");
    assert_eq!(registered.filer_identity.as_deref(), Some("051090000145"));
    assert_eq!(registered.owner_identity.as_deref(), Some("051090000145"));
    let record = db
        .find_hkd(&business)
        .await
        .expect("query")
        .expect("the business is in the registry");
    assert_eq!(record.status, "active");
    let changed = db
        .find_dossier(&change)
        .await
        .expect("query")
        .expect("the change is stored");
    assert_eq!(changed.state, "submitted", "{:?}", changed.timeline);
    assert_eq!(changed.filer_identity.as_deref(), Some("051090000145"));
}
