//! The audit log on both databases: every staff read of personal data (the queue, a dossier, its files
//! and documents) and every action, with who, when, what and from which address; readable by the
//! supervisors of the jurisdiction and by administrators, per dossier or per jurisdiction; append-only
//! in the database itself.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    approvals::{COMMUNE, PHONE, act, officer, submit},
    helpers::{Engine, TestDb, TestServer, both_backends, send},
    signin::{Session, add_staff, admin_session, staff_session},
};

both_backends!(every_staff_read_and_action_is_audited_and_only_supervisors_read_it);

async fn get(
    app: &TestServer,
    who: &Session,
    uri: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut headers = who.cookie().to_vec();
    headers.extend_from_slice(extra);
    let res = send(app, "GET", uri, &headers, vec![]).await;
    let status = res.status();
    let text = res.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn every_staff_read_and_action_is_audited_and_only_supervisors_read_it(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let officer = officer(&t, &app, "canbo").await;
    let password = add_staff(&t, "lanhdao", "supervisor", &[COMMUNE]).await;
    let supervisor = staff_session(&app, "lanhdao", &password).await;
    let password = add_staff(&t, "lanhdaokhac", "supervisor", &["21028"]).await;
    let other_supervisor = staff_session(&app, "lanhdaokhac", &password).await;
    let admin = admin_session(&app).await;
    let officer_id = t
        .raw
        .text(
            "SELECT CAST(id AS TEXT) FROM staff_accounts WHERE username = $1",
            "canbo",
        )
        .await;
    let dossier = submit(&app, &crate::dossiers::termination_of(PHONE)).await;

    // Reads: the queue (with a search), the dossier (a forged X-Forwarded-For is not believed), a
    // letter; actions with their notes.
    let (s, _) = get(
        &app,
        &officer,
        "/api/v1/staff/dossiers?q=Nguy%E1%BB%85n",
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = get(
        &app,
        &officer,
        &format!("/api/v1/staff/dossiers/{dossier}"),
        &[("x-forwarded-for", "203.0.113.9")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    act(&app, &officer, &dossier, &json!({"action": "receive"})).await;
    let (_, b) = act(
        &app,
        &officer,
        &dossier,
        &json!({"action": "request_supplement", "items": [{"target": "hkd_name", "note": "Ghi đúng tên."}]}),
    )
    .await;
    let letter = b["documents"][0]["url"]
        .as_str()
        .expect("letter")
        .to_owned();
    let (s, _) = get(&app, &officer, &letter, &[]).await;
    assert_eq!(s, StatusCode::OK);
    // The owner's own download is not a staff read.
    let owner = app.citizen(PHONE).await;
    let (s, _) = get(&app, &owner, &letter, &[]).await;
    assert_eq!(s, StatusCode::OK);
    // The supervisor's read of the dossier is audited too.
    let (s, _) = get(
        &app,
        &supervisor,
        &format!("/api/v1/staff/dossiers/{dossier}"),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    let per_dossier = format!("/api/v1/staff/audit?dossier={dossier}");
    let (s, rows) = get(&app, &supervisor, &per_dossier, &[]).await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    let rows = rows.as_array().expect("rows").clone();
    let seen: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["staff_name"].as_str().expect("who"),
                r["action"].as_str().expect("what"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("Cán bộ canbo", "view"),
            ("Cán bộ canbo", "action:receive"),
            ("Cán bộ canbo", "action:request_supplement"),
            ("Cán bộ canbo", "document"),
            ("Cán bộ lanhdao", "view"),
        ]
    );
    for r in &rows {
        assert_eq!(r["dossier"], dossier.as_str());
        assert_eq!(r["jurisdiction"], COMMUNE);
        assert_eq!(r["client_addr"], "127.0.0.1", "{r}");
        let at = chrono::DateTime::parse_from_rfc3339(r["at"].as_str().expect("at")).expect("time");
        assert_eq!(at.offset().local_minus_utc(), 7 * 3600, "Vietnam time");
    }
    assert_eq!(rows[0]["staff_id"], officer_id.as_str());
    assert_eq!(rows[2]["detail"], "hkd_name: Ghi đúng tên.");
    assert_eq!(rows[3]["detail"], "supplement_request");

    // Per jurisdiction, newest first, with the queue read and its search.
    let per_commune = format!("/api/v1/staff/audit?jurisdiction={COMMUNE}");
    let (s, rows) = get(&app, &supervisor, &per_commune, &[]).await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 6);
    let queue = rows.last().expect("the first row");
    assert_eq!(queue["action"], "queue");
    assert!(queue["dossier"].is_null(), "{queue}");
    assert_eq!(queue["detail"], "1 hồ sơ (q=Nguyễn)");
    assert_eq!(rows[0]["staff_name"], "Cán bộ lanhdao");
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().expect("id")).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    // The next page: the rows older than a row id.
    let (s, older) = get(
        &app,
        &supervisor,
        &format!("{per_commune}&before={}", ids[2]),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{older}");
    assert_eq!(older.as_array().map(Vec::as_slice), Some(&rows[3..]));

    // Who may read it.
    for (who, uri, expected) in [
        (&officer, &per_dossier, StatusCode::FORBIDDEN),
        (&officer, &per_commune, StatusCode::FORBIDDEN),
        (&other_supervisor, &per_dossier, StatusCode::FORBIDDEN),
        (&other_supervisor, &per_commune, StatusCode::FORBIDDEN),
        (&owner, &per_dossier, StatusCode::UNAUTHORIZED),
        (&admin, &per_dossier, StatusCode::OK),
        (&admin, &per_commune, StatusCode::OK),
        (
            &supervisor,
            &"/api/v1/staff/audit".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            &supervisor,
            &"/api/v1/staff/audit?dossier=KHONG-CO".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (s, b) = get(&app, who, uri, &[]).await;
        assert_eq!(s, expected, "{uri}: {b}");
    }
    let (s, b) = get(
        &app,
        &other_supervisor,
        "/api/v1/staff/audit?jurisdiction=21028",
        &[],
    )
    .await;
    assert_eq!(
        (s, b),
        (StatusCode::OK, json!([])),
        "their own commune: nothing yet"
    );

    // Append-only, whatever the client: the database refuses to change or remove a row.
    let before = t.raw.scalar("SELECT COUNT(*) FROM audit_log").await;
    for statement in [
        "UPDATE audit_log SET client_addr = '10.0.0.1'",
        "DELETE FROM audit_log WHERE action = 'queue'",
    ] {
        let refused = t.raw.exec(statement).await;
        assert!(
            refused.as_ref().is_err_and(|e| e.contains("append-only")),
            "{statement}: {refused:?}"
        );
    }
    if matches!(engine, Engine::Postgres) {
        let refused = t.raw.exec("TRUNCATE audit_log").await;
        assert!(
            refused.as_ref().is_err_and(|e| e.contains("append-only")),
            "TRUNCATE: {refused:?}"
        );
    }
    assert_eq!(t.raw.scalar("SELECT COUNT(*) FROM audit_log").await, before);
    // Reading the log is not itself a dossier read.
    let (_, rows) = get(&app, &admin, &per_commune, &[]).await;
    assert_eq!(rows.as_array().map(Vec::len), Some(6));
    t.teardown().await;
}
