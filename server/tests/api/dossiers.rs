//! Exactly-once submission and the look-up, on both databases.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Engine, TestDb, TestServer, body_json, both_backends, seed_business, send, submit_headers,
};

both_backends!(
    the_same_submission_sent_20_times_at_once_makes_exactly_one_dossier,
    a_reused_key_with_another_body_is_a_conflict,
    an_invalid_form_lists_every_bad_field_with_its_legal_basis,
    a_listed_file_that_was_never_uploaded_is_refused,
    anyone_reads_the_public_status_and_only_the_owner_reads_the_rest,
    the_receipt_carries_the_qr_code_of_its_look_up_url,
);

const PHONE: &str = "0912345678";

fn termination(hkd_name: &str) -> Value {
    json!({
        "procedure": "hkd_termination",
        "form_version": "tt68_mau4",
        "form": {
            "office": "21025",
            "hkd_name": hkd_name,
            "hkd_code": "051085012345",
            "signatory": "owner",
            "signatory_name": "Nguyễn Thị Ba",
            "filer_phone": PHONE,
            "commitments": {"debts_settled": true, "responsible": true}
        },
        "applicant": {"name": "Nguyễn Thị Ba", "phone": PHONE}
    })
}

/// A valid termination notice filed with this phone (for other tests).
pub(crate) fn termination_of(phone: &str) -> Value {
    let mut body = termination("Hộ kinh doanh Bánh mì Cô Ba");
    body["form"]["filer_phone"] = json!(phone);
    body["applicant"]["phone"] = json!(phone);
    body
}

/// Submits a valid termination notice under a new key; returns the receipt.
async fn submit_new(app: &TestServer) -> Value {
    let (status, receipt) = post(
        app,
        &uuid::Uuid::new_v4().to_string(),
        &termination("Hộ kinh doanh Bánh mì Cô Ba"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    receipt
}

/// Submits as the citizen signed in with the dossier's applicant phone (`PHONE` when it is no phone).
async fn post(app: &TestServer, key: &str, body: &Value) -> (StatusCode, Value) {
    let phone = body["applicant"]["phone"]
        .as_str()
        .filter(|p| domain::SoDienThoai::parse(p).is_ok())
        .unwrap_or(PHONE);
    let session = app.citizen(phone).await;
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &submit_headers(&session, key),
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

async fn the_same_submission_sent_20_times_at_once_makes_exactly_one_dossier(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let key = uuid::Uuid::new_v4().to_string();
    let body = termination("Hộ kinh doanh Bánh mì Cô Ba");
    let session = app.citizen(PHONE).await;
    // Act: twenty clients, each on a connection of its own, send at the same moment.
    let url = format!("{}/api/v1/dossiers", app.url);
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(20));
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (url, key, body, start) = (url.clone(), key.clone(), body.clone(), start.clone());
            let session = session.clone();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                start.wait().await;
                let res = client
                    .post(url)
                    .header("idempotency-key", key)
                    .header("cookie", session.cookie)
                    .header("x-csrf-token", session.csrf)
                    .json(&body)
                    .send()
                    .await
                    .expect("an answer");
                let status = res.status();
                (status, res.json::<Value>().await.expect("JSON"))
            })
        })
        .collect();
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.expect("client task"));
    }
    // Assert
    let created = replies
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let replayed = replies.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 19), "{replies:?}");
    let first = &replies[0].1;
    assert!(
        first["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("21025-")),
        "{first}"
    );
    for (_, reply) in &replies {
        assert_eq!(reply, first, "every reply carries the same receipt");
    }
    assert_eq!(
        t.db.count_dossiers().await.expect("count"),
        1,
        "exactly one dossier"
    );
    assert!(
        first["due_date"].is_string(),
        "an HKD termination has a due date"
    );
    assert_eq!(first["fee"]["amount"], 0, "termination is free");
    t.teardown().await;
}

