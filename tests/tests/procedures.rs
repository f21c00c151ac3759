//! The three other procedures, each a whole journey in headless Chromium on a 360 px phone against the
//! real server (`tests/browser/procedures.mjs`, one browser and one server for the three, to keep CI
//! short): a promotion notice (Thông báo hoạt động khuyến mại), a change of a household business's
//! registration (Đăng ký thay đổi: its capital) and a termination (Chấm dứt hoạt động). The change and
//! termination forms are prefilled from the registry by the business's code (seeded here). Each is
//! submitted online (the submit button pressed twice) and its receipt shown; afterwards the database
//! holds exactly one dossier of each, the ones whose codes the phone showed.

use motcua_tests::{release_build, run_script_seeded};
use server::{Db, HkdRecord};

/// The household business the change and termination forms name (commune 21025: Phường Cẩm Thành).
const HKD_CODE: &str = "051085012345";
const HKD_NAME: &str = "Hộ kinh doanh Bánh mì Cô Ba";
const HKD_COMMUNE: &str = "21025";

fn printed<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .unwrap_or_else(|| panic!("the script printed no `{label}`:\n{stdout}"))
        .trim()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_promotion_notice_a_change_and_a_termination_are_each_submitted_once_with_a_receipt() {
    // Arrange
    let dist = release_build();
    let name = domain::TenHoKinhDoanh::try_from(HKD_NAME.to_owned()).expect("a valid name");
    let record = HkdRecord {
        code: HKD_CODE.to_owned(),
        commune: HKD_COMMUNE.to_owned(),
        name: name.as_ref().to_owned(),
        name_key: name.key().as_str().to_owned(),
        status: "active".to_owned(),
        data_json: "{}".to_owned(),
        // The owner's phone on record: who files the change and termination as the owner when signed in
        // with a phone (tests/browser/procedures.mjs's OWNER).
        owner_phone: Some("0912345678".to_owned()),
    };

    // Act
    let run = run_script_seeded("procedures.mjs", &dist, &[], async |store| {
        store
            .insert_hkd(&record, None)
            .await
            .expect("the business is in the registry");
    })
    .await;

    // Assert
    run.assert_passed("procedures test passed");
    let stdout = run.stdout();
    let db = Db::connect(&run.database_url())
        .await
        .expect("open the test database");
    let mut per_procedure: Vec<(String, i64)> = db
        .dossiers_by_state()
        .await
        .expect("count by procedure")
        .into_iter()
        .map(|(procedure, _, n)| (procedure, n))
        .collect();
    per_procedure.sort();
    assert_eq!(
        per_procedure,
        [
            ("hkd_change".to_owned(), 1),
            ("hkd_termination".to_owned(), 1),
            ("promotion_notice".to_owned(), 1),
        ],
        "a double tap on each submit made exactly one dossier of each procedure"
    );
    for (label, procedure, phone) in [
        ("promotion code:", "promotion_notice", "0905123456"),
        ("change code:", "hkd_change", "0912345678"),
        ("termination code:", "hkd_termination", "0912345678"),
    ] {
        let code = printed(&stdout, label);
        let stored = db
            .find_dossier(code)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("the dossier {code} the phone shows is stored"));
        let receipt: domain::api::Receipt =
            serde_json::from_str(&stored.receipt_json).expect("the stored receipt");
        assert_eq!(
            serde_json::to_value(receipt.procedure).expect("procedure"),
            procedure,
            "{code}"
        );
        assert_eq!(stored.applicant_phone, phone, "{code}");
    }
}
