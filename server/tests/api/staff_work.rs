//! The staff workspace through the API, on both databases: the lifecycle moves (allowed and refused),
//! the letters stored and served, jurisdictions, the audit log (and that it is append-only) and the
//! lapse sweep.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send},
    signin::{Session, add_staff, staff_session},
};

both_backends!(
    an_officer_moves_a_dossier_through_its_lifecycle_and_refused_moves_answer_409,
    intake_refusal_needs_a_reason_and_issues_the_letter,
    an_overdue_dossier_is_extended_to_a_later_date_with_an_apology,
    other_communes_see_nothing_and_supervisors_read_but_do_not_act,
    the_audit_log_records_reads_and_actions_and_refuses_changes,
    the_lapse_sweep_cancels_requests_past_their_deadline_once,
);

const PHONE: &str = "0912345678";
const COMMUNE: &str = "21025";

/// A staff account made in the database and signed in through the real route.
async fn staff(
    t: &TestDb,
    app: &TestServer,
    username: &str,
    role: &str,
    jurisdictions: &[&str],
) -> Session {
    let password = add_staff(t, username, role, jurisdictions).await;
    staff_session(app, username, &password).await
}

async fn get_as(app: &TestServer, who: &Session, uri: &str) -> reqwest::Response {
    send(app, "GET", uri, &[("cookie", &who.cookie)], Vec::new()).await
}

async fn act(app: &TestServer, who: &Session, code: &str, body: Value) -> (StatusCode, Value) {
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
    let status = res.status();
    (status, body_json(res).await)
}

/// Submits a termination notice to commune 21025; its code.
async fn submit(app: &TestServer) -> String {
    let body = json!({
        "procedure": "hkd_termination",
        "form_version": "tt68_mau4",
        "form": {
            "office": COMMUNE,
            "hkd_name": "Hộ kinh doanh Bánh mì Cô Ba",
            "hkd_code": "051085012345",
            "signatory": "owner",
            "signatory_name": "Nguyễn Thị Ba",
            "filer_phone": PHONE,
            "commitments": {"debts_settled": true, "responsible": true}
        },
        "applicant": {"name": "Nguyễn Thị Ba", "phone": PHONE}
    });
    let owner = app.citizen(PHONE).await;
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &crate::helpers::submit_headers(&owner, &uuid::Uuid::new_v4().to_string()),
        serde_json::to_vec(&body).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    body_json(res).await["code"]
        .as_str()
        .expect("code")
        .to_owned()
}

fn expect_state(status: StatusCode, body: &Value, state: &str) {
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["summary"]["state"], state, "{body}");
}

fn expect_conflict(status: StatusCode, body: &Value, words: &[&str]) {
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let message = body["message"].as_str().expect("message");
    for w in words {
        assert!(message.contains(w), "«{message}» names «{w}»");
    }
}