async fn a_reused_key_with_another_body_is_a_conflict(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let key = uuid::Uuid::new_v4().to_string();
    let (first, _) = post(&app, &key, &termination("Hộ kinh doanh Bánh mì Cô Ba")).await;
    let (second, error) = post(&app, &key, &termination("Hộ kinh doanh Cơm tấm Cô Ba")).await;
    assert_eq!(first, StatusCode::CREATED);
    assert_eq!(second, StatusCode::CONFLICT);
    assert_eq!(error["code"], "conflict");
    let (other, _) = post(
        &app,
        &uuid::Uuid::new_v4().to_string(),
        &termination("Hộ kinh doanh Cơm tấm Cô Ba"),
    )
    .await;
    assert_eq!(other, StatusCode::CREATED, "a new key makes a new dossier");
    assert_eq!(t.db.count_dossiers().await.expect("count"), 2);
    t.teardown().await;
}

async fn an_invalid_form_lists_every_bad_field_with_its_legal_basis(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let mut body = termination("Công ty Bánh mì");
    body["form"]["hkd_code"] = json!("123");
    body["form"]["office"] = json!("");
    body["applicant"]["phone"] = json!("12345");
    let (status, error) = post(&app, &uuid::Uuid::new_v4().to_string(), &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["code"], "validation_failed");
    let fields = error["fields"].as_array().expect("fields");
    let paths: Vec<&str> = fields.iter().filter_map(|f| f["path"].as_str()).collect();
    for expected in [
        "applicant.phone",
        "form.office",
        "form.hkd_name",
        "form.hkd_code",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} missing from {paths:?}"
        );
    }
    for field in fields {
        assert!(
            field["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{field}"
        );
    }
    assert!(
        fields.iter().any(|f| f["citation"]
            .as_str()
            .is_some_and(|c| c.contains("NĐ 168/2025"))),
        "rules name their legal basis: {fields:?}"
    );
    assert_eq!(t.db.count_dossiers().await.expect("count"), 0);
    t.teardown().await;
}

