//! Document numbers and signers' positions (NĐ 30/2020/NĐ-CP), on both databases: every letter with a
//! "Số:" line takes the next number of its series at the issuing office this year — consecutive within
//! an office, from 01 in another, and distinct under concurrent requests —, shows it in the staff and
//! owner's lists of documents and on `/verify/{code}`, and is signed as the officer's position (set by
//! the administrator) says; the certificate has no number.

use axum::http::StatusCode;
use chrono::Datelike as _;
use serde_json::{Value, json};

use crate::{
    approvals::{
        COMMUNE, PHONE, act, approve, get_bytes, pdf_text, promotion_notice, registration, submit,
    },
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send},
    signin::{Session, add_staff, admin_session, post_json, staff_session},
};

both_backends!(
    concurrent_requests_take_distinct_consecutive_numbers_per_office_series_and_year,
    letters_of_one_office_are_numbered_in_turn_and_another_office_starts_at_01,
    positions_are_set_by_the_administrator_and_decide_the_signature,
);

/// A commune (xã) other than `COMMUNE` (a phường): its office is the Phòng Kinh tế.
const XA: &str = "21211";

fn this_year() -> i32 {
    chrono::Utc::now()
        .with_timezone(&domain::calendar::VIETNAM_OFFSET)
        .year()
}

