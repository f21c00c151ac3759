//! The applicant's side of a request for amendments, on both databases: the request as the phone reads
//! it (`domain::api::SupplementRequest`), the resubmission exactly once (`domain::api::Resubmission` in,
//! `DossierStatus` out, as `app::platform::outbox` sends and reads them), validated like a submission,
//! with its files.

use axum::http::StatusCode;
use domain::api::{DossierStatus, Resubmission, SupplementRequest};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::{
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send},
    signin::{Session, add_staff, staff_session},
};

both_backends!(
    the_owner_reads_the_request_and_resubmits_exactly_once,
    concurrent_resubmissions_make_one_move,
    a_resubmission_is_validated_and_replaces_the_files_it_no_longer_lists,
    a_resubmission_cannot_aim_the_dossier_at_another_business_or_filer,
    signing_out_ends_the_dossier_accesses_of_the_browser,
);

const PHONE: &str = "0912345678";
const COMMUNE: &str = "21025";

/// A termination notice of commune 21025 filed with `PHONE`, with these files.
fn termination(name: &str, files: Value) -> Value {
    let mut body = crate::dossiers::termination_of(PHONE);
    body["form"]["hkd_name"] = json!(name);
    if files != json!([]) {
        body["form"]["signatory"] = json!("heir");
        body["form"]["attachments"] = files;
    }
    body
}

/// Uploads a small PDF made from `seed`; its attachment entry.
async fn upload(app: &TestServer, seed: &str) -> Value {
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend_from_slice(seed.repeat(200).as_bytes());
    pdf.extend_from_slice(b"\n%%EOF\n");
    let sha256 = hex::encode(Sha256::digest(&pdf));
    // The owner sends it (uploads need a signed-in person, issue 17).
    let owner = app.citizen(PHONE).await;
    let res = send(
        app,
        "PUT",
        &format!("/api/v1/uploads/{sha256}"),
        &owner.headers(),
        pdf.clone(),
    )
    .await;
    assert!(res.status().is_success(), "upload");
    json!({
        "kind": "death_certificate_or_court_decision",
        "media_type": "application/pdf",
        "size_bytes": pdf.len(),
        "sha256": sha256,
        "file_name": format!("{seed}.pdf")
    })
}

async fn submit(app: &TestServer, body: &Value) -> String {
    let owner = app.citizen(PHONE).await;
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &crate::helpers::submit_headers(&owner, &uuid::Uuid::new_v4().to_string()),
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await["code"]
        .as_str()
        .expect("code")
        .to_owned()
}

async fn officer(t: &TestDb, app: &TestServer) -> Session {
    let password = add_staff(t, "canbo", "commune_officer", &[COMMUNE]).await;
    staff_session(app, "canbo", &password).await
}

async fn act(app: &TestServer, who: &Session, code: &str, body: Value) -> Value {
    let res = send(
        app,
        "POST",
        &format!("/api/v1/staff/dossiers/{code}/actions"),
        &[
            ("cookie", &who.cookie),
            ("x-csrf-token", &who.csrf),
            ("content-type", "application/json"),
        ],
        serde_json::to_vec(&body).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "{body}");
    body_json(res).await
}

/// Receives the dossier and asks for amendments of these items.
async fn ask(app: &TestServer, who: &Session, code: &str, items: Value) -> Value {
    act(app, who, code, json!({"action": "receive"})).await;
    act(
        app,
        who,
        code,
        json!({"action": "request_supplement", "reason": "Hồ sơ cần sửa trước khi giải quyết.", "items": items}),
    )
    .await
}

/// What the phone posts: `Resubmission` of the amended form (`OutboxEntry::request`).
fn resubmission(form: &Value) -> Vec<u8> {
    serde_json::to_vec(&Resubmission {
        phone: PHONE.to_owned(),
        form_version: domain::FormVersion::current(domain::Procedure::HkdTermination),
        form: form.clone(),
    })
    .expect("JSON")
}