async fn a_listed_file_that_was_never_uploaded_is_refused(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let mut body = termination("Hộ kinh doanh Bánh mì Cô Ba");
    body["form"]["signatory"] = json!("heir");
    body["form"]["attachments"] = json!([{
        "kind": "death_certificate_or_court_decision",
        "media_type": "application/pdf",
        "size_bytes": 120_000,
        "sha256": "ab".repeat(32),
        "file_name": "giay-chung-tu.pdf"
    }]);
    let (status, error) = post(&app, &uuid::Uuid::new_v4().to_string(), &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(
        error["fields"][0]["path"], "form.attachments[0].sha256",
        "{error}"
    );
    assert_eq!(error["fields"][0]["key"], "attachment_not_uploaded");
    t.teardown().await;
}

async fn anyone_reads_the_public_status_and_only_the_owner_reads_the_rest(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let receipt = submit_new(&app).await;
    let code = receipt["code"].as_str().expect("code").to_owned();
    t.raw
        .exec(&format!(
            "UPDATE dossier_events SET note = 'Bà Nguyễn Thị Ba gọi điện hỏi' WHERE dossier_id = \
             (SELECT id FROM dossiers WHERE code = '{code}')"
        ))
        .await
        .expect("a note naming someone");

    // Anyone with the code (the phone too, which proves nothing any more): state, dates and office.
    for uri in [
        format!("/api/v1/dossiers/{code}"),
        format!("/api/v1/dossiers/{code}?phone={PHONE}"),
    ] {
        let res = send(&app, "GET", &uri, &[], vec![]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let status = body_json(res).await;
        assert_eq!(status["view"], "public", "{status}");
        assert_eq!(status["state"], "submitted");
        assert_eq!(status["receipt"], receipt, "the receipt names no one");
        assert_eq!(status["timeline"][0]["state"], "submitted");
        assert!(status["timeline"][0].get("note").is_none(), "{status}");
        let text = status.to_string();
        assert!(
            !text.contains(PHONE) && !text.contains("Nguyễn"),
            "no personal data: {text}"
        );
    }
    // The owner signed in: everything.
    let owner = app.citizen(PHONE).await;
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &owner.cookie(),
        vec![],
    )
    .await;
    let status = body_json(res).await;
    assert_eq!(status["view"], "full", "{status}");
    assert_eq!(
        status["timeline"][0]["note"],
        "Bà Nguyễn Thị Ba gọi điện hỏi"
    );
    // Another citizen signed in: the public view; the receipt PDF is refused.
    let other = app.citizen("0987654321").await;
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}"),
        &other.cookie(),
        vec![],
    )
    .await;
    assert_eq!(body_json(res).await["view"], "public");
    let pdf = format!("/api/v1/dossiers/{code}/receipt.pdf");
    let res = send(&app, "GET", &pdf, &other.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = send(&app, "GET", &format!("{pdf}?phone={PHONE}"), &[], vec![]).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "?phone= is no proof"
    );
    let error = body_json(res).await;
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("Chỉ người nộp hồ sơ")),
        "{error}"
    );
    let res = send(&app, "GET", &pdf, &owner.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    // An unknown code.
    let res = send(
        &app,
        "GET",
        "/api/v1/dossiers/21025-261123-9999",
        &[],
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    t.teardown().await;
}

async fn the_receipt_carries_the_qr_code_of_its_look_up_url(engine: Engine) {
    // Arrange
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let key = uuid::Uuid::new_v4().to_string();
    let body = termination("Hộ kinh doanh Bánh mì Cô Ba");
    // Act
    let (created, receipt) = post(&app, &key, &body).await;
    let (replayed, replay) = post(&app, &key, &body).await;
    // Assert
    assert_eq!((created, replayed), (StatusCode::CREATED, StatusCode::OK));
    let url = receipt["lookup_url"].as_str().expect("lookup_url");
    assert!(url.starts_with(&app.url), "{url} is on this server");
    let svg = receipt["lookup_qr_svg"].as_str().expect("lookup_qr_svg");
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" ") && svg.ends_with("</svg>"),
        "a standalone SVG: {svg}"
    );
    let (side, text) = decode_qr_svg(svg);
    assert_eq!(
        (side - 2 * 4 - 17) % 4,
        0,
        "17 + 4 × version modules and a quiet zone of 4 on each side: {side}"
    );
    assert_eq!(text, url, "the QR code decodes to the look-up URL");
    assert_eq!(replay, receipt, "a replay carries the identical QR code");
    let status = body_json(
        send(
            &app,
            "GET",
            &format!(
                "/api/v1/dossiers/{}",
                receipt["code"].as_str().expect("code")
            ),
            &[],
            vec![],
        )
        .await,
    )
    .await;
    assert_eq!(status["receipt"], receipt, "so does the look-up");
    t.teardown().await;
}

