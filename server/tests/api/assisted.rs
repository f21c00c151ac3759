//! Assisted submission (issue 7), on both databases: an officer at the counter texts the citizen a
//! confirmation code (`POST /api/v1/staff/assisted/otp`) and submits the dossier with it
//! (`SubmitDossier::assisted`); the dossier records the channel `assisted`, the officer and an audit
//! entry. Who may do it, what a wrong or spent code does, and that the code never signs the citizen in.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Engine, TestDb, TestServer, body_json, both_backends, send},
    signin::{Session, add_staff, last_code, post_json, staff_session},
};

both_backends!(an_officer_files_for_a_citizen_who_confirms_with_a_code,);

const PHONE: &str = "0912345678";
const COMMUNE: &str = "21025";

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

/// The termination notice of commune 21025, confirmed with `code`.
fn assisted_termination(code: &str) -> Value {
    let mut body = crate::dossiers::termination_of(PHONE);
    body["assisted"] = json!({ "code": code });
    body
}

/// Submits `body` under `key` as `who` (cookie and CSRF token) or anonymously.
async fn submit(
    app: &TestServer,
    who: Option<&Session>,
    key: &str,
    body: &Value,
) -> (StatusCode, Value) {
    let mut headers = vec![
        ("idempotency-key", key),
        ("content-type", "application/json"),
    ];
    if let Some(s) = who {
        headers.push(("cookie", &s.cookie));
        headers.push(("x-csrf-token", &s.csrf));
    }
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &headers,
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    (status, body_json(res).await)
}

async fn dossiers(t: &TestDb) -> i64 {
    t.raw.scalar("SELECT COUNT(*) FROM dossiers").await
}

async fn an_officer_files_for_a_citizen_who_confirms_with_a_code(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let officer = staff(&t, &app, "canbo", "commune_officer", &[COMMUNE]).await;
    let other = staff(&t, &app, "canbokhac", "commune_officer", &["21028"]).await;
    let supervisor = staff(&t, &app, "lanhdao", "supervisor", &[COMMUNE]).await;

    // Only officers who receive dossiers send the code; without a staff session, nothing.
    let (status, body, _) = post_json(
        &app,
        "/api/v1/staff/assisted/otp",
        &[],
        &json!({"phone": PHONE}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body, _) = post_json(
        &app,
        "/api/v1/staff/assisted/otp",
        &supervisor.headers(),
        &json!({"phone": PHONE}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    let (status, body, _) = post_json(
        &app,
        "/api/v1/staff/assisted/otp",
        &officer.headers(),
        &json!({"phone": PHONE}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let code = last_code(&t, PHONE);

    // The confirmation code is no sign-in code: no citizen session from it.
    let (status, body, cookie) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[],
        &json!({"phone": PHONE, "code": code}),
    )
    .await;
    assert_ne!(status, StatusCode::OK, "{body}");
    assert!(status.is_client_error(), "{status} {body}");
    assert!(cookie.is_none(), "no session from an assisted code");

    // A wrong code: 401, nothing stored.
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    let (status, body) = submit(
        &app,
        Some(&officer),
        &uuid::Uuid::new_v4().to_string(),
        &assisted_termination(&wrong),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(dossiers(&t).await, 0);

    // The right code without a staff session, by a supervisor, by an officer of another commune: refused.
    let (status, body) = submit(
        &app,
        None,
        &uuid::Uuid::new_v4().to_string(),
        &assisted_termination(&code),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    for who in [&supervisor, &other] {
        let (status, body) = submit(
            &app,
            Some(who),
            &uuid::Uuid::new_v4().to_string(),
            &assisted_termination(&code),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    assert_eq!(dossiers(&t).await, 0);

    // The officer of the commune with the right code: 201, channel `assisted`, the officer recorded.
    let key = uuid::Uuid::new_v4().to_string();
    let body = assisted_termination(&code);
    let (status, receipt) = submit(&app, Some(&officer), &key, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let dossier = receipt["code"].as_str().expect("code").to_owned();
    assert_eq!(dossiers(&t).await, 1);
    assert_eq!(
        t.raw
            .scalar(
                "SELECT COUNT(*) FROM dossiers d JOIN staff_accounts s ON d.assisted_by = s.id \
                 WHERE d.channel = 'assisted' AND s.username = 'canbo'"
            )
            .await,
        1
    );
    assert_eq!(
        t.raw
            .scalar(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'action:assisted_submission' \
                 AND dossier_code = '{dossier}' AND staff_name = 'Cán bộ canbo' \
                 AND jurisdiction = '{COMMUNE}'"
            ))
            .await,
        1
    );

    // A replay under the same key answers the same receipt, though the code is spent.
    let (status, replay) = submit(&app, Some(&officer), &key, &body).await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    assert_eq!(replay, receipt);
    assert_eq!(dossiers(&t).await, 1);

    // The spent code makes no second dossier under another key.
    let (status, body) = submit(
        &app,
        Some(&officer),
        &uuid::Uuid::new_v4().to_string(),
        &body,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(dossiers(&t).await, 1);

    // The citizen, signed in with the phone, reads the whole dossier; nobody records them as its filer
    // (the officer filed it).
    let citizen = app.citizen(PHONE).await;
    let res = send(
        &app,
        "GET",
        &format!("/api/v1/dossiers/{dossier}"),
        &citizen.cookie(),
        Vec::new(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_json(res).await["view"], "full");
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM dossiers WHERE filer_account_id IS NULL")
            .await,
        1
    );

    t.teardown().await;
}
