//! What an approval does, on both databases: a registration enters the registry and issues the
//! certificate (Mẫu 7) with its verification code; a change updates the registry and issues a new
//! certificate, the old one no longer current; a termination sets "Đã chấm dứt hoạt động" and issues
//! the notice (Mẫu 13); receiving a promotion notice issues the acknowledgement. The owner downloads
//! them signed in (or with a dossier-scoped access); nobody else does.

use axum::http::StatusCode;
use chrono::Days;
use serde_json::{Value, json};

use crate::{
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send},
    signin::{Session, add_staff, staff_session},
};

both_backends!(
    a_business_is_registered_changed_and_terminated_with_its_documents,
    a_name_taken_in_the_commune_or_an_unknown_business_is_refused_clearly,
    receiving_a_promotion_notice_issues_the_acknowledgement,
);

pub(crate) const PHONE: &str = "0912345678";
pub(crate) const COMMUNE: &str = "21025";
/// The owner's personal identification number: the business's code by default.
pub(crate) const OWNER_ID: &str = "051185012345";

/// A registration of "Hộ kinh doanh {name}" seated in commune 21025, owner `OWNER_ID` (or `owner_id`).
pub(crate) fn registration(name: &str, owner_id: &str) -> Value {
    json!({
        "procedure": "hkd_registration",
        "form_version": "tt68_mau1",
        "form": {
            "office": COMMUNE,
            "owner": {"full_name": "Nguyễn Thị Ba", "birth_date": "1985-03-02", "gender": "female",
                      "id": owner_id, "phone": PHONE},
            "name": {"vietnamese": format!("Hộ kinh doanh {name}")},
            "seat": {"address": {"street": "12 Lê Lợi", "commune": COMMUNE}, "phone": PHONE},
            "business_lines": [
                {"name": "Bán lẻ lương thực, thực phẩm trong cửa hàng chuyên doanh", "code": "4721", "main": true},
                {"name": "Dịch vụ ăn uống"}
            ],
            "capital": "150.000.000",
            "founder": "individual",
            "commitments": {"population_data_consent": true, "not_banned": true,
                            "no_other_hkd_or_private_enterprise": true, "truthful": true, "seat_lawful": true}
        },
        "applicant": {"name": "Nguyễn Thị Ba", "phone": PHONE}
    })
}

fn change(hkd_code: &str, sections: &Value) -> Value {
    let mut form = json!({
        "office": COMMUNE,
        "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
        "hkd_code": hkd_code,
        "contact_phone": PHONE,
        "signatory_name": "Nguyễn Thị Ba",
        "commitments": {"truthful": true}
    });
    for (k, v) in sections.as_object().expect("sections") {
        form[k] = v.clone();
    }
    json!({
        "procedure": "hkd_change",
        "form_version": "tt68_mau2",
        "form": form,
        "applicant": {"name": "Nguyễn Thị Ba", "phone": PHONE}
    })
}

fn termination(hkd_code: &str) -> Value {
    let mut body = crate::dossiers::termination_of(PHONE);
    body["form"]["hkd_code"] = json!(hkd_code);
    body
}