/// Rasterises the SVG that `server::documents::qr_svg` draws (a `viewBox` of `n` modules and one path of
/// strokes along the middle of dark runs: `M x y.5 h len`, then `m gap 0 h len` in the same row) at 4
/// pixels a module and decodes the QR code in it: (n, the text).
fn decode_qr_svg(svg: &str) -> (usize, String) {
    let side: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a square viewBox");
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a path");
    let mut dark = vec![false; side * side];
    let (mut x, mut y) = (0.0_f64, 0.0_f64);
    let mut rest = path;
    while let Some(command) = rest.chars().next() {
        rest = &rest[1..];
        let end = rest.find(['M', 'm', 'h']).unwrap_or(rest.len());
        let numbers: Vec<f64> = rest[..end]
            .split(' ')
            .map(|n| n.parse().expect("a number"))
            .collect();
        rest = &rest[end..];
        match (command, &numbers[..]) {
            ('M', &[nx, ny]) => (x, y) = (nx, ny),
            ('m', &[dx, dy]) => (x, y) = (x + dx, y + dy),
            ('h', &[len]) => {
                for col in x as usize..(x + len) as usize {
                    dark[y as usize * side + col] = true;
                }
                x += len;
            }
            other => panic!("unexpected path command {other:?}"),
        }
    }
    let px = 4;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side * px, side * px, |x, y| {
        if dark[(y / px) * side + x / px] {
            0
        } else {
            255
        }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the SVG");
    let (_, text) = grids[0].decode().expect("the QR code decodes");
    (side, text)
}

#[tokio::test]
async fn procedures_list_the_four_with_fees_and_time_and_validate_answers_like_the_phone() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;

    let res = send(&app, "GET", "/api/v1/procedures", &[], vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list = body_json(res).await;
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 4);
    let registration = list
        .iter()
        .find(|p| p["id"] == "hkd_registration")
        .expect("registration");
    assert_eq!(registration["name"], "Đăng ký thành lập hộ kinh doanh");
    assert_eq!(registration["processing_working_days"], 3);
    assert!(registration["fee_online_vnd"].as_u64() <= registration["fee_counter_vnd"].as_u64());
    let promotion = list
        .iter()
        .find(|p| p["id"] == "promotion_notice")
        .expect("promotion");
    assert!(
        promotion["processing_working_days"].is_null(),
        "receipt only"
    );

    let valid = send(
        &app,
        "POST",
        "/api/v1/validate/hkd_termination",
        &[],
        serde_json::to_vec(&termination("Hộ kinh doanh Bánh mì Cô Ba")["form"]).expect("JSON"),
    )
    .await;
    assert_eq!(valid.status(), StatusCode::OK);
    let invalid = send(
        &app,
        "POST",
        "/api/v1/validate/cham-dut-ho-kinh-doanh",
        &[("accept-language", "en")],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = body_json(invalid).await;
    assert!(
        error["fields"].as_array().is_some_and(|f| f.len() >= 3),
        "{error}"
    );
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("things to fix"),
        "{error}"
    );
    let unknown = send(
        &app,
        "POST",
        "/api/v1/validate/khong-co",
        &[],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    t.teardown().await;
}

#[tokio::test]
async fn the_receipt_pdf_is_served_to_the_applicant_only() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let receipt = submit_new(&app).await;
    let code = receipt["code"].as_str().expect("code");
    assert!(
        receipt["receipt_pdf_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/api/v1/dossiers/{code}/receipt.pdf")))
    );

    let owner = app.citizen(PHONE).await;
    let pdf = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}/receipt.pdf"),
        &owner.cookie(),
        vec![],
    )
    .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(
        crate::helpers::header(&pdf, "content-type"),
        "application/pdf"
    );
    let bytes = pdf.bytes().await.expect("body");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(bytes.len() > 10_000, "with its embedded font");

    let anonymous = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}/receipt.pdf?phone={PHONE}"),
        &[],
        vec![],
    )
    .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    t.teardown().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_dossiers_by_state() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start_args(&t, &["--metrics-token", "metrics-token-for-tests"]).await;
    seed_business(&t, "051085012345", PHONE).await;
    let receipt = submit_new(&app).await;
    let code = receipt["code"].as_str().expect("code");
    let _ = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{code}?phone={PHONE}"),
        &[],
        vec![],
    )
    .await;

    let res = send(
        &app,
        "GET",
        "/metrics",
        &[("authorization", "Bearer metrics-token-for-tests")],
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = crate::helpers::body_text(res).await;
    assert!(
        text.contains(r#"motcua_dossiers{procedure="hkd_termination",state="submitted"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"motcua_http_requests_total{method="POST",route="/api/v1/dossiers",status="201"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/api/v1/dossiers/{code}""#),
        "routes, not raw paths: {text}"
    );
    assert!(
        !text.contains(code),
        "no dossier code leaks into the metrics"
    );
    t.teardown().await;
}

#[tokio::test]
async fn look_ups_over_the_limit_are_answered_429_with_retry_after() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            lookups_per_minute: 3,
            ..server::Limits::default()
        },
    )
    .await;
    seed_business(&t, "051085012345", PHONE).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let res = send(
            &app,
            "GET",
            &format!("/api/v1/dossiers/21025-261123-0001?phone={PHONE}"),
            &[],
            vec![],
        )
        .await;
        statuses.push((
            res.status(),
            crate::helpers::header(&res, "retry-after").to_owned(),
        ));
    }
    assert_eq!(
        statuses[..3].iter().map(|s| s.0).collect::<Vec<_>>(),
        [StatusCode::NOT_FOUND; 3]
    );
    assert_eq!(statuses[3].0, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        statuses[3]
            .1
            .parse::<u64>()
            .is_ok_and(|s| (1..=60).contains(&s)),
        "{statuses:?}"
    );
    let submit = post(
        &app,
        &uuid::Uuid::new_v4().to_string(),
        &termination("Hộ kinh doanh Bánh mì Cô Ba"),
    )
    .await;
    assert_eq!(
        submit.0,
        StatusCode::CREATED,
        "submissions are not limited with look-ups"
    );
    t.teardown().await;
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let res = send(&app, "GET", "/api/v1/openapi.json", &[], vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc = body_json(res).await;
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc}"
    );
    let mut described: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("operations").keys() {
            described.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    described.sort();
    // Every route of /api/v1 the router serves (the document itself aside). A new route must be added
    // here and to server/src/openapi.rs.
    let mut served = vec![
        "GET /api/v1/procedures",
        "POST /api/v1/validate/{procedure}",
        "PUT /api/v1/uploads/{sha256}",
        "GET /api/v1/uploads/{sha256}",
        "POST /api/v1/dossiers",
        "GET /api/v1/dossiers/{code}",
        "GET /api/v1/dossiers/{code}/receipt.pdf",
        "POST /api/v1/dossiers/{code}/access",
        "POST /api/v1/dossiers/{code}/access/verify",
        "GET /api/v1/hkd/names/check",
        "GET /api/v1/hkd/{code}",
        "GET /api/v1/push/public-key",
        "POST /api/v1/me/push-subscriptions",
        "DELETE /api/v1/me/push-subscriptions",
        "GET /api/v1/me/inbox",
        "POST /api/v1/me/inbox/read",
        "POST /api/v1/me/inbox/{id}/read",
        // Sign-in (branch auth).
        "POST /api/v1/auth/otp",
        "POST /api/v1/auth/otp/verify",
        "GET /api/v1/auth/vneid/start",
        "GET /api/v1/auth/vneid/callback",
        "POST /api/v1/auth/staff",
        "POST /api/v1/auth/staff/password",
        "GET /api/v1/session",
        "DELETE /api/v1/session",
        "GET /api/v1/me/dossiers",
        "GET /api/v1/admin/staff",
        "POST /api/v1/admin/staff",
        "PATCH /api/v1/admin/staff/{id}",
        "POST /api/v1/admin/staff/{id}/password",
        "GET /api/v1/staff/dossiers",
        "GET /api/v1/staff/dossiers/{code}",
        "POST /api/v1/staff/assisted/otp",
        "POST /api/v1/staff/dossiers/{code}/actions",
        "GET /api/v1/staff/dossiers/{code}/attachments/{id}",
        "GET /api/v1/dossiers/{code}/documents/{id}",
        "GET /api/v1/staff/audit",
        "GET /api/v1/dossiers/{code}/supplement",
        "POST /api/v1/dossiers/{code}/resubmissions",
        "GET /api/v1/verify/{code}",
    ];
    served.sort_unstable();
    assert_eq!(described, served);
    assert!(
        doc["components"]["schemas"]["Receipt"]["properties"]["lookup_qr_svg"].is_object(),
        "the receipt's QR code is described"
    );
    for schema in [
        "SubmitDossier",
        "Receipt",
        "DossierStatus",
        "ApiError",
        "ApiFieldError",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} is described"
        );
    }
    t.teardown().await;
}