async fn an_officer_moves_a_dossier_through_its_lifecycle_and_refused_moves_answer_409(
    engine: Engine,
) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = staff(&t, &app, "canbo", "commune_officer", &[COMMUNE]).await;
    let code = submit(&app).await;

    // Refused from submitted: nothing but receive or refuse.
    for (action, label) in [
        ("start_processing", "bắt đầu giải quyết"),
        ("approve", "phê duyệt"),
        ("deliver", "trả kết quả"),
        ("request_supplement", "yêu cầu sửa đổi"),
    ] {
        let (s, b) = act(
            &app,
            &officer,
            &code,
            json!({"action": action, "items": [{"target": "hkd_name", "note": "x"}]}),
        )
        .await;
        expect_conflict(s, &b, &[label, "Đã nộp, chờ tiếp nhận"]);
    }
    let (s, b) = act(&app, &officer, &code, json!({"action": "receive"})).await;
    expect_state(s, &b, "received");
    assert!(b["summary"]["due_date"].is_string(), "a due date: {b}");
    let (s, b) = act(&app, &officer, &code, json!({"action": "receive"})).await;
    expect_conflict(s, &b, &["tiếp nhận", "Đã tiếp nhận"]);
    let (s, b) = act(&app, &officer, &code, json!({"action": "start_processing"})).await;
    expect_state(s, &b, "processing");
    assert!(
        b["allowed_actions"]
            .as_array()
            .expect("actions")
            .iter()
            .any(|a| a == "approve"),
        "{b}"
    );

    // A request for amendments needs items that exist, each with a note.
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "request_supplement"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["message"]
            .as_str()
            .expect("message")
            .contains("ít nhất một mục")
    );
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "request_supplement", "items": [{"target": "khong_co", "note": "Sửa"}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "request_supplement", "items": [{"target": "hkd_name", "note": " "}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "request_supplement", "items": [{"target": "hkd_name", "note": "Tên phải đúng như trên Giấy chứng nhận."}]}),
    )
    .await;
    expect_state(s, &b, "supplement_requested");
    let deadline = b["supplement"]["deadline"]
        .as_str()
        .expect("an HKD deadline");
    let requested = chrono::Utc::now()
        .with_timezone(&domain::calendar::VIETNAM_OFFSET)
        .date_naive();
    assert_eq!(
        deadline,
        domain::lifecycle::lapse_after(requested).to_string()
    );
    let letter = b["documents"][0]["url"]
        .as_str()
        .expect("the letter")
        .to_owned();
    assert_eq!(b["documents"][0]["kind"], "supplement_request");
    // The owner reads the letter signed in; another citizen gets 403 and nobody 401.
    let owner = app.citizen(PHONE).await;
    let res = send(&app, "GET", &letter, &owner.cookie(), Vec::new()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        crate::helpers::header(&res, "content-type"),
        "application/pdf"
    );
    assert_eq!(
        crate::helpers::header(&res, "cache-control"),
        "private, no-store"
    );
    assert!(res.bytes().await.expect("PDF").starts_with(b"%PDF"));
    let stranger = app.citizen("0987654321").await;
    let res = send(&app, "GET", &letter, &stranger.cookie(), Vec::new()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send(
        &app,
        "GET",
        &format!("{letter}?phone={PHONE}"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = get_as(&app, &officer, &letter).await;
    assert_eq!(res.status(), StatusCode::OK, "staff of the commune read it");
    // Only the applicant resubmits.
    let (s, b) = act(&app, &officer, &code, json!({"action": "resubmit"})).await;
    expect_conflict(s, &b, &["nộp bổ sung", "người nộp"]);
    let (s, b) = act(&app, &officer, &code, json!({"action": "approve"})).await;
    expect_conflict(s, &b, &["phê duyệt", "Cần sửa đổi, bổ sung"]);

    // A registration: approve (the certificate), then deliver; finished after that.
    let code = crate::approvals::submit(
        &app,
        &crate::approvals::registration("Bánh mì Cô Ba", crate::approvals::OWNER_ID),
    )
    .await;
    for (action, state) in [
        ("receive", "received"),
        ("start_processing", "processing"),
        ("approve", "approved"),
    ] {
        let (s, b) = act(&app, &officer, &code, json!({"action": action})).await;
        expect_state(s, &b, state);
    }
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "reject", "reason": "x"}),
    )
    .await;
    expect_conflict(s, &b, &["không chấp thuận", "Đã có kết quả"]);
    let (s, b) = act(&app, &officer, &code, json!({"action": "deliver"})).await;
    expect_state(s, &b, "returned");
    assert_eq!(b["allowed_actions"], json!([]));
    let (s, b) = act(&app, &officer, &code, json!({"action": "deliver"})).await;
    expect_conflict(s, &b, &["Đã trả kết quả", "đã kết thúc"]);

    // A third: rejected with reasons, which the timeline shows.
    let code = submit(&app).await;
    act(&app, &officer, &code, json!({"action": "receive"})).await;
    act(&app, &officer, &code, json!({"action": "start_processing"})).await;
    let (s, b) = act(&app, &officer, &code, json!({"action": "reject"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["message"].as_str().expect("message").contains("lý do"));
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "reject", "reason": "Hộ kinh doanh còn nợ thuế."}),
    )
    .await;
    expect_state(s, &b, "rejected");
    assert_eq!(
        b["timeline"]
            .as_array()
            .expect("timeline")
            .last()
            .expect("last")["note"],
        "Hộ kinh doanh còn nợ thuế."
    );
    // Each move queued one notification of its state.
    let notices = t
        .raw
        .scalar("SELECT COUNT(*) FROM notification_outbox WHERE kind = 'dossier_state'")
        .await;
    assert_eq!(notices, 3 + 4 + 3);
    t.teardown().await;
}

