//! The household-business registry: name checks per commune and the public look-up, on both databases.

use axum::http::StatusCode;
use domain::TenHoKinhDoanh;
use server::HkdRecord;

use crate::helpers::{Engine, TestDb, TestServer, body_json, both_backends, send};

both_backends!(
    a_name_is_taken_in_its_commune_ignoring_case_until_the_business_is_terminated,
    a_registered_business_can_be_looked_up_by_code,
);

fn record(code: &str, commune: &str, name: &str, status: &str) -> HkdRecord {
    let parsed = TenHoKinhDoanh::try_from(name.to_owned()).expect("a valid name");
    HkdRecord {
        code: code.to_owned(),
        commune: commune.to_owned(),
        name: parsed.as_ref().to_owned(),
        name_key: parsed.key().as_str().to_owned(),
        status: status.to_owned(),
        data_json: "{}".to_owned(),
        owner_phone: None,
    }
}

fn check_url(commune: &str, name: &str) -> String {
    let mut url = String::from("/api/v1/hkd/names/check?commune=");
    url.push_str(commune);
    url.push_str("&name=");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

async fn a_name_is_taken_in_its_commune_ignoring_case_until_the_business_is_terminated(
    engine: Engine,
) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    t.db.insert_hkd(
        &record(
            "051085012345",
            "21025",
            "Hộ kinh doanh Bánh mì Cô Ba",
            "active",
        ),
        None,
    )
    .await
    .expect("insert");
    t.db.insert_hkd(
        &record(
            "051085012346",
            "21025",
            "Hộ kinh doanh Phở Hà",
            "terminated",
        ),
        None,
    )
    .await
    .expect("insert");

    // Act + Assert
    let same = body_json(
        send(
            &app,
            "GET",
            &check_url("21025", "HỘ KINH DOANH BÁNH MÌ CÔ BA"),
            &[],
            vec![],
        )
        .await,
    )
    .await;
    assert_eq!(same["available"], false, "{same}");
    assert_eq!(same["citation"], "NĐ 168/2025 art. 86.6");
    let other_commune = body_json(
        send(
            &app,
            "GET",
            &check_url("21028", "Hộ kinh doanh Bánh mì Cô Ba"),
            &[],
            vec![],
        )
        .await,
    )
    .await;
    assert_eq!(other_commune["available"], true, "{other_commune}");
    let after_termination = body_json(
        send(
            &app,
            "GET",
            &check_url("21025", "Hộ kinh doanh Phở Hà"),
            &[],
            vec![],
        )
        .await,
    )
    .await;
    assert_eq!(
        after_termination["available"], true,
        "a terminated business frees its name"
    );

    let duplicate =
        t.db.insert_hkd(
            &record(
                "051085099999",
                "21025",
                "hộ kinh doanh bánh mì cô ba",
                "active",
            ),
            None,
        )
        .await;
    assert!(
        duplicate.is_err(),
        "the database refuses a second active business of that name"
    );

    let invalid = send(
        &app,
        "GET",
        &check_url("99999", "Công ty Bánh mì"),
        &[],
        vec![],
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = body_json(invalid).await;
    let paths: Vec<_> = error["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths, ["commune", "name"], "{error}");
    t.teardown().await;
}

async fn a_registered_business_can_be_looked_up_by_code(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    t.db.insert_hkd(
        &record(
            "051085012345",
            "21025",
            "Hộ kinh doanh Bánh mì Cô Ba",
            "active",
        ),
        None,
    )
    .await
    .expect("insert");
    let found = send(&app, "GET", "/api/v1/hkd/051085012345", &[], vec![]).await;
    assert_eq!(found.status(), StatusCode::OK);
    let body = body_json(found).await;
    assert_eq!(body["name"], "Hộ kinh doanh Bánh mì Cô Ba");
    assert_eq!(body["commune"], "21025");
    let missing = send(&app, "GET", "/api/v1/hkd/051085000000", &[], vec![]).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    t.teardown().await;
}
