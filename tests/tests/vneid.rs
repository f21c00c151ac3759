//! Sign-in with the national e-identity (VNeID) in headless Chromium (`tests/browser/vneid.mjs`): the
//! server on the release build with a real OpenID provider (`tests/oidc/provider.mjs`, oidc-provider run
//! by node); the citizen presses the VNeID button on `/dang-nhap`, picks a test citizen at the provider,
//! comes back signed in with the name in the header and the verified identity on the account page (the
//! number masked), and the server's session says the same.

use motcua_tests::{release_build, run_script_with_oidc_provider};

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