async fn intake_refusal_needs_a_reason_and_issues_the_letter(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = staff(&t, &app, "canbo", "commune_officer", &[COMMUNE]).await;
    let code = submit(&app).await;
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "refuse_intake", "reason": "  "}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "refuse_intake", "reason": "Không thuộc thẩm quyền của xã."}),
    )
    .await;
    expect_state(s, &b, "refused_intake");
    assert_eq!(b["documents"][0]["kind"], "refusal");
    let res = get_as(
        &app,
        &officer,
        b["documents"][0]["url"].as_str().expect("url"),
    )
    .await;
    assert!(res.bytes().await.expect("PDF").starts_with(b"%PDF"));
    let (s, b) = act(&app, &officer, &code, json!({"action": "receive"})).await;
    expect_conflict(s, &b, &["Từ chối tiếp nhận", "đã kết thúc"]);
    t.teardown().await;
}

async fn an_overdue_dossier_is_extended_to_a_later_date_with_an_apology(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = staff(&t, &app, "canbo", "commune_officer", &[COMMUNE]).await;
    let code = submit(&app).await;
    act(&app, &officer, &code, json!({"action": "receive"})).await;
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "extend", "reason": "Chờ xác minh", "new_due_date": "2099-01-01"}),
    )
    .await;
    expect_conflict(s, &b, &["chưa quá hạn"]);
    t.raw
        .exec(&format!(
            "UPDATE dossiers SET due_date = '2026-01-05' WHERE code = '{code}'"
        ))
        .await
        .expect("backdate");
    let (s, b) = get_as(&app, &officer, &format!("/api/v1/staff/dossiers/{code}"))
        .await
        .json::<Value>()
        .await
        .map(|b| (StatusCode::OK, b))
        .expect("JSON");
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["summary"]["overdue"], true, "{b}");
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "extend", "reason": "Chờ xác minh", "new_due_date": "2026-01-05"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["message"]
            .as_str()
            .expect("message")
            .contains("phải sau hạn cũ")
    );
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "extend", "reason": "Chờ xác minh"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = act(
        &app,
        &officer,
        &code,
        json!({"action": "extend", "reason": "Chờ xác minh", "new_due_date": "2099-01-02"}),
    )
    .await;
    expect_state(s, &b, "received");
    assert_eq!(b["summary"]["due_date"], "2099-01-02");
    assert_eq!(b["documents"][0]["kind"], "apology");
    t.teardown().await;
}

