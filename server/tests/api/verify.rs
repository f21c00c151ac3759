//! `/verify/{code}` and `GET /api/v1/verify/{code}`, on both databases: what each issued document says
//! and whether it is in force, through a certificate's life (issued, replaced, its business
//! terminated); an unknown code is a clear 404 page.

use axum::http::StatusCode;
use domain::api::VerifiedDocument;
use serde_json::json;

use crate::{
    approvals::{OWNER_ID, PHONE, act, approve, officer, registration, submit},
    helpers::{Engine, TestDb, TestServer, both_backends, header, send},
};

both_backends!(
    a_certificate_is_in_force_until_replaced_or_its_business_ends,
    an_unknown_code_is_a_clear_404_and_letters_verify_too,
    the_page_is_limited_with_the_api_and_says_so_with_429,
);

/// The verification code at the end of a verify URL.
fn code_of(verify_url: &str) -> String {
    verify_url.rsplit('/').next().expect("code").to_owned()
}

async fn api(app: &TestServer, code: &str) -> (StatusCode, Option<VerifiedDocument>) {
    let res = send(app, "GET", &format!("/api/v1/verify/{code}"), &[], vec![]).await;
    let status = res.status();
    if status == StatusCode::OK {
        assert_eq!(header(&res, "cache-control"), "private, no-store");
        (status, Some(res.json().await.expect("a VerifiedDocument")))
    } else {
        (status, None)
    }
}

async fn page(app: &TestServer, code: &str) -> (StatusCode, String, String) {
    let res = send(app, "GET", &format!("/verify/{code}"), &[], vec![]).await;
    let status = res.status();
    let cache = header(&res, "cache-control").to_owned();
    (status, cache, res.text().await.expect("HTML"))
}

fn field<'a>(doc: &'a VerifiedDocument, label: &str) -> &'a str {
    doc.fields
        .iter()
        .find(|f| f.label == label)
        .map_or("", |f| f.value.as_str())
}

async fn a_certificate_is_in_force_until_replaced_or_its_business_ends(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let officer = officer(&t, &app, "canbo").await;
    let dossier = submit(&app, &registration("Bánh mì Cô Ba", OWNER_ID)).await;
    let (_, b) = approve(&app, &officer, &dossier).await;
    let first = code_of(b["documents"][0]["verify_url"].as_str().expect("verify"));

    // In force: what it says, from the API and on the page.
    let (s, doc) = api(&app, &first).await;
    assert_eq!(s, StatusCode::OK);
    let doc = doc.expect("document");
    assert!(doc.current);
    assert_eq!(doc.kind, "gcn");
    assert_eq!(doc.title, "Giấy chứng nhận đăng ký hộ kinh doanh");
    assert_eq!(
        doc.form.as_deref(),
        Some("Mẫu số 7 - Phụ lục II, Thông tư số 68/2025/TT-BTC")
    );
    assert_eq!(
        doc.issuer,
        "UBND phường Cẩm Thành — Phòng Kinh tế, Hạ tầng và Đô thị"
    );
    assert_eq!(doc.dossier_code, dossier);
    assert_eq!(field(&doc, "Mã số hộ kinh doanh"), OWNER_ID);
    assert_eq!(
        field(&doc, "Tên hộ kinh doanh"),
        "HỘ KINH DOANH BÁNH MÌ CÔ BA"
    );
    assert_eq!(field(&doc, "Vốn kinh doanh"), "150.000.000 đồng");
    assert_eq!(doc.business_status.as_deref(), Some("Đang hoạt động"));
    let (s, cache, html) = page(&app, &first).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cache, "no-store, private", "never kept by a cache");
    for expected in [
        "Kiểm tra văn bản",
        "Còn hiệu lực",
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        "HỘ KINH DOANH BÁNH MÌ CÔ BA",
        "Phường Cẩm Thành",
        "Đang hoạt động",
    ] {
        assert!(html.contains(expected), "{expected:?} in the page");
    }
    assert!(
        !html.contains("02/03/1985") && !html.contains("1985-03-02"),
        "no birth date on a public page"
    );
    assert!(
        html.contains(&format!("\"code\":\"{first}\"")),
        "the page carries its data for the phone to hydrate"
    );

    // A change: the first certificate is replaced, the second in force.
    let change = json!({
        "procedure": "hkd_change",
        "form_version": "tt68_mau2",
        "form": {
            "office": crate::approvals::COMMUNE, "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
            "hkd_code": OWNER_ID, "contact_phone": PHONE, "signatory_name": "Nguyễn Thị Ba",
            "commitments": {"truthful": true},
            "change_capital": {"capital": "200.000.000", "changed_on": "2026-11-20", "method": "increase"}
        },
        "applicant": {"name": "Nguyễn Thị Ba", "phone": PHONE}
    });
    let dossier = submit(&app, &change).await;
    let (_, b) = approve(&app, &officer, &dossier).await;
    let second = code_of(b["documents"][0]["verify_url"].as_str().expect("verify"));
    let (_, doc) = api(&app, &first).await;
    let doc = doc.expect("document");
    assert!(!doc.current);
    assert!(
        doc.status.contains("thay bằng giấy chứng nhận cấp sau"),
        "{}",
        doc.status
    );
    let (s, _, html) = page(&app, &first).await;
    assert_eq!(s, StatusCode::OK, "a replaced document is still found");
    assert!(html.contains("Không còn hiệu lực"));
    let (_, doc) = api(&app, &second).await;
    let doc = doc.expect("document");
    assert!(doc.current);
    assert!(field(&doc, "Đăng ký thay đổi").starts_with("lần thứ 1, ngày "));
    assert_eq!(field(&doc, "Vốn kinh doanh"), "200.000.000 đồng");

    // Terminated: the certificate is no longer in force, the notice verifies.
    let mut termination = crate::dossiers::termination_of(PHONE);
    termination["form"]["hkd_code"] = json!(OWNER_ID);
    let dossier = submit(&app, &termination).await;
    let (_, b) = approve(&app, &officer, &dossier).await;
    let notice = code_of(b["documents"][0]["verify_url"].as_str().expect("verify"));
    let (_, doc) = api(&app, &second).await;
    let doc = doc.expect("document");
    assert!(!doc.current);
    assert!(
        doc.status.contains("đã chấm dứt hoạt động"),
        "{}",
        doc.status
    );
    assert_eq!(
        doc.business_status.as_deref(),
        Some("Đã chấm dứt hoạt động")
    );
    let (_, doc) = api(&app, &notice).await;
    let doc = doc.expect("notice");
    assert_eq!(doc.kind, "termination_notice");
    assert_eq!(
        doc.form.as_deref(),
        Some("Mẫu số 13 - Phụ lục II, Thông tư số 68/2025/TT-BTC")
    );
    assert!(field(&doc, "Tình trạng").starts_with("Đã chấm dứt hoạt động từ ngày"));
    t.teardown().await;
}