#[tokio::test]
async fn the_look_up_page_shows_the_public_status_without_javascript() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start(&t).await;
    seed_business(&t, "051085012345", PHONE).await;
    let receipt = submit_new(&app).await;
    let code = receipt["code"].as_str().expect("code");
    assert!(
        receipt["lookup_url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/tra-cuu/{code}")))
    );

    // The QR code's link: the form, with the code filled in.
    let qr = send(&app, "GET", &format!("/tra-cuu/{code}"), &[], vec![]).await;
    assert_eq!(qr.status(), StatusCode::OK);
    let html = crate::helpers::body_text(qr).await;
    assert!(html.contains("Tra cứu hồ sơ"), "{html}");
    assert!(
        html.contains(&format!(r#"value="{code}""#)),
        "the code is filled in: {html}"
    );

    let found = crate::helpers::body_text(
        send(&app, "GET", &format!("/tra-cuu?code={code}"), &[], vec![]).await,
    )
    .await;
    assert!(found.contains("Đã nộp, chờ tiếp nhận"), "{found}");
    assert!(
        found.contains("Chấm dứt hoạt động hộ kinh doanh"),
        "{found}"
    );
    assert!(
        found.contains(r#"id="motcua-page-data""#),
        "the data for hydration is in the page"
    );

    assert!(
        !found.contains("Nguyễn Thị Ba") && !found.contains(PHONE),
        "the public view names no one: {found}"
    );
    assert!(
        found.contains(&format!("/tra-cuu/{code}/chi-tiet")),
        "the public view offers «Xem chi tiết»: {found}"
    );
    // «Xem chi tiết»: a page of the full app, kept by no cache.
    let detail = send(
        &app,
        "GET",
        &format!("/tra-cuu/{code}/chi-tiet"),
        &[],
        vec![],
    )
    .await;
    assert_eq!(detail.status(), StatusCode::OK);
    assert_eq!(
        crate::helpers::header(&detail, "cache-control"),
        "no-store, private"
    );
    let html = crate::helpers::body_text(detail).await;
    assert!(
        html.contains("Gửi mã đến số điện thoại của hồ sơ"),
        "{html}"
    );
    let unknown = crate::helpers::body_text(
        send(&app, "GET", "/tra-cuu?code=21025-261123-9999", &[], vec![]).await,
    )
    .await;
    assert!(unknown.contains("Không tìm thấy hồ sơ"), "{unknown}");
    assert!(!unknown.contains("Đã nộp, chờ tiếp nhận"));
    t.teardown().await;
}

#[tokio::test]
async fn every_route_that_takes_a_code_counts_against_the_per_address_limit() {
    let t = TestDb::new(Engine::Sqlite).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            lookups_per_minute: 3,
            ..server::Limits::default()
        },
    )
    .await;
    seed_business(&t, "051085012345", PHONE).await;
    let code = submit_new(&app).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    let owner = app.citizen(PHONE).await;
    for _ in 0..3 {
        let res = send(
            &app,
            "GET",
            &format!("/api/v1/dossiers/{code}"),
            &[],
            vec![],
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    // The allowance of this address is spent: every route that takes a code says so, signed in or not.
    for (method, path) in [
        ("GET", format!("/api/v1/dossiers/{code}")),
        ("GET", format!("/api/v1/dossiers/{code}/receipt.pdf")),
        ("GET", format!("/api/v1/dossiers/{code}/documents/1")),
        ("GET", format!("/api/v1/dossiers/{code}/supplement")),
        ("POST", format!("/api/v1/dossiers/{code}/resubmissions")),
        ("POST", format!("/api/v1/dossiers/{code}/access")),
        ("POST", format!("/api/v1/dossiers/{code}/access/verify")),
        ("POST", format!("/api/v1/me/push-subscriptions?code={code}")),
        ("GET", "/api/v1/hkd/051085012345".to_owned()),
        (
            "GET",
            "/api/v1/verify/abcdefghijklmnopqrstuvwxyz".to_owned(),
        ),
    ] {
        let res = send(&app, method, &path, &owner.headers(), vec![]).await;
        assert_eq!(
            res.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{method} {path}"
        );
        assert!(
            crate::helpers::header(&res, "retry-after")
                .parse::<u64>()
                .is_ok_and(|s| (1..=60).contains(&s)),
            "{method} {path}"
        );
    }
    t.teardown().await;
}