async fn other_communes_see_nothing_and_supervisors_read_but_do_not_act(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = staff(&t, &app, "canbo", "commune_officer", &[COMMUNE]).await;
    let other = staff(&t, &app, "canbokhac", "commune_officer", &["21028"]).await;
    let supervisor = staff(&t, &app, "lanhdao", "supervisor", &[COMMUNE]).await;
    let admin = staff(&t, &app, "quantri", "administrator", &[]).await;
    let code = submit(&app).await;

    let queue: Value = get_as(&app, &officer, "/api/v1/staff/dossiers")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(queue["items"].as_array().expect("queue").len(), 1);
    assert_eq!(queue["items"][0]["code"], code.as_str());
    assert_eq!(
        (
            queue["page"].as_u64(),
            queue["pages"].as_u64(),
            queue["total"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let found: Value = get_as(&app, &officer, "/api/v1/staff/dossiers?q=nguyen%20thi%20ba")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        found["items"].as_array().expect("queue").len(),
        1,
        "accents ignored"
    );
    let found: Value = get_as(&app, &officer, "/api/v1/staff/dossiers?q=Tran")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(found["items"], json!([]));
    let found: Value = get_as(&app, &officer, "/api/v1/staff/dossiers?state=processing")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(found["items"], json!([]));

    let queue: Value = get_as(&app, &other, "/api/v1/staff/dossiers")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(queue["items"], json!([]));
    let res = get_as(&app, &other, &format!("/api/v1/staff/dossiers/{code}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (s, _) = act(&app, &other, &code, json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let res = get_as(&app, &admin, &format!("/api/v1/staff/dossiers/{code}")).await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "an administrator sees no dossier"
    );

    let res = get_as(&app, &supervisor, &format!("/api/v1/staff/dossiers/{code}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let (s, b) = act(&app, &supervisor, &code, json!({"action": "receive"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");

    let res = send(&app, "GET", "/api/v1/staff/dossiers", &[], Vec::new()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    t.teardown().await;
}

async fn the_audit_log_records_reads_and_actions_and_refuses_changes(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = staff(&t, &app, "canbo", "commune_officer", &[COMMUNE]).await;
    let supervisor = staff(&t, &app, "lanhdao", "supervisor", &[COMMUNE]).await;
    let other_supervisor = staff(&t, &app, "lanhdaokhac", "supervisor", &["21028"]).await;
    let admin = staff(&t, &app, "quantri", "administrator", &[]).await;
    let code = submit(&app).await;
    get_as(&app, &officer, &format!("/api/v1/staff/dossiers/{code}")).await;
    act(&app, &officer, &code, json!({"action": "receive"})).await;

    let uri = format!("/api/v1/staff/audit?dossier={code}");
    assert_eq!(
        get_as(&app, &officer, &uri).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_as(&app, &other_supervisor, &uri).await.status(),
        StatusCode::FORBIDDEN
    );
    let rows: Value = get_as(&app, &supervisor, &uri)
        .await
        .json()
        .await
        .expect("JSON");
    let actions: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["view", "action:receive"]);
    assert_eq!(rows[0]["staff_name"], "Cán bộ canbo");
    assert!(
        rows[0]["client_addr"]
            .as_str()
            .is_some_and(|a| a.contains("127.0.0.1")),
        "{rows}"
    );
    let rows: Value = get_as(&app, &admin, &uri).await.json().await.expect("JSON");
    assert_eq!(
        rows.as_array().expect("rows").len(),
        2,
        "the supervisor's reading of the log is not a dossier read"
    );

    let update = t
        .raw
        .exec("UPDATE audit_log SET staff_name = 'ai đó'")
        .await;
    assert!(
        update.is_err_and(|e| e.contains("append-only")),
        "UPDATE refused"
    );
    let delete = t.raw.exec("DELETE FROM audit_log").await;
    assert!(
        delete.is_err_and(|e| e.contains("append-only")),
        "DELETE refused"
    );
    assert_eq!(t.raw.scalar("SELECT COUNT(*) FROM audit_log").await, 2);
    t.teardown().await;
}

async fn the_lapse_sweep_cancels_requests_past_their_deadline_once(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = staff(&t, &app, "canbo", "commune_officer", &[COMMUNE]).await;
    let code = submit(&app).await;
    let kept = submit(&app).await;
    for c in [&code, &kept] {
        act(&app, &officer, c, json!({"action": "receive"})).await;
        let (s, b) = act(&app, &officer, c, json!({"action": "request_supplement", "items": [{"target": "hkd_name", "note": "Ghi đúng tên."}]})).await;
        expect_state(s, &b, "supplement_requested");
    }
    let today = chrono::Utc::now()
        .with_timezone(&domain::calendar::VIETNAM_OFFSET)
        .date_naive();
    let deadline = domain::lifecycle::lapse_after(today);
    assert_eq!(
        server::lapse_sweep(t.db.as_ref(), today)
            .await
            .expect("sweep"),
        0
    );
    assert_eq!(
        server::lapse_sweep(t.db.as_ref(), deadline)
            .await
            .expect("sweep"),
        0,
        "the deadline day itself still counts"
    );
    t.raw
        .exec(&format!(
            "UPDATE supplement_requests SET deadline = '2026-01-01' WHERE dossier_id = \
             (SELECT id FROM dossiers WHERE code = '{code}')"
        ))
        .await
        .expect("backdate");
    assert_eq!(
        server::lapse_sweep(t.db.as_ref(), today)
            .await
            .expect("sweep"),
        1
    );
    assert_eq!(
        server::lapse_sweep(t.db.as_ref(), today)
            .await
            .expect("sweep"),
        0,
        "once"
    );
    let b: Value = get_as(&app, &officer, &format!("/api/v1/staff/dossiers/{code}"))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(b["summary"]["state"], "lapsed");
    assert!(b["supplement"].is_null(), "no open request any more");
    let b: Value = get_as(&app, &officer, &format!("/api/v1/staff/dossiers/{kept}"))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(b["summary"]["state"], "supplement_requested");
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM notification_outbox WHERE kind = 'dossier_state' AND payload_json LIKE '%lapsed%'")
            .await,
        1
    );
    t.teardown().await;
}
