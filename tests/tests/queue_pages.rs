//! The staff queue in pages, in headless Chromium (`tests/browser/queue_pages.mjs`): 54 dossiers are
//! 50 on page 1 and 4 on page 2, which an officer reaches with the keyboard alone through a labelled
//! navigation of pages; axe finds nothing serious on it. The database holds the 54.

use motcua_tests::{release_build, run_script};
use server::Db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_reaches_the_second_page_of_the_queue_with_the_keyboard() {
    // Arrange
    let dist = release_build();

    // Act
    let run = run_script("queue_pages.mjs", &dist, &[]).await;

    // Assert
    run.assert_passed("queue pages test passed");
    let db = Db::connect(&run.database_url())
        .await
        .expect("open the test database");
    assert_eq!(db.count_dossiers().await.expect("count"), 54);
}