/// Submits as the citizen signed in with the dossier's applicant phone: status and answer.
pub(crate) async fn try_submit(app: &TestServer, body: &Value) -> (StatusCode, Value) {
    let session = app
        .citizen(
            body["applicant"]["phone"]
                .as_str()
                .expect("applicant phone"),
        )
        .await;
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &crate::helpers::submit_headers(&session, &uuid::Uuid::new_v4().to_string()),
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

/// Submits as the citizen signed in with the dossier's applicant phone; the dossier's code.
pub(crate) async fn submit(app: &TestServer, body: &Value) -> String {
    let (status, body) = try_submit(app, body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["code"].as_str().expect("code").to_owned()
}

pub(crate) async fn act(
    app: &TestServer,
    who: &Session,
    code: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let res = send(
        app,
        "POST",
        &format!("/api/v1/staff/dossiers/{code}/actions"),
        &[
            ("cookie", &who.cookie),
            ("x-csrf-token", &who.csrf),
            ("content-type", "application/json"),
        ],
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

/// Receives, examines and approves a dossier; the dossier as the officer sees it after.
pub(crate) async fn approve(app: &TestServer, who: &Session, code: &str) -> (StatusCode, Value) {
    for action in ["receive", "start_processing"] {
        let (s, b) = act(app, who, code, &json!({"action": action})).await;
        assert_eq!(s, StatusCode::OK, "{action}: {b}");
    }
    act(app, who, code, &json!({"action": "approve"})).await
}

/// A commune officer of `COMMUNE`, signed in.
pub(crate) async fn officer(t: &TestDb, app: &TestServer, name: &str) -> Session {
    let password = add_staff(t, name, "commune_officer", &[COMMUNE]).await;
    staff_session(app, name, &password).await
}

/// Registers "Hộ kinh doanh Bánh mì Cô Ba" through the API; its code (`OWNER_ID`).
pub(crate) async fn register(app: &TestServer, who: &Session) -> String {
    let code = submit(app, &registration("Bánh mì Cô Ba", OWNER_ID)).await;
    let (s, b) = approve(app, who, &code).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    OWNER_ID.to_owned()
}

/// The PDF's text (white space collapsed).
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages)
        .expect("text")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) async fn get_bytes(
    app: &TestServer,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, Vec<u8>) {
    let res = send(app, "GET", uri, headers, vec![]).await;
    let status = res.status();
    (status, res.bytes().await.expect("body").to_vec())
}

async fn hkd(app: &TestServer, code: &str) -> Value {
    let res = send(app, "GET", &format!("/api/v1/hkd/{code}"), &[], vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

async fn is_current(t: &TestDb, verify_url: &str) -> i64 {
    let code = verify_url.rsplit('/').next().expect("code");
    t.raw
        .scalar(&format!(
            "SELECT is_current FROM dossier_documents WHERE verify_code = '{code}'"
        ))
        .await
}

async fn a_business_is_registered_changed_and_terminated_with_its_documents(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let officer = officer(&t, &app, "canbo").await;

    // Registration → the registry and the certificate.
    let dossier = submit(&app, &registration("Bánh mì Cô Ba", OWNER_ID)).await;
    let (s, b) = approve(&app, &officer, &dossier).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["summary"]["state"], "approved");
    let gcn = b["documents"][0].clone();
    assert_eq!(gcn["kind"], "gcn", "{b}");
    assert_eq!(gcn["title"], "Giấy chứng nhận đăng ký hộ kinh doanh");
    let first_verify = gcn["verify_url"].as_str().expect("a verify URL").to_owned();
    let verify_code = first_verify.rsplit('/').next().expect("code");
    assert!(
        first_verify.starts_with(&format!("{}/verify/", app.url)) && verify_code.len() == 26,
        "{first_verify}"
    );
    assert!(
        b["timeline"]
            .as_array()
            .and_then(|t| t.last())
            .and_then(|e| e["note"].as_str())
            .is_some_and(|n| n.contains(OWNER_ID)),
        "{b}"
    );
    let registered = hkd(&app, OWNER_ID).await;
    assert_eq!(registered["name"], "Hộ kinh doanh Bánh mì Cô Ba");
    assert_eq!(registered["status"], "active");
    assert_eq!(registered["commune"], COMMUNE);

    // The owner downloads it signed in; nobody else (the phone number proves nothing).
    let owner = app.citizen(PHONE).await;
    let url = gcn["url"].as_str().expect("url").to_owned();
    let res = send(&app, "GET", &url, &owner.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        crate::helpers::header(&res, "content-disposition"),
        format!("inline; filename=\"gcn-{dossier}.pdf\"")
    );
    let pdf = res.bytes().await.expect("PDF").to_vec();
    let text = pdf_text(&pdf);
    for expected in [
        "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH",
        &format!("Mã số hộ kinh doanh: {OWNER_ID}"),
        "HỘ KINH DOANH BÁNH MÌ CÔ BA",
        "UBND PHƯỜNG CẨM THÀNH PHÒNG KINH TẾ, HẠ TẦNG VÀ ĐÔ THỊ",
        verify_code,
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    let stranger = app.citizen("0987654321").await;
    let (s, _) = get_bytes(&app, &url, &stranger.cookie()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for bad in [url.clone(), format!("{url}?phone={PHONE}")] {
        let (s, _) = get_bytes(&app, &bad, &[]).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    }
    // The look-up lists it for the signed-in owner (and on the owner's dossiers), as the phone reads a
    // `DossierStatus`.
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{dossier}"),
        &owner.cookie(),
        vec![],
    )
    .await;
    let status: domain::api::DossierStatus = res.json().await.expect("a DossierStatus");
    assert_eq!(status.documents.len(), 1);
    assert_eq!(status.documents[0].kind, "gcn");
    assert_eq!(status.documents[0].url, url);
    assert_eq!(
        status.documents[0].verify_url.as_deref(),
        Some(first_verify.as_str())
    );
    let res = send(&app, "GET", "/api/v1/me/dossiers", &owner.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mine: Vec<domain::api::DossierStatus> = res.json().await.expect("statuses");
    assert!(
        mine.iter()
            .any(|s| s.receipt.code == dossier && s.documents.len() == 1),
        "{mine:?}"
    );
    // The public look-up page shows the state, not the documents.
    let res = send(
        &app,
        "GET",
        &format!("/tra-cuu?code={dossier}&phone={PHONE}"),
        &[],
        vec![],
    )
    .await;
    let html = res.text().await.expect("HTML");
    assert!(
        html.contains("Đã cấp kết quả") || html.contains("approved") || html.contains(&dossier),
        "{html}"
    );
    assert!(!html.contains(&url), "the public page links no document");

    // A change of capital and lines → the registry's data and a new certificate; the first is replaced.
    let dossier = submit(
        &app,
        &change(
            OWNER_ID,
            &json!({
                "change_capital": {"capital": "200.000.000", "changed_on": "2026-11-20", "method": "increase"},
                "change_name": {"vietnamese": "Hộ kinh doanh Bánh mì Cô Ba Tư"}
            }),
        ),
    )
    .await;
    let (s, b) = approve(&app, &officer, &dossier).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let second = b["documents"][0].clone();
    assert_eq!(second["kind"], "gcn");
    let second_verify = second["verify_url"].as_str().expect("verify").to_owned();
    assert_ne!(second_verify, first_verify);
    assert_eq!(is_current(&t, &first_verify).await, 0, "replaced");
    assert_eq!(is_current(&t, &second_verify).await, 1);
    assert_eq!(
        hkd(&app, OWNER_ID).await["name"],
        "Hộ kinh doanh Bánh mì Cô Ba Tư"
    );
    let (_, pdf) = get_bytes(&app, second["url"].as_str().expect("url"), &owner.cookie()).await;
    let text = pdf_text(&pdf);
    for expected in [
        "Đăng ký thay đổi lần thứ 1",
        "200.000.000",
        "BÁNH MÌ CÔ BA TƯ",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }

    // A tax-only change updates the registry without a certificate.
    let dossier = submit(
        &app,
        &change(
            OWNER_ID,
            &json!({"change_tax": {"items": [
                {"indicator": "Địa chỉ nhận thông báo thuế", "old": "12 Lê Lợi", "new": "14 Lê Lợi"}
            ]}}),
        ),
    )
    .await;
    let (s, b) = approve(&app, &officer, &dossier).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["documents"], json!([]), "no new certificate");
    assert_eq!(is_current(&t, &second_verify).await, 1, "still in force");

    // Termination → "Đã chấm dứt hoạt động", the notice, and the certificate is no longer current.
    let dossier = submit(&app, &termination(OWNER_ID)).await;
    let (s, b) = approve(&app, &officer, &dossier).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let notice = b["documents"][0].clone();
    assert_eq!(notice["kind"], "termination_notice");
    assert_eq!(hkd(&app, OWNER_ID).await["status"], "terminated");
    assert_eq!(is_current(&t, &second_verify).await, 0);
    let (_, pdf) = get_bytes(&app, notice["url"].as_str().expect("url"), &owner.cookie()).await;
    let text = pdf_text(&pdf);
    for expected in [
        "Đã chấm dứt hoạt động",
        OWNER_ID,
        "BÁNH MÌ CÔ BA TƯ",
        "12 Lê Lợi",
    ] {
        assert!(
            text.to_uppercase().contains(&expected.to_uppercase()),
            "{expected:?} in:\n{text}"
        );
    }
    // Nothing more for a terminated business; its name is free again in the commune.
    let dossier = submit(&app, &termination(OWNER_ID)).await;
    let (s, b) = approve(&app, &officer, &dossier).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(
        b["message"]
            .as_str()
            .is_some_and(|m| m.contains("đã chấm dứt hoạt động")),
        "{b}"
    );
    let check = send(
        &app,
        "GET",
        "/api/v1/hkd/names/check?commune=21025&name=H%E1%BB%99%20kinh%20doanh%20B%C3%A1nh%20m%C3%AC%20C%C3%B4%20Ba%20T%C6%B0",
        &[],
        vec![],
    )
    .await;
    assert_eq!(body_json(check).await["available"], true);
    // Every approval told the applicant.
    assert_eq!(
        t.raw
            .scalar(
                "SELECT COUNT(*) FROM notification_outbox WHERE kind = 'dossier_state' \
                 AND payload_json LIKE '%\"approved\"%'"
            )
            .await,
        4
    );
    t.teardown().await;
}

async fn a_name_taken_in_the_commune_or_an_unknown_business_is_refused_clearly(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let officer = officer(&t, &app, "canbo").await;
    register(&app, &officer).await;

    // The same name in the commune, for another owner: refused, and the dossier stays undecided.
    let dossier = submit(&app, &registration("BÁNH MÌ CÔ BA", "051185099999")).await;
    let (s, b) = approve(&app, &officer, &dossier).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let message = b["message"].as_str().expect("message");
    assert!(message.contains("Điều 86 khoản 6"), "{message}");
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/staff/dossiers/{dossier}"),
        &officer.cookie(),
        vec![],
    )
    .await;
    let view = body_json(res).await;
    assert_eq!(view["summary"]["state"], "processing");
    assert_eq!(view["documents"], json!([]), "nothing issued");
    // A code that exists, typed by the officer: refused.
    let (s, b) = act(
        &app,
        &officer,
        &dossier,
        &json!({"action": "approve", "hkd_code": OWNER_ID}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    // A code that is no code: 422.
    let (s, b) = act(
        &app,
        &officer,
        &dossier,
        &json!({"action": "approve", "hkd_code": "12"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

    // A change or termination of a business the registry does not know: its owner cannot be checked,
    // so filing as the owner is refused at once.
    for body in [
        termination("051085012345"),
        change(
            "051085012345",
            &json!({"change_capital": {"capital": "200.000.000", "changed_on": "2026-11-20", "method": "increase"}}),
        ),
    ] {
        let (s, b) = try_submit(&app, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            b["message"].as_str().is_some_and(
                |m| m.contains("Không tìm thấy hộ kinh doanh 051085012345 trong sổ đăng ký")
            ),
            "{b}"
        );
    }
    // Another commune's officer cannot decide on a business seated here.
    let password = add_staff(&t, "canbokhac", "commune_officer", &["21028"]).await;
    let other = staff_session(&app, "canbokhac", &password).await;
    let mut elsewhere = termination(OWNER_ID);
    elsewhere["form"]["office"] = json!("21028");
    let dossier = submit(&app, &elsewhere).await;
    let (s, b) = approve(&app, &other, &dossier).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(
        b["message"]
            .as_str()
            .is_some_and(|m| m.contains("nơi đặt trụ sở")),
        "{b}"
    );
    assert_eq!(hkd(&app, OWNER_ID).await["status"], "active");
    t.teardown().await;
}

/// A promotion notice (a loyalty programme starting in 30 days) from the trader of phone `PHONE`.
pub(crate) fn promotion_notice() -> Value {
    let today = chrono::Utc::now()
        .with_timezone(&domain::calendar::VIETNAM_OFFSET)
        .date_naive();
    let start = today.checked_add_days(Days::new(30)).expect("date");
    let end = start.checked_add_days(Days::new(60)).expect("date");
    json!({
        "procedure": "promotion_notice",
        "form_version": "nd81_mau01",
        "form": {
            "trader": {"name": "Công ty TNHH Thương mại Sa Huỳnh", "address": "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi",
                       "phone": "02553822222", "tax_code": "0100109106", "contact_name": "Lê Văn Năm",
                       "contact_phone": PHONE},
            "programme_name": "Tích điểm đổi quà",
            "provinces": ["Quảng Ngãi", "Đà Nẵng"],
            "forms": ["loyalty"],
            "start": start.to_string(),
            "end": end.to_string(),
            "promoted_goods": "Nước mắm Sa Huỳnh",
            "customers": "Khách hàng có thẻ thành viên",
            "prize_structure": "Đổi 100 điểm lấy 1 chai nước mắm 500 ml",
            "total_value": "150.000.000",
            "rules": "Mỗi 10.000 đồng mua hàng được 1 điểm."
        },
        "applicant": {"name": "Lê Văn Năm", "phone": PHONE}
    })
}

async fn receiving_a_promotion_notice_issues_the_acknowledgement(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let password = add_staff(&t, "canbo.so", "trade_officer", &["SCT"]).await;
    let trade = staff_session(&app, "canbo.so", &password).await;
    let body = promotion_notice();
    let dossier = submit(&app, &body).await;
    let (s, b) = act(&app, &trade, &dossier, &json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["summary"]["state"], "received");
    assert_eq!(b["allowed_actions"], json!([]), "finished: {b}");
    let ack = b["documents"][0].clone();
    assert_eq!(ack["kind"], "acknowledgement", "{b}");
    assert!(ack["verify_url"].is_string());
    let trader = app.citizen(PHONE).await;
    let (s, pdf) = get_bytes(&app, ack["url"].as_str().expect("url"), &trader.cookie()).await;
    assert_eq!(s, StatusCode::OK);
    let text = pdf_text(&pdf);
    for expected in ["Sở Công Thương", "Tích điểm đổi quà", "0100109106"] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    t.teardown().await;
}
