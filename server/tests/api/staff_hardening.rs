//! Staff actions under abuse and races (issue 17), on both databases: a staff member who must still
//! change the temporary password is refused every staff action — the staff routes, the documents
//! route and a filing at the counter alike — until the password is changed; and a document's number
//! is taken, and its PDF kept, only with the move that issues it, so a refused or losing action leaves
//! no number used and no file behind.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    approvals::{COMMUNE, OWNER_ID, act, registration, submit},
    helpers::{Engine, TestDb, TestServer, both_backends, send},
    signin::{Session, add_staff, post_json, staff_session},
};

both_backends!(
    a_temporary_password_opens_no_staff_action_until_it_is_changed,
    parallel_refusals_of_one_dossier_use_one_number_and_leave_one_document,
);

/// Sends `method path` with the session's cookie and CSRF token and a JSON body (none for a GET).
async fn call(
    app: &TestServer,
    who: &Session,
    method: &str,
    path: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let mut headers = vec![
        ("cookie", who.cookie.as_str()),
        ("x-csrf-token", who.csrf.as_str()),
    ];
    let bytes = if method == "GET" {
        Vec::new()
    } else {
        headers.push(("content-type", "application/json"));
        headers.push(("idempotency-key", "5f0c3a52-8d55-4b8e-9f57-0a2d3c4b5e6f"));
        serde_json::to_vec(body).expect("JSON")
    };
    let res = send(app, method, path, &headers, bytes).await;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn a_temporary_password_opens_no_staff_action_until_it_is_changed(engine: Engine) {
    // Arrange: an officer who issued a certificate, then given a temporary password (as an
    // administrator's reset does) while signed in.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let password = add_staff(&t, "canbo", "commune_officer", &[COMMUNE]).await;
    let officer = staff_session(&app, "canbo", &password).await;
    let code = submit(&app, &registration("Bánh mì Cô Ba", OWNER_ID)).await;
    for action in ["receive", "start_processing", "approve"] {
        let (s, b) = act(&app, &officer, &code, &json!({"action": action})).await;
        assert_eq!(s, StatusCode::OK, "{action}: {b}");
    }
    let (_, dossier) = call(
        &app,
        &officer,
        "GET",
        &format!("/api/v1/staff/dossiers/{code}"),
        &Value::Null,
    )
    .await;
    let document = dossier["documents"][0]["url"]
        .as_str()
        .expect("the certificate")
        .to_owned();
    let second = submit(&app, &registration("Bánh mì Cô Tư", OWNER_ID)).await;
    t.raw
        .exec("UPDATE staff_accounts SET must_change_password = TRUE WHERE username = 'canbo'")
        .await
        .expect("a temporary password");
    let mut counter_filing = crate::dossiers::termination_of("0912345678");
    counter_filing["assisted"] = json!({"code": "123456"});
    let routes: Vec<(&str, String, Value)> = vec![
        ("GET", "/api/v1/staff/dossiers".into(), Value::Null),
        (
            "GET",
            format!("/api/v1/staff/dossiers/{second}"),
            Value::Null,
        ),
        (
            "POST",
            format!("/api/v1/staff/dossiers/{second}/actions"),
            json!({"action": "receive"}),
        ),
        (
            "GET",
            format!("/api/v1/staff/dossiers/{code}/attachments/1"),
            Value::Null,
        ),
        ("GET", document.clone(), Value::Null),
        (
            "GET",
            format!("/api/v1/staff/audit?dossier={code}"),
            Value::Null,
        ),
        (
            "POST",
            "/api/v1/staff/assisted/otp".into(),
            json!({"phone": "0912345678"}),
        ),
        ("POST", "/api/v1/dossiers".into(), counter_filing),
        ("GET", "/api/v1/admin/staff".into(), Value::Null),
    ];

    // Act
    let mut answers = Vec::new();
    for (method, path, body) in &routes {
        answers.push((method, path, call(&app, &officer, method, path, body).await));
    }
    let (changed, _, _) = post_json(
        &app,
        "/api/v1/auth/staff/password",
        &officer.headers(),
        &json!({"current_password": password, "new_password": "một mật khẩu mới dài"}),
    )
    .await;
    let (after, _) = call(&app, &officer, "GET", &document, &Value::Null).await;

    // Assert: each refused, saying to change the password; the second dossier untouched; after the
    // change the document opens again.
    for (method, path, (status, body)) in &answers {
        assert_eq!(*status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .contains("đổi mật khẩu"),
            "{method} {path}: {body}"
        );
    }
    assert_eq!(
        t.raw
            .text("SELECT state FROM dossiers WHERE code = $1", &second)
            .await,
        "submitted"
    );
    assert_eq!(
        t.raw.scalar("SELECT COUNT(*) FROM dossiers").await,
        2,
        "no filing at the counter"
    );
    assert_eq!(changed, StatusCode::NO_CONTENT);
    assert_eq!(after, StatusCode::OK);
    t.teardown().await;
}

/// The PDFs kept in the object store (the server's `files/documents/` directory).
fn stored_documents(t: &TestDb) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        count(&path)
                    } else {
                        usize::from(path.extension().is_some_and(|x| x == "pdf"))
                    }
                })
                .sum()
        })
    }
    count(&t.dir.path().join("data").join("files").join("documents"))
}

async fn parallel_refusals_of_one_dossier_use_one_number_and_leave_one_document(engine: Engine) {
    // Arrange: a dossier just submitted; two officers of its office.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let code = submit(&app, &registration("Bánh mì Cô Ba", OWNER_ID)).await;
    let mut officers = Vec::new();
    for name in ["canbo1", "canbo2"] {
        let password = add_staff(&t, name, "commune_officer", &[COMMUNE]).await;
        officers.push(staff_session(&app, name, &password).await);
    }
    let refusal =
        json!({"action": "refuse_intake", "reason": "Hồ sơ thiếu giấy tờ theo quy định."});

    // Act: ten refusals of the same dossier at once, from both officers.
    let answers =
        futures::future::join_all((0..10).map(|i| act(&app, &officers[i % 2], &code, &refusal)))
            .await;

    // Assert: one applied, the others told the dossier moved; one number used (the next letter of
    // the series gets 02), one letter recorded and one PDF kept.
    let applied: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::OK)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(applied.len(), 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
    }
    let number = applied[0]["documents"][0]["number"]
        .as_str()
        .expect("numbered")
        .to_owned();
    assert!(number.starts_with("01/"), "{number}");
    assert_eq!(
        t.raw
            .scalar(
                "SELECT CAST(COALESCE(MAX(last_number), 0) AS BIGINT) FROM document_number_counters"
            )
            .await,
        1,
        "no number taken by an action that was not applied"
    );
    assert_eq!(
        t.raw.scalar("SELECT COUNT(*) FROM dossier_documents").await,
        1
    );
    assert_eq!(
        stored_documents(&t),
        1,
        "no PDF of an action that was not applied"
    );
    let next = submit(&app, &registration("Bánh mì Cô Tư", OWNER_ID)).await;
    let (s, b) = act(&app, &officers[0], &next, &refusal).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let next_number = b["documents"][0]["number"].as_str().expect("numbered");
    assert!(next_number.starts_with("02/"), "{next_number}");
    t.teardown().await;
}