/// PATCHes an account as the administrator; status and body.
async fn patch_account(
    app: &TestServer,
    admin: &Session,
    id: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let res = send(
        app,
        "PATCH",
        &format!("/api/v1/admin/staff/{id}"),
        &[
            ("content-type", "application/json"),
            admin.headers()[0],
            admin.headers()[1],
        ],
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

/// The id of the account with this login name, as the administrator's list shows it.
async fn account_id(app: &TestServer, admin: &Session, username: &str) -> String {
    let res = send(app, "GET", "/api/v1/admin/staff", &admin.cookie(), vec![]).await;
    let list = body_json(res).await;
    list.as_array()
        .expect("list")
        .iter()
        .find(|a| a["username"] == username)
        .and_then(|a| a["id"].as_str())
        .expect("the account is listed")
        .to_owned()
}

/// An officer with this position, made by the test and given the position by the administrator;
/// signed in.
async fn officer_with_title(
    t: &TestDb,
    app: &TestServer,
    admin: &Session,
    (username, role, jurisdiction): (&str, &str, &str),
    title: &str,
) -> Session {
    let password = add_staff(t, username, role, &[jurisdiction]).await;
    let id = account_id(app, admin, username).await;
    let (s, b) = patch_account(app, admin, &id, &json!({"title": title})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["title"], title, "{b}");
    staff_session(app, username, &password).await
}

/// A registration of "Hộ kinh doanh {name}" with this owner, seated in (and filed at) `commune`.
fn registration_in(commune: &str, name: &str, owner_id: &str) -> Value {
    let mut body = registration(name, owner_id);
    body["form"]["office"] = json!(commune);
    body["form"]["seat"]["address"]["commune"] = json!(commune);
    body
}

/// Receives a dossier and asks for an amendment of its name; the last document (the letter).
async fn ask_for_amendment(app: &TestServer, who: &Session, code: &str) -> Value {
    let (s, b) = act(app, who, code, &json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = act(
        app,
        who,
        code,
        &json!({"action": "request_supplement",
                "items": [{"target": "name.vietnamese", "note": "Tên trùng, đề nghị đặt tên khác."}]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    last_document(&b)
}

fn last_document(dossier: &Value) -> Value {
    dossier["documents"]
        .as_array()
        .and_then(|d| d.last())
        .cloned()
        .unwrap_or_else(|| panic!("a document: {dossier}"))
}

/// The PDF of an issued document, downloaded by the owner signed in.
async fn pdf_of(app: &TestServer, document: &Value) -> String {
    let url = document["url"].as_str().expect("url");
    let owner = app.citizen(PHONE).await;
    let (s, pdf) = get_bytes(app, url, &owner.cookie()).await;
    assert_eq!(s, StatusCode::OK);
    pdf_text(&pdf)
}

async fn concurrent_requests_take_distinct_consecutive_numbers_per_office_series_and_year(
    engine: Engine,
) {
    let t = TestDb::new(engine).await;
    t.db.migrate().await.expect("migrate");
    let year = this_year();
    let takers = (0..24).map(|_| {
        let db = std::sync::Arc::clone(&t.db);
        tokio::spawn(async move { db.next_document_number(COMMUNE, year, "TB").await })
    });
    let mut numbers: Vec<u32> = futures::future::join_all(takers)
        .await
        .into_iter()
        .map(|n| n.expect("the task ran").expect("a number"))
        .collect();
    numbers.sort_unstable();
    assert_eq!(
        numbers,
        (1..=24).collect::<Vec<u32>>(),
        "distinct and consecutive from 1"
    );
    for (issuer, year, series) in [
        (XA, year, "TB"),
        (COMMUNE, year, "PTC"),
        (COMMUNE, year + 1, "TB"),
        ("SCT", year, "CV"),
    ] {
        assert_eq!(
            t.db.next_document_number(issuer, year, series)
                .await
                .expect("a number"),
            1,
            "{issuer} {year} {series} starts at 1"
        );
    }
    assert_eq!(
        t.db.next_document_number(COMMUNE, year, "TB")
            .await
            .expect("a number"),
        25
    );
    t.teardown().await;
}

async fn letters_of_one_office_are_numbered_in_turn_and_another_office_starts_at_01(
    engine: Engine,
) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let admin = admin_session(&app).await;
    let ward = officer_with_title(
        &t,
        &app,
        &admin,
        ("pho.phong", "commune_officer", COMMUNE),
        "pho_truong_phong",
    )
    .await;
    let xa = officer_with_title(
        &t,
        &app,
        &admin,
        ("truong.phong.xa", "commune_officer", XA),
        "truong_phong",
    )
    .await;

    // Two requests for amendments of the ward's office: 01 and 02 of its Thông báo series.
    let first = submit(
        &app,
        &registration_in(COMMUNE, "Bánh mì Cô Ba", "051185012345"),
    )
    .await;
    let second = submit(
        &app,
        &registration_in(COMMUNE, "Phở Bò Cô Tư", "051185012346"),
    )
    .await;
    let letter = ask_for_amendment(&app, &ward, &first).await;
    assert_eq!(letter["kind"], "supplement_request");
    assert_eq!(letter["number"], "01/TB-PKTHTĐT", "{letter}");
    let letter2 = ask_for_amendment(&app, &ward, &second).await;
    assert_eq!(letter2["number"], "02/TB-PKTHTĐT", "{letter2}");
    let text = pdf_of(&app, &letter2).await;
    for expected in [
        "PHÒNG KINH TẾ, HẠ TẦNG VÀ ĐÔ THỊ",
        "Số: 02/TB-PKTHTĐT",
        "KT. TRƯỞNG PHÒNG",
        "PHÓ TRƯỞNG PHÒNG",
        "Cán bộ pho.phong",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    assert!(!text.contains("CÁN BỘ XỬ LÝ HỒ SƠ"), "{text}");

    // Another office starts at 01; its head signs as the head.
    let third = submit(
        &app,
        &registration_in(XA, "Bún chả cá Cô Năm", "051185012347"),
    )
    .await;
    let letter3 = ask_for_amendment(&app, &xa, &third).await;
    assert_eq!(letter3["number"], "01/TB-PKT", "{letter3}");
    let text = pdf_of(&app, &letter3).await;
    assert!(text.contains("Số: 01/TB-PKT"), "{text}");
    assert!(
        text.contains("TRƯỞNG PHÒNG Cán bộ truong.phong.xa") && !text.contains("KT. TRƯỞNG PHÒNG"),
        "{text}"
    );

    // The certificate has no number (Mẫu 7: its number is the business's code) and is signed too.
    let fourth = submit(
        &app,
        &registration_in(XA, "Cà phê Sông Trà", "051185012348"),
    )
    .await;
    let (s, b) = approve(&app, &xa, &fourth).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let gcn = last_document(&b);
    assert_eq!(gcn["kind"], "gcn");
    assert!(gcn.get("number").is_none(), "{gcn}");
    let text = pdf_of(&app, &gcn).await;
    assert!(!text.contains("Số: "), "{text}");
    assert!(
        text.contains("TRƯỞNG PHÒNG Cán bộ truong.phong.xa"),
        "{text}"
    );

    // A refusal takes the first number of its own series; concurrent refusals take distinct ones.
    let mut refused = Vec::new();
    for (i, name) in ["An", "Bình", "Cường", "Dũng", "Em"]
        .into_iter()
        .enumerate()
    {
        let owner = format!("05118501235{i}");
        refused.push(
            submit(
                &app,
                &registration_in(COMMUNE, &format!("Tạp hóa {name}"), &owner),
            )
            .await,
        );
    }
    let (s, b) = act(
        &app,
        &ward,
        &refused[0],
        &json!({"action": "refuse_intake", "reason": "Hồ sơ không thuộc thẩm quyền."}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(last_document(&b)["number"], "01/PTC-PKTHTĐT");
    let refusal = json!({"action": "refuse_intake", "reason": "Hồ sơ không thuộc thẩm quyền."});
    let refusals = refused[1..]
        .iter()
        .map(|code| act(&app, &ward, code, &refusal));
    let mut numbers: Vec<String> = futures::future::join_all(refusals)
        .await
        .into_iter()
        .map(|(s, b)| {
            assert_eq!(s, StatusCode::OK, "{b}");
            last_document(&b)["number"]
                .as_str()
                .expect("number")
                .to_owned()
        })
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        [
            "02/PTC-PKTHTĐT",
            "03/PTC-PKTHTĐT",
            "04/PTC-PKTHTĐT",
            "05/PTC-PKTHTĐT"
        ]
    );
    assert_eq!(
        t.raw
            .scalar(&format!(
                "SELECT last_number FROM document_number_counters \
                 WHERE issuer = '{COMMUNE}' AND year = {} AND series = 'TB'",
                this_year()
            ))
            .await,
        2
    );

    // The owner's look-up and the verification page show the number.
    let owner = app.citizen(PHONE).await;
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{first}"),
        &owner.cookie(),
        vec![],
    )
    .await;
    let status: domain::api::DossierStatus = res.json().await.expect("a DossierStatus");
    assert_eq!(status.documents[0].number.as_deref(), Some("01/TB-PKTHTĐT"));
    let verify = letter["verify_url"].as_str().expect("verify URL");
    let code = verify.rsplit('/').next().expect("code");
    let res = send(&app, "GET", &format!("/api/v1/verify/{code}"), &[], vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let verified: domain::api::VerifiedDocument = res.json().await.expect("a VerifiedDocument");
    assert_eq!(verified.number.as_deref(), Some("01/TB-PKTHTĐT"));
    let res = send(&app, "GET", &format!("/verify/{code}"), &[], vec![]).await;
    let html = res.text().await.expect("HTML");
    assert!(html.contains("01/TB-PKTHTĐT"), "the page shows the number");
    t.teardown().await;
}

async fn positions_are_set_by_the_administrator_and_decide_the_signature(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let admin = admin_session(&app).await;

    // Left out, the position is chuyên viên; the Sở's positions only for an account of SCT alone.
    let (s, created, _) = post_json(
        &app,
        "/api/v1/admin/staff",
        &admin.headers(),
        &json!({"username": "canbo.xa", "display_name": "Nguyễn Văn A", "role": "commune_officer",
                "jurisdictions": [COMMUNE]}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["title"], "chuyen_vien");
    let (s, refused, _) = post_json(
        &app,
        "/api/v1/admin/staff",
        &admin.headers(),
        &json!({"username": "giamdoc.xa", "display_name": "Nguyễn Văn B", "role": "commune_officer",
                "jurisdictions": [COMMUNE], "title": "giam_doc"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("Giám đốc") && m.contains("Sở Công Thương")),
        "{refused}"
    );
    let (s, created, _) = post_json(
        &app,
        "/api/v1/admin/staff",
        &admin.headers(),
        &json!({"username": "giamdoc.so", "display_name": "Võ Minh Đức", "role": "supervisor",
                "jurisdictions": ["SCT"], "title": "giam_doc"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["title"], "giam_doc");
    let id = created["account"]["id"].as_str().expect("id").to_owned();
    // A Giám đốc cannot be moved to a commune without another position; with one, it can.
    let (s, b) = patch_account(&app, &admin, &id, &json!({"jurisdictions": [COMMUNE]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = patch_account(
        &app,
        &admin,
        &id,
        &json!({"jurisdictions": [COMMUNE], "title": "truong_phong"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        (b["title"].clone(), b["jurisdictions"].clone()),
        (json!("truong_phong"), json!([COMMUNE]))
    );
    let res = send(
        &app,
        "PATCH",
        &format!("/api/v1/admin/staff/{id}"),
        &[
            ("content-type", "application/json"),
            admin.headers()[0],
            admin.headers()[1],
        ],
        br#"{"title": "tong_giam_doc"}"#.to_vec(),
    )
    .await;
    assert!(
        res.status().is_client_error(),
        "an unknown position: {}",
        res.status()
    );

    // A deputy director acknowledges a promotion notice: a công văn of the Sở, numbered SCT-QLTM.
    let deputy = officer_with_title(
        &t,
        &app,
        &admin,
        ("pho.giamdoc", "trade_officer", "SCT"),
        "pho_giam_doc",
    )
    .await;
    let dossier = submit(&app, &promotion_notice()).await;
    let (s, b) = act(&app, &deputy, &dossier, &json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let ack = last_document(&b);
    assert_eq!(ack["kind"], "acknowledgement");
    assert_eq!(ack["number"], "01/SCT-QLTM", "{ack}");
    let text = pdf_of(&app, &ack).await;
    for expected in [
        "Số: 01/SCT-QLTM",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Cán bộ pho.giamdoc",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }

    // An officer without signing authority signs as before.
    let password = add_staff(&t, "chuyen.vien", "commune_officer", &[COMMUNE]).await;
    let officer = staff_session(&app, "chuyen.vien", &password).await;
    let dossier = submit(&app, &registration("Bánh mì Cô Ba", "051185012345")).await;
    let letter = ask_for_amendment(&app, &officer, &dossier).await;
    let text = pdf_of(&app, &letter).await;
    assert!(
        text.contains("CÁN BỘ XỬ LÝ HỒ SƠ Cán bộ chuyen.vien"),
        "{text}"
    );
    t.teardown().await;
}