async fn an_unknown_code_is_a_clear_404_and_letters_verify_too(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    for code in [
        "abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "abc",
        "%27%20OR%201%3D1",
    ] {
        let (s, _) = api(&app, code).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{code}");
        let (s, cache, html) = page(&app, code).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{code}");
        assert_eq!(cache, "no-store, private");
        assert!(html.contains("Không tìm thấy văn bản"), "{code}: {html}");
        assert!(html.contains("Hãy quét lại mã QR trên văn bản"));
    }

    // A letter (the request for amendments) carries a code too.
    let officer = officer(&t, &app, "canbo").await;
    let dossier = submit(&app, &crate::dossiers::termination_of(PHONE)).await;
    act(&app, &officer, &dossier, &json!({"action": "receive"})).await;
    let (s, b) = act(
        &app,
        &officer,
        &dossier,
        &json!({"action": "request_supplement", "items": [{"target": "hkd_name", "note": "Ghi đúng tên."}]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let letter = code_of(b["documents"][0]["verify_url"].as_str().expect("verify"));
    let (s, doc) = api(&app, &letter).await;
    assert_eq!(s, StatusCode::OK);
    let doc = doc.expect("letter");
    assert_eq!(doc.kind, "supplement_request");
    assert!(doc.current);
    assert_eq!(field(&doc, "Mã hồ sơ"), dossier);
    assert_eq!(field(&doc, "Số nội dung cần sửa đổi, bổ sung"), "1");
    assert_eq!(
        doc.form.as_deref(),
        Some("Mẫu số 10 - Phụ lục II, Thông tư số 68/2025/TT-BTC")
    );
    t.teardown().await;
}

/// The page takes a code as the API does, so it counts against the same per-address allowance: a
/// page cannot be used to try codes past the API's limit. Over it, a clear Vietnamese page, 429 and
/// `Retry-After`; the look-up page too.
async fn the_page_is_limited_with_the_api_and_says_so_with_429(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            lookups_per_minute: 3,
            ..server::Limits::default()
        },
    )
    .await;
    let code = "abcdefghijklmnopqrstuvwxyz";
    let (s, _, _) = page(&app, code).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = api(&app, code).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = page(&app, "bcdefghijklmnopqrstuvwxyza").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The fourth in the minute, page or API: refused, with when to come back.
    let res = send(&app, "GET", &format!("/verify/{code}"), &[], vec![]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = header(&res, "retry-after").to_owned();
    assert!(
        wait.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s)),
        "Retry-After: {wait:?}"
    );
    assert_eq!(header(&res, "cache-control"), "no-store, private");
    let html = res.text().await.expect("HTML");
    assert!(
        html.contains("Bạn đã kiểm tra văn bản quá nhiều lần trong một phút"),
        "{html}"
    );
    assert!(html.contains("đợi một phút rồi tải lại trang"), "{html}");
    assert!(!html.contains("Không tìm thấy văn bản"), "{html}");
    let (s, _) = api(&app, code).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let res = send(&app, "GET", "/tra-cuu?code=21025-261123-0001", &[], vec![]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        header(&res, "retry-after").parse::<u64>().is_ok(),
        "the look-up page says when too"
    );
    let html = res.text().await.expect("HTML");
    assert!(html.contains("Bạn đã tra cứu quá nhiều lần"), "{html}");
    t.teardown().await;
}