async fn resubmit(
    app: &TestServer,
    code: &str,
    key: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut all = vec![
        ("idempotency-key", key),
        ("content-type", "application/json"),
    ];
    all.extend_from_slice(headers);
    let res = send(
        app,
        "POST",
        &format!("/api/v1/dossiers/{code}/resubmissions"),
        &all,
        body,
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

async fn staff_view(app: &TestServer, who: &Session, code: &str) -> Value {
    let res = send(
        app,
        "GET",
        &format!("/api/v1/staff/dossiers/{code}"),
        &who.cookie(),
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

async fn the_owner_reads_the_request_and_resubmits_exactly_once(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = officer(&t, &app).await;
    let filed = termination("Hộ kinh doanh Bánh mì Cô Ba", json!([]));
    let code = submit(&app, &filed).await;
    let url = format!("/api/v1/dossiers/{code}/supplement");

    let owner = app.citizen(PHONE).await;
    // Nothing to read before the office asks.
    let res = send(&app, "GET", &url, &owner.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    ask(
        &app,
        &officer,
        &code,
        json!([{"target": "form.hkd_name", "note": "Tên phải đúng như trên Giấy chứng nhận."}]),
    )
    .await;

    // The owner reads it signed in; nobody else (a phone number proves nothing).
    let res = send(&app, "GET", &url, &owner.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(crate::helpers::header(&res, "cache-control"), "no-store");
    let request: SupplementRequest = res.json().await.expect("a SupplementRequest");
    assert_eq!(request.items.len(), 1);
    assert_eq!(request.items[0].target, "form.hkd_name");
    assert_eq!(
        request.note.as_deref(),
        Some("Hồ sơ cần sửa trước khi giải quyết.")
    );
    let requested_on = chrono::Utc::now()
        .with_timezone(&domain::calendar::VIETNAM_OFFSET)
        .date_naive();
    assert_eq!(
        request.deadline,
        Some(domain::lifecycle::lapse_after(requested_on)),
        "60 days for a household business"
    );
    let letter = request.document_url.clone().expect("the letter");
    let res = send(&app, "GET", &letter, &owner.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.expect("PDF").starts_with(b"%PDF"));
    for denied in [format!("{url}?phone={PHONE}"), url.clone()] {
        let res = send(&app, "GET", &denied, &[], vec![]).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{denied}");
    }
    let res = send(
        &app,
        "GET",
        "/api/v1/dossiers/KHONG-CO/supplement",
        &owner.cookie(),
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let stranger = app.citizen("0987654321").await;
    let res = send(&app, "GET", &url, &stranger.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "another citizen");

    // Without the session (another device): the code texted to the dossier's phone opens this dossier
    // only, for reading and answering.
    let (s, b, _) = crate::signin::post_json(
        &app,
        &format!("/api/v1/dossiers/{code}/access"),
        &[],
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let texted = crate::signin::last_code(&t, PHONE);
    let wrong = format!(
        "{:06}",
        (texted.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    let verify = format!("/api/v1/dossiers/{code}/access/verify");
    let (s, _, cookie) =
        crate::signin::post_json(&app, &verify, &[], &json!({"code": wrong})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(cookie.is_none());
    let res = send(
        &app,
        "POST",
        &verify,
        &[("content-type", "application/json")],
        serde_json::to_vec(&json!({"code": texted})).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let set = crate::helpers::header(&res, "set-cookie").to_owned();
    assert!(
        set.starts_with(&format!("motcua_dossier_{code}="))
            && set.contains("HttpOnly")
            && set.contains("SameSite=Strict"),
        "{set}"
    );
    let scoped_cookie = set.split(';').next().expect("the pair").to_owned();
    let scoped = [("cookie", scoped_cookie.as_str())];
    let res = send(&app, "GET", &url, &scoped, vec![]).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "the scoped access reads the request"
    );
    let res = send(&app, "GET", &letter, &scoped, vec![]).await;
    assert_eq!(res.status(), StatusCode::OK, "and its letter");
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &scoped,
        vec![],
    )
    .await;
    assert_eq!(body_json(res).await["view"], "full");
    // The code is spent: it opens nothing again.
    let (s, _, _) = crate::signin::post_json(&app, &verify, &[], &json!({"code": texted})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The token renamed for another dossier opens nothing there.
    let other = submit(&app, &filed).await;
    let token = scoped_cookie.split_once('=').expect("pair").1;
    let forged = format!("motcua_dossier_{other}={token}");
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{other}"),
        &[("cookie", forged.as_str())],
        vec![],
    )
    .await;
    assert_eq!(body_json(res).await["view"], "public");
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{other}/receipt.pdf"),
        &[("cookie", forged.as_str())],
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // An amended form that breaks a rule: 422 with the field, nothing moves.
    let mut broken = filed["form"].clone();
    broken["hkd_name"] = json!("Bánh mì");
    let key = uuid::Uuid::new_v4().to_string();
    let (s, b) = resubmit(&app, &code, &key, resubmission(&broken), &scoped).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .any(|f| f["path"] == "form.hkd_name"),
        "{b}"
    );
    // Someone with the phone number in the body and nothing else: refused.
    let (s, _) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&filed["form"]),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, b) = resubmit(
        &app,
        &code,
        "not-a-uuid",
        resubmission(&filed["form"]),
        &scoped,
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");

    // The corrected form: 201 with the status the phone reads; the same again: 200, the same state.
    let mut amended = filed["form"].clone();
    amended["hkd_name"] = json!("Hộ kinh doanh Bánh mì Cô Ba Quảng Ngãi");
    let (s, b) = resubmit(&app, &code, &key, resubmission(&amended), &scoped).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let status: DossierStatus = serde_json::from_value(b.clone()).expect("a DossierStatus");
    assert_eq!(status.state, domain::lifecycle::State::Processing);
    assert_eq!(status.receipt.code, code);
    assert_eq!(
        status.timeline.last().and_then(|e| e.note.as_deref()),
        Some("Người nộp đã gửi hồ sơ sửa đổi, bổ sung; cơ quan tiếp tục giải quyết.")
    );
    let (s, again) = resubmit(&app, &code, &key, resubmission(&amended), &owner.headers()).await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again, b, "a replay answers the same status");
    // The key with another body, or another resubmission: refused.
    let (s, b) = resubmit(&app, &code, &key, resubmission(&filed["form"]), &scoped).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let (s, b) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&amended),
        &owner.headers(),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let message = b["message"].as_str().expect("message");
    assert!(
        message.contains("nộp bổ sung") && message.contains("Đang giải quyết"),
        "{message}"
    );
    let res = send(&app, "GET", &url, &owner.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no open request now");

    // The officer sees the amended form, the request closed, and the applicant is told.
    let view = staff_view(&app, &officer, &code).await;
    assert_eq!(view["summary"]["state"], "processing");
    assert_eq!(
        view["form"]["hkd_name"],
        "Hộ kinh doanh Bánh mì Cô Ba Quảng Ngãi"
    );
    assert!(view["supplement"].is_null(), "{view}");
    assert_eq!(
        t.raw
            .scalar(
                "SELECT COUNT(*) FROM notification_outbox WHERE kind = 'dossier_state' \
                 AND payload_json LIKE '%\"processing\"%'"
            )
            .await,
        1
    );
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM supplement_requests WHERE resolution = 'resubmitted' AND original_form_json IS NOT NULL")
            .await,
        1,
        "the form as first filed is kept with the request"
    );
    t.teardown().await;
}

async fn concurrent_resubmissions_make_one_move(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = officer(&t, &app).await;
    let filed = termination("Hộ kinh doanh Bánh mì Cô Ba", json!([]));
    for same_key in [true, false] {
        let code = submit(&app, &filed).await;
        ask(
            &app,
            &officer,
            &code,
            json!([{"target": "hkd_name", "note": "Ghi đúng tên."}]),
        )
        .await;
        let key = uuid::Uuid::new_v4().to_string();
        let url = format!("{}/api/v1/dossiers/{code}/resubmissions", app.url);
        let owner = app.citizen(PHONE).await;
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(8));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let key = if same_key {
                    key.clone()
                } else {
                    uuid::Uuid::new_v4().to_string()
                };
                let (url, body, start) = (url.clone(), resubmission(&filed["form"]), start.clone());
                let owner = owner.clone();
                tokio::spawn(async move {
                    let client = reqwest::Client::new();
                    start.wait().await;
                    client
                        .post(url)
                        .header("idempotency-key", key)
                        .header("content-type", "application/json")
                        .header("cookie", owner.cookie)
                        .header("x-csrf-token", owner.csrf)
                        .body(body)
                        .send()
                        .await
                        .expect("an answer")
                        .status()
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.expect("client task"));
        }
        let count = |s: StatusCode| statuses.iter().filter(|x| **x == s).count();
        let expected = if same_key {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        };
        assert_eq!(
            (count(StatusCode::CREATED), count(expected)),
            (1, 7),
            "same key: {same_key}; {statuses:?}"
        );
        assert_eq!(
            t.raw
                .scalar(&format!(
                    "SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id \
                     WHERE d.code = '{code}' AND e.actor = 'applicant' AND e.to_state = 'processing'"
                ))
                .await,
            1,
            "one move"
        );
    }
    t.teardown().await;
}

async fn a_resubmission_is_validated_and_replaces_the_files_it_no_longer_lists(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = officer(&t, &app).await;
    let blurred = upload(&app, "mo").await;
    let filed = termination("Hộ kinh doanh Bánh mì Cô Ba", json!([blurred]));
    let code = submit(&app, &filed).await;
    let owner = app.citizen(PHONE).await;
    let asked = ask(
        &app,
        &officer,
        &code,
        json!([{"target": "attachment:death_certificate_or_court_decision", "note": "Ảnh mờ, hãy chụp lại."}]),
    )
    .await;
    let old_file = asked["attachments"][0]["url"]
        .as_str()
        .expect("the file")
        .to_owned();

    // A file that was never uploaded, another office: refused, nothing moves.
    let mut form = filed["form"].clone();
    form["attachments"] = json!([{
        "kind": "death_certificate_or_court_decision",
        "media_type": "application/pdf",
        "size_bytes": 1000,
        "sha256": "a".repeat(64),
        "file_name": "khong-co.pdf"
    }]);
    let (s, b) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&form),
        &owner.headers(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["fields"][0]["path"], "form.attachments[0].sha256", "{b}");
    let clear = upload(&app, "ro").await;
    form["attachments"] = json!([clear]);
    let mut elsewhere = form.clone();
    elsewhere["office"] = json!("21028");
    let (s, b) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&elsewhere),
        &owner.headers(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["message"]
            .as_str()
            .expect("message")
            .contains("cùng cơ quan"),
        "{b}"
    );
    let view = staff_view(&app, &officer, &code).await;
    assert_eq!(view["summary"]["state"], "supplement_requested");

    // The clear photo replaces the blurred one; the blurred one stays readable by its link.
    let (s, b) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&form),
        &owner.headers(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let view = staff_view(&app, &officer, &code).await;
    let files = view["attachments"].as_array().expect("attachments");
    assert_eq!(files.len(), 1, "{view}");
    assert_eq!(files[0]["original_name"], "ro.pdf");
    let res = send(&app, "GET", &old_file, &officer.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::OK, "the replaced file is kept");
    // The receipt lists the current file only.
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM attachments WHERE replaced_at IS NULL")
            .await,
        1
    );
    assert_eq!(t.raw.scalar("SELECT COUNT(*) FROM attachments").await, 2);
    t.teardown().await;
}

/// The attack the review found: the owner of one business files its termination, gets a request for
/// amendments, and resubmits naming the neighbour's business (or filing in another role) — the ownership
/// check ran only at submission, so approval would have terminated the neighbour's business.
async fn a_resubmission_cannot_aim_the_dossier_at_another_business_or_filer(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    crate::helpers::seed_business(&t, "051085067890", "0987654321").await;
    let officer = officer(&t, &app).await;
    let filed = termination("Hộ kinh doanh Bánh mì Cô Ba", json!([]));
    let code = submit(&app, &filed).await;
    ask(
        &app,
        &officer,
        &code,
        json!([{"target": "hkd_name", "note": "Ghi đúng tên."}]),
    )
    .await;
    let owner = app.citizen(PHONE).await;
    let mut neighbours = filed["form"].clone();
    neighbours["hkd_code"] = json!("051085067890");
    let mut other_role = filed["form"].clone();
    other_role["filer"] = json!("authorised");
    // Act
    let (aimed, aimed_body) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&neighbours),
        &owner.headers(),
    )
    .await;
    let (role, role_body) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&other_role),
        &owner.headers(),
    )
    .await;
    let (honest, honest_body) = resubmit(
        &app,
        &code,
        &uuid::Uuid::new_v4().to_string(),
        resubmission(&filed["form"]),
        &owner.headers(),
    )
    .await;
    // Assert
    assert_eq!(aimed, StatusCode::FORBIDDEN, "{aimed_body}");
    assert!(
        aimed_body["message"]
            .as_str()
            .is_some_and(|m| m.contains("hộ kinh doanh mới") || m.contains("hồ sơ mới")),
        "the refusal says what to do: {aimed_body}"
    );
    // Without the authorisation attached the validation refuses it first (422); with it, the check of
    // the parties (403): either way the role stays.
    assert!(
        matches!(
            role,
            StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY
        ),
        "{role}: {role_body}"
    );
    assert_eq!(honest, StatusCode::CREATED, "{honest_body}");
    assert!(
        t.raw
            .text("SELECT form_json FROM dossiers WHERE code = $1", &code)
            .await
            .contains("051085012345"),
        "the dossier still names the owner's business"
    );
    t.teardown().await;
}

/// A shared tablet: the dossier-scoped accesses opened in this browser (`motcua_dossier_<CODE>`
/// cookies) end when the person signs out, so the next person of the tablet cannot read those dossiers.
async fn signing_out_ends_the_dossier_accesses_of_the_browser(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let citizen = app.citizen(PHONE).await;
    let cookies = format!(
        "{}; motcua_dossier_21025-261207-0001=abc; motcua_dossier_21025-261207-0002=def",
        citizen.cookie
    );
    // Act
    let res = send(
        &app,
        "DELETE",
        "/api/v1/session",
        &[("cookie", &cookies), ("x-csrf-token", &citizen.csrf)],
        Vec::new(),
    )
    .await;
    // Assert
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let set: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    for code in ["21025-261207-0001", "21025-261207-0002"] {
        assert!(
            set.iter()
                .any(|c| c.starts_with(&format!("motcua_dossier_{code}=;"))
                    && c.contains("Max-Age=0")
                    && c.contains("Path=/api/v1")),
            "the access to {code} is removed: {set:?}"
        );
    }
    assert!(set.iter().any(|c| c.starts_with("motcua_session=;")));
    t.teardown().await;
}
