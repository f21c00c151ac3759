//! Sign-in by phone and one-time code, staff sign-in, sessions and CSRF, on both databases. The
//! `pub(crate)` helpers at the top give other tests a signed-in session.

use argon2::{
    Argon2, PasswordHasher as _,
    password_hash::{SaltString, rand_core::OsRng},
};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Engine, TestDb, TestServer, body_json, both_backends, header, send};

/// A signed-in client: the cookie to send and the CSRF token to echo.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// `motcua_session=…`.
    pub(crate) cookie: String,
    /// The session's CSRF token.
    pub(crate) csrf: String,
}

impl Session {
    /// The headers of a state-changing request of this session.
    pub(crate) fn headers(&self) -> [(&str, &str); 2] {
        [("cookie", &self.cookie), ("x-csrf-token", &self.csrf)]
    }

    /// The cookie only (reads, or to check that CSRF is enforced).
    pub(crate) fn cookie(&self) -> [(&str, &str); 1] {
        [("cookie", &self.cookie)]
    }
}

/// The `motcua_session=…` pair a response set.
pub(crate) fn set_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("motcua_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// POSTs JSON with these headers; status, JSON body (null when empty) and the session cookie set.
pub(crate) async fn post_json(
    app: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (StatusCode, Value, Option<String>) {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    let res = send(
        app,
        "POST",
        path,
        &all,
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    let cookie = set_cookie(&res);
    let text = res.text().await.expect("body");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    };
    (status, value, cookie)
}

/// The last sign-in code the development SMS sink wrote for this phone.
pub(crate) fn last_code(t: &TestDb, phone: &str) -> String {
    last_code_in(&t.dir.path().join("data"), phone)
}

/// The last code the development SMS sink of this data directory wrote for this phone.
pub(crate) fn last_code_in(data_dir: &std::path::Path, phone: &str) -> String {
    let log = std::fs::read_to_string(data_dir.join("sms.log"))
        .expect("the server writes SMS to <data-dir>/sms.log when no gateway is configured");
    let line = log
        .lines()
        .rev()
        .find(|l| l.split('\t').nth(1) == Some(phone))
        .unwrap_or_else(|| panic!("no SMS to {phone} in:\n{log}"));
    let text = line.split('\t').nth(2).expect("text");
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no 6-digit code in {text:?}"))
        .to_owned()
}

/// How many SMS went to this phone.
pub(crate) fn sms_count(t: &TestDb, phone: &str) -> usize {
    std::fs::read_to_string(t.dir.path().join("data").join("sms.log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some(phone))
        .count()
}

/// Creates a staff account straight in the database (no password change needed); its password.
pub(crate) async fn add_staff(
    t: &TestDb,
    username: &str,
    role: &str,
    jurisdictions: &[&str],
) -> String {
    let password = format!("mật-khẩu-{username}-2026");
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .expect("hash")
        .to_string();
    let jurisdictions: Vec<String> = jurisdictions.iter().map(|j| (*j).to_owned()).collect();
    let created =
        t.db.create_staff(
            &server::NewStaff {
                id: uuid::Uuid::new_v4(),
                username: username.to_owned(),
                display_name: format!("Cán bộ {username}"),
                password_hash: hash,
                role: role.to_owned(),
                title: "chuyen_vien".to_owned(),
                must_change_password: false,
                created_at: chrono::Utc::now(),
            },
            &jurisdictions,
        )
        .await
        .expect("create staff");
    assert!(created, "{username} is new");
    password
}

/// Signs a staff member in through the real route.
pub(crate) async fn staff_session(app: &TestServer, username: &str, password: &str) -> Session {
    let (status, body, res) = post_json(
        app,
        "/api/v1/auth/staff",
        &[],
        &json!({"username": username, "password": password}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Session {
        cookie: res.expect("session cookie"),
        csrf: body["csrf_token"].as_str().expect("csrf token").to_owned(),
    }
}

/// `GET /api/v1/session` with these headers.
async fn whoami(app: &TestServer, headers: &[(&str, &str)]) -> Value {
    let res = send(app, "GET", "/api/v1/session", headers, vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    body_json(res).await
}

/// Runs SQL with one text parameter on the test's database.
async fn exec(t: &TestDb, sql: &str, param: &str) {
    match &t.raw {
        crate::helpers::Raw::Sqlite(pool) => {
            sqlx::query(sql).bind(param).execute(pool).await.map(drop)
        }
        crate::helpers::Raw::Postgres(pool) => {
            sqlx::query(sql).bind(param).execute(pool).await.map(drop)
        }
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Runs SQL with a time and a text parameter.
async fn exec_at(t: &TestDb, sql: &str, at: chrono::DateTime<chrono::Utc>, param: &str) {
    match &t.raw {
        crate::helpers::Raw::Sqlite(pool) => sqlx::query(sql)
            .bind(at)
            .bind(param)
            .execute(pool)
            .await
            .map(drop),
        crate::helpers::Raw::Postgres(pool) => sqlx::query(sql)
            .bind(at)
            .bind(param)
            .execute(pool)
            .await
            .map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

both_backends!(
    a_citizen_signs_in_with_a_code_and_sees_the_dossiers_sent_before_with_that_phone,
    a_code_is_single_use_and_expires,
    a_code_is_locked_after_too_many_wrong_tries,
    codes_are_limited_per_number_and_per_address,
    csrf_is_required_on_state_changes_of_a_session_but_not_without_one,
    sessions_end_when_idle_past_their_end_or_signed_out,
    a_citizen_session_renews_itself_with_use,
    staff_sign_in_locks_after_repeated_failures_and_a_temporary_password_must_be_changed,
    the_administrator_adds_lists_and_disables_staff_with_valid_jurisdictions,
    staff_add_on_the_command_line_prints_a_temporary_password_once,
);

const PHONE: &str = "0912345678";

async fn a_citizen_signs_in_with_a_code_and_sees_the_dossiers_sent_before_with_that_phone(
    engine: Engine,
) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    // Nobody signed in submits nothing: a clear 401 that says to sign in (the draft stays on the phone).
    let (status, body, _) = post_json(
        &app,
        "/api/v1/dossiers",
        &[("idempotency-key", &uuid::Uuid::new_v4().to_string())],
        &crate::dossiers::termination_of(PHONE),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Đăng nhập để nộp hồ sơ")),
        "{body}"
    );
    assert_eq!(t.raw.scalar("SELECT COUNT(*) FROM dossiers").await, 0);
    // A dossier filed for this phone at the counter before the citizen ever signed in.
    let counter = crate::notify::dossier(&t, PHONE).await;

    let anonymous = whoami(&app, &[]).await;
    assert_eq!(anonymous["principal"]["kind"], "anonymous");
    assert!(anonymous.get("csrf_token").is_none());

    // Not a mobile: a clear message.
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/otp",
        &[],
        &json!({"phone": "0255 382 2222"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("di động"),
        "{body}"
    );
    let (status, body, _) =
        post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": "12ab"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["path"], "phone", "{body}");

    let session = app.citizen("+84 912 345 678").await;
    assert_eq!(sms_count(&t, PHONE), 1);
    let me = whoami(&app, &session.cookie()).await;
    assert_eq!(me["principal"], json!({"kind": "citizen", "phone": PHONE}));
    assert_eq!(me["csrf_token"], session.csrf.as_str());

    let res = send(
        &app,
        "GET",
        "/api/v1/me/dossiers",
        &session.cookie(),
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let mine = body_json(res).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    assert_eq!(mine[0]["receipt"]["code"], counter.as_str());

    // Another citizen sees none of them; nobody signed in gets 401.
    let other = app.citizen("0987654321").await;
    let res = send(&app, "GET", "/api/v1/me/dossiers", &other.cookie(), vec![]).await;
    assert_eq!(body_json(res).await, json!([]));
    let res = send(&app, "GET", "/api/v1/me/dossiers", &[], vec![]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body_json(res).await["code"], "unauthorized");

    // The code is stored hashed, never in clear.
    let stored = t
        .raw
        .text(
            "SELECT code_hash FROM otp_codes WHERE phone = $1 ORDER BY id DESC LIMIT 1",
            PHONE,
        )
        .await;
    assert_eq!(stored.len(), 64);
    t.teardown().await;
}

async fn a_code_is_single_use_and_expires(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--otp-resend-secs", "0"]).await;
    let (status, _, _) = post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let code = last_code(&t, PHONE);
    let verify = json!({"phone": PHONE, "code": code});
    let (status, _, _) = post_json(&app, "/api/v1/auth/otp/verify", &[], &verify).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body, _) = post_json(&app, "/api/v1/auth/otp/verify", &[], &verify).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a used code does not work again"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Gửi lại mã"),
        "{body}"
    );

    // A new code, expired (as if five minutes had passed).
    let (status, _, _) = post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let code = last_code(&t, PHONE);
    exec_at(
        &t,
        "UPDATE otp_codes SET expires_at = $1 WHERE phone = $2",
        chrono::Utc::now() - chrono::Duration::seconds(1),
        PHONE,
    )
    .await;
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[],
        &json!({"phone": PHONE, "code": code}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "an expired code does not work"
    );

    // A newer code replaces an older one.
    post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    let older = last_code(&t, PHONE);
    post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    let newer = last_code(&t, PHONE);
    if older != newer {
        let (status, _, _) = post_json(
            &app,
            "/api/v1/auth/otp/verify",
            &[],
            &json!({"phone": PHONE, "code": older}),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "the older code stopped working"
        );
    }
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[],
        &json!({"phone": PHONE, "code": newer}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Not 6 digits: a clear message.
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[],
        &json!({"phone": PHONE, "code": "12a"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("6 chữ số"),
        "{body}"
    );
    t.teardown().await;
}

/// A wrong code: any 6 digits but the right one.
pub(crate) fn wrong(code: &str) -> String {
    let first = code.as_bytes()[0];
    let other = if first == b'9' {
        '0'
    } else {
        char::from(first + 1)
    };
    format!("{other}{}", &code[1..])
}

async fn a_code_is_locked_after_too_many_wrong_tries(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--otp-max-attempts", "3"]).await;
    post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    let code = last_code(&t, PHONE);
    let bad = json!({"phone": PHONE, "code": wrong(&code)});
    let (status, body, _) = post_json(&app, "/api/v1/auth/otp/verify", &[], &bad).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("còn 2 lần"),
        "{body}"
    );
    let (status, _, _) = post_json(&app, "/api/v1/auth/otp/verify", &[], &bad).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body, _) = post_json(&app, "/api/v1/auth/otp/verify", &[], &bad).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Now even the right code is refused: a new one must be asked for.
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[],
        &json!({"phone": PHONE, "code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    t.teardown().await;
}

async fn codes_are_limited_per_number_and_per_address(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(
        &t,
        &[
            "--otp-resend-secs",
            "0",
            "--otp-per-phone-per-hour",
            "2",
            "--otp-per-ip-per-hour",
            "4",
        ],
    )
    .await;
    for _ in 0..2 {
        let (status, _, _) =
            post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let res = send(
        &app,
        "POST",
        "/api/v1/auth/otp",
        &[("content-type", "application/json")],
        serde_json::to_vec(&json!({"phone": PHONE})).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!header(&res, "retry-after").is_empty());
    let body = body_json(res).await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("một giờ"),
        "{body}"
    );
    assert_eq!(sms_count(&t, PHONE), 2, "no SMS past the limit");
    // Other numbers from the same address: 2 more, then the address's limit.
    for phone in ["0987000001", "0987000002"] {
        let (status, _, _) =
            post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": phone})).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/otp",
        &[],
        &json!({"phone": "0987000003"}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("mạng"),
        "{body}"
    );
    assert_eq!(sms_count(&t, "0987000003"), 0);
    t.teardown().await;
}

async fn resend_waits(app: &TestServer) {
    let (status, _, _) = post_json(
        app,
        "/api/v1/auth/otp",
        &[],
        &json!({"phone": "0911111111"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, body, _) = post_json(
        app,
        "/api/v1/auth/otp",
        &[],
        &json!({"phone": "0911111111"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "resend only after a wait"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("giây"),
        "{body}"
    );
}

async fn csrf_is_required_on_state_changes_of_a_session_but_not_without_one(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    resend_waits(&app).await;
    crate::helpers::seed_business(&t, "051085012345", PHONE).await;
    let session = app.citizen(PHONE).await;
    let dossier = crate::dossiers::termination_of(PHONE);
    let key = uuid::Uuid::new_v4().to_string();
    // With the cookie and no token: 403, and nothing is created.
    let mut headers = vec![("idempotency-key", key.as_str())];
    headers.extend_from_slice(&session.cookie());
    let (status, body, _) = post_json(&app, "/api/v1/dossiers", &headers, &dossier).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("X-CSRF-Token"),
        "{body}"
    );
    assert_eq!(t.raw.scalar("SELECT COUNT(*) FROM dossiers").await, 0);
    // A wrong token: 403 too.
    let wrong_token = [
        ("cookie", session.cookie.as_str()),
        ("x-csrf-token", "nope"),
    ];
    let res = send(&app, "DELETE", "/api/v1/session", &wrong_token, vec![]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // With the token: created.
    let mut headers = vec![("idempotency-key", key.as_str())];
    headers.extend_from_slice(&session.headers());
    let (status, body, _) = post_json(&app, "/api/v1/dossiers", &headers, &dossier).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Without any cookie: not signed in, 401 (no CSRF to check).
    let (status, body, _) = post_json(
        &app,
        "/api/v1/dossiers",
        &[("idempotency-key", &uuid::Uuid::new_v4().to_string())],
        &dossier,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // A stale cookie is anonymous (no 403: 401) and is removed.
    let stale = [("cookie", "motcua_session=not-a-session")];
    let mut headers = vec![("idempotency-key", key.as_str())];
    headers.extend_from_slice(&stale);
    let (status, _, cookie) = post_json(&app, "/api/v1/dossiers", &headers, &dossier).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "not even a replay");
    assert_eq!(cookie.as_deref(), Some("motcua_session="));
    t.teardown().await;
}

async fn sessions_end_when_idle_past_their_end_or_signed_out(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let password = add_staff(&t, "canbo1", "commune_officer", &["21025"]).await;
    let staff = staff_session(&app, "canbo1", &password).await;
    let me = whoami(&app, &staff.cookie()).await;
    assert_eq!(me["principal"]["kind"], "staff");
    assert_eq!(me["principal"]["role"], "commune_officer");
    assert_eq!(me["principal"]["jurisdictions"], json!(["21025"]));
    let token = staff
        .cookie
        .trim_start_matches("motcua_session=")
        .to_owned();
    let hash = server::auth::token_hash(&token);
    assert_eq!(
        t.raw
            .text("SELECT kind FROM sessions WHERE token_hash = $1", &hash)
            .await,
        "staff",
        "the token is stored only as its hash"
    );
    // Idle for more than 8 hours: over.
    exec_at(
        &t,
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
        chrono::Utc::now() - chrono::Duration::hours(8) - chrono::Duration::minutes(1),
        &hash,
    )
    .await;
    assert_eq!(
        whoami(&app, &staff.cookie()).await["principal"]["kind"],
        "anonymous"
    );

    // Past the absolute end (12 hours), even if active.
    let staff = staff_session(&app, "canbo1", &password).await;
    let hash = server::auth::token_hash(staff.cookie.trim_start_matches("motcua_session="));
    exec_at(
        &t,
        "UPDATE sessions SET expires_at = $1 WHERE token_hash = $2",
        chrono::Utc::now() - chrono::Duration::seconds(1),
        &hash,
    )
    .await;
    assert_eq!(
        whoami(&app, &staff.cookie()).await["principal"]["kind"],
        "anonymous"
    );

    // Signed out: the session is revoked and the cookie removed.
    let citizen = app.citizen(PHONE).await;
    let res = send(
        &app,
        "DELETE",
        "/api/v1/session",
        &citizen.headers(),
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(set_cookie(&res).as_deref(), Some("motcua_session="));
    assert_eq!(
        whoami(&app, &citizen.cookie()).await["principal"]["kind"],
        "anonymous"
    );
    let res = send(
        &app,
        "GET",
        "/api/v1/me/dossiers",
        &citizen.cookie(),
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // A disabled account's sessions end at once.
    let staff = staff_session(&app, "canbo1", &password).await;
    exec(
        &t,
        "UPDATE staff_accounts SET disabled = TRUE WHERE username = $1",
        "canbo1",
    )
    .await;
    assert_eq!(
        whoami(&app, &staff.cookie()).await["principal"]["kind"],
        "anonymous"
    );
    t.teardown().await;
}

async fn staff_sign_in_locks_after_repeated_failures_and_a_temporary_password_must_be_changed(
    engine: Engine,
) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--staff-max-failures", "3"]).await;
    let admin_password = app
        .first_admin_password
        .clone()
        .expect("first admin password");

    // Unknown name and wrong password: the same answer.
    let (status, unknown, _) = post_json(
        &app,
        "/api/v1/auth/staff",
        &[],
        &json!({"username": "nobody", "password": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, wrong, _) = post_json(
        &app,
        "/api/v1/auth/staff",
        &[],
        &json!({"username": "admin", "password": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown, wrong);

    // The first administrator must change the password before anything else.
    let admin = staff_session(&app, "ADMIN", &admin_password).await;
    let me = whoami(&app, &admin.cookie()).await;
    assert_eq!(me["principal"]["must_change_password"], true);
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/staff/password",
        &admin.headers(),
        &json!({"current_password": admin_password, "new_password": "ngắn"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("10 ký tự"),
        "{body}"
    );
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/staff/password",
        &admin.headers(),
        &json!({"current_password": "sai", "new_password": "một mật khẩu mới dài"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/staff/password",
        &admin.headers(),
        &json!({"current_password": admin_password, "new_password": "một mật khẩu mới dài"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let me = whoami(&app, &admin.cookie()).await;
    assert_eq!(me["principal"]["must_change_password"], false);
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/staff",
        &[],
        &json!({"username": "admin", "password": admin_password}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");

    // Three wrong passwords from one address for one name: that address waits, even with the right
    // password (issue 16: the wait is per login name and address, never a lock of the account).
    let password = add_staff(&t, "canbo2", "supervisor", &["21025"]).await;
    for _ in 0..2 {
        let (status, _, _) = post_json(
            &app,
            "/api/v1/auth/staff",
            &[],
            &json!({"username": "canbo2", "password": "sai"}),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/staff",
        &[],
        &json!({"username": "canbo2", "password": "sai"}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(
        body["message"].as_str().unwrap_or_default().contains("đợi"),
        "{body}"
    );
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/staff",
        &[],
        &json!({"username": "canbo2", "password": password}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked: even the right password waits"
    );
    // When the lock has passed, the right password works.
    exec_at(
        &t,
        "UPDATE staff_login_backoff SET blocked_until = $1 WHERE username = $2",
        chrono::Utc::now() - chrono::Duration::seconds(1),
        "canbo2",
    )
    .await;
    staff_session(&app, "canbo2", &password).await;
    t.teardown().await;
}

/// A commune code of the province (the first of the reference list).
pub(crate) fn a_commune() -> String {
    domain::data::communes()
        .next()
        .expect("a commune")
        .code
        .to_string()
}

/// The first administrator, signed in with the password changed (no longer temporary).
pub(crate) async fn admin_session(app: &TestServer) -> Session {
    let first = app
        .first_admin_password
        .clone()
        .expect("first admin password");
    let admin = staff_session(app, "admin", &first).await;
    let (status, body, _) = post_json(
        app,
        "/api/v1/auth/staff/password",
        &admin.headers(),
        &json!({"current_password": first, "new_password": "quản trị viên 2026"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    admin
}

async fn the_administrator_adds_lists_and_disables_staff_with_valid_jurisdictions(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let commune = a_commune();

    // Before the password change, even the administrator can do nothing else.
    let first = app
        .first_admin_password
        .clone()
        .expect("first admin password");
    let fresh = staff_session(&app, "admin", &first).await;
    let res = send(&app, "GET", "/api/v1/admin/staff", &fresh.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        body_json(res).await["message"]
            .as_str()
            .unwrap_or_default()
            .contains("đổi mật khẩu")
    );
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/staff/password",
        &fresh.headers(),
        &json!({"current_password": first, "new_password": "quản trị viên 2026"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let admin = fresh;

    // Bad data: a clear message for each.
    for (body, expect) in [
        (
            json!({"username": "a b", "display_name": "X", "role": "commune_officer", "jurisdictions": [commune]}),
            "Tên đăng nhập",
        ),
        (
            json!({"username": "canbo.xa", "display_name": "Nguyễn Văn A", "role": "commune_officer", "jurisdictions": ["99999"]}),
            "99999",
        ),
        (
            json!({"username": "canbo.xa", "display_name": "Nguyễn Văn A", "role": "commune_officer", "jurisdictions": []}),
            "ít nhất một",
        ),
        (
            json!({"username": "canbo.so", "display_name": "Trần Thị B", "role": "trade_officer", "jurisdictions": [commune]}),
            "SCT",
        ),
    ] {
        let (status, answer, _) =
            post_json(&app, "/api/v1/admin/staff", &admin.headers(), &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(
            answer["message"]
                .as_str()
                .unwrap_or_default()
                .contains(expect),
            "{answer}"
        );
    }

    let (status, created, _) = post_json(
        &app,
        "/api/v1/admin/staff",
        &admin.headers(),
        &json!({"username": "CanBo.Xa", "display_name": "Nguyễn Văn A", "role": "commune_officer", "jurisdictions": [commune]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["account"]["username"], "canbo.xa");
    assert_eq!(created["account"]["must_change_password"], true);
    let password = created["password"].as_str().expect("password").to_owned();
    let id = created["account"]["id"].as_str().expect("id").to_owned();
    let (status, _, _) = post_json(
        &app,
        "/api/v1/admin/staff",
        &admin.headers(),
        &json!({"username": "canbo.xa", "display_name": "Khác", "role": "supervisor", "jurisdictions": [commune]}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "the name is taken");

    let res = send(&app, "GET", "/api/v1/admin/staff", &admin.cookie(), vec![]).await;
    let list = body_json(res).await;
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["username"].as_str())
        .collect();
    assert_eq!(names, ["admin", "canbo.xa"]);

    // The officer signs in and may not manage accounts.
    let officer = staff_session(&app, "canbo.xa", &password).await;
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/staff/password",
        &officer.headers(),
        &json!({"current_password": password, "new_password": "mật khẩu của cán bộ"}),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let res = send(
        &app,
        "GET",
        "/api/v1/admin/staff",
        &officer.cookie(),
        vec![],
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Jurisdictions change; disabling ends the officer's session at once; one cannot disable oneself.
    let res = send(
        &app,
        "PATCH",
        &format!("/api/v1/admin/staff/{id}"),
        &[
            ("content-type", "application/json"),
            admin.headers()[0],
            admin.headers()[1],
        ],
        serde_json::to_vec(&json!({"jurisdictions": ["SCT"]})).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = send(
        &app,
        "PATCH",
        &format!("/api/v1/admin/staff/{id}"),
        &[
            ("content-type", "application/json"),
            admin.headers()[0],
            admin.headers()[1],
        ],
        serde_json::to_vec(&json!({"disabled": true})).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(body_json(res).await["disabled"], true);
    assert_eq!(
        whoami(&app, &officer.cookie()).await["principal"]["kind"],
        "anonymous"
    );
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/staff",
        &[],
        &json!({"username": "canbo.xa", "password": "mật khẩu của cán bộ"}),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in, and is answered like a wrong password"
    );
    let admin_id = list[0]["id"].as_str().expect("admin id");
    let res = send(
        &app,
        "PATCH",
        &format!("/api/v1/admin/staff/{admin_id}"),
        &[
            ("content-type", "application/json"),
            admin.headers()[0],
            admin.headers()[1],
        ],
        serde_json::to_vec(&json!({"disabled": true})).expect("JSON"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A password reset: a new temporary password, to change again.
    let (status, reset, _) = post_json(
        &app,
        &format!("/api/v1/admin/staff/{id}/password"),
        &admin.headers(),
        &Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    assert_eq!(reset["account"]["must_change_password"], true);
    t.teardown().await;
}

async fn staff_add_on_the_command_line_prints_a_temporary_password_once(engine: Engine) {
    let t = TestDb::new(engine).await;
    let run = |args: Vec<String>| {
        let url = t.url.clone();
        let data = t.dir.path().join("data");
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
                .arg("staff")
                .arg("add")
                .args(args)
                .arg("--database-url")
                .arg(url)
                .arg("--data-dir")
                .arg(data)
                .env_clear()
                .output()
                .await
                .expect("run motcua staff add")
        }
    };
    let commune = a_commune();
    let out = run(vec![
        "--username".into(),
        "giamsat".into(),
        "--name".into(),
        "Lê Văn Giám".into(),
        "--role".into(),
        "supervisor".into(),
        "--jurisdiction".into(),
        commune.clone(),
        "--jurisdiction".into(),
        "SCT".into(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password = stdout
        .lines()
        .last()
        .expect("the password line")
        .trim()
        .to_owned();
    assert_eq!(password.chars().count(), 20, "{stdout}");
    assert!(stdout.contains(&format!("{commune}, SCT")), "{stdout}");
    let hash = t
        .raw
        .text(
            "SELECT password_hash FROM staff_accounts WHERE username = $1",
            "giamsat",
        )
        .await;
    assert!(hash.starts_with("$argon2id$") && !hash.contains(&password));

    // The account works with that password (and must change it).
    let app = TestServer::start(&t).await;
    let session = staff_session(&app, "giamsat", &password).await;
    let me = whoami(&app, &session.cookie()).await;
    assert_eq!(me["principal"]["must_change_password"], true);
    assert_eq!(me["principal"]["jurisdictions"], json!([commune, "SCT"]));
    drop(app);

    // Taken, and invalid: non-zero exit with a message.
    let again = run(vec![
        "--username".into(),
        "GIAMSAT".into(),
        "--name".into(),
        "X".into(),
        "--role".into(),
        "supervisor".into(),
        "--jurisdiction".into(),
        "SCT".into(),
    ])
    .await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("taken"));
    let bad = run(vec![
        "--username".into(),
        "canbo".into(),
        "--name".into(),
        "X".into(),
        "--role".into(),
        "chief".into(),
    ])
    .await;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("commune_officer"));
    let bad = run(vec![
        "--username".into(),
        "canbo".into(),
        "--name".into(),
        "X".into(),
        "--role".into(),
        "commune_officer".into(),
    ])
    .await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ít nhất một"));

    // A position: the accounts made without one are chuyên viên; the Sở's only for SCT alone.
    assert_eq!(
        t.raw
            .text(
                "SELECT title FROM staff_accounts WHERE username = $1",
                "giamsat"
            )
            .await,
        "chuyen_vien"
    );
    let deputy = run(vec![
        "--username".into(),
        "pho.phong".into(),
        "--name".into(),
        "Trần Văn Hưởng".into(),
        "--role".into(),
        "commune_officer".into(),
        "--jurisdiction".into(),
        commune.clone(),
        "--title".into(),
        "pho_truong_phong".into(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&deputy.stdout).into_owned();
    assert!(deputy.status.success(), "{stdout}");
    assert!(stdout.contains("Phó Trưởng phòng"), "{stdout}");
    assert_eq!(
        t.raw
            .text(
                "SELECT title FROM staff_accounts WHERE username = $1",
                "pho.phong"
            )
            .await,
        "pho_truong_phong"
    );
    for (title, code) in [("giam_doc", Some(2)), ("tong_giam_doc", None)] {
        let bad = run(vec![
            "--username".into(),
            "giamdoc".into(),
            "--name".into(),
            "X".into(),
            "--role".into(),
            "commune_officer".into(),
            "--jurisdiction".into(),
            commune.clone(),
            "--title".into(),
            title.into(),
        ])
        .await;
        assert!(!bad.status.success(), "{title}");
        if code.is_some() {
            assert_eq!(bad.status.code(), code);
            assert!(String::from_utf8_lossy(&bad.stderr).contains("Sở Công Thương"));
        } else {
            assert!(String::from_utf8_lossy(&bad.stderr).contains("pho_truong_phong"));
        }
    }
    t.teardown().await;
}

/// A timestamp column of the session with this token hash.
async fn session_time(t: &TestDb, column: &str, hash: &str) -> chrono::DateTime<chrono::Utc> {
    let sql = format!("SELECT {column} FROM sessions WHERE token_hash = $1");
    match &t.raw {
        crate::helpers::Raw::Sqlite(pool) => {
            sqlx::query_scalar(&sql).bind(hash).fetch_one(pool).await
        }
        crate::helpers::Raw::Postgres(pool) => {
            sqlx::query_scalar(&sql).bind(hash).fetch_one(pool).await
        }
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The `Max-Age` of the session cookie an answer sets, in seconds.
fn cookie_max_age(res: &reqwest::Response) -> Option<i64> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("motcua_session="))?
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Max-Age="))?
        .parse()
        .ok()
}

/// A phone that signed in keeps a session for weeks, renewed by use: 29 days after signing in, used
/// yesterday, it is still signed in, and the next use moves the end 30 days ahead — on the server and
/// in the cookie's lifetime — instead of ending a day later at the first sign-in's 30 days.
async fn a_citizen_session_renews_itself_with_use(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let citizen = app.citizen(PHONE).await;
    let hash = server::auth::token_hash(citizen.cookie.trim_start_matches("motcua_session="));
    let now = chrono::Utc::now();
    let month = chrono::Duration::days(29);
    let created = session_time(&t, "created_at", &hash).await;
    let expires = session_time(&t, "expires_at", &hash).await;
    // As if signed in 29 days ago and last used yesterday.
    exec_at(
        &t,
        "UPDATE sessions SET created_at = $1 WHERE token_hash = $2",
        created - month,
        &hash,
    )
    .await;
    exec_at(
        &t,
        "UPDATE sessions SET expires_at = $1 WHERE token_hash = $2",
        expires - month,
        &hash,
    )
    .await;
    exec_at(
        &t,
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
        now - chrono::Duration::days(1),
        &hash,
    )
    .await;
    let res = send(&app, "GET", "/api/v1/session", &citizen.cookie(), vec![]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let max_age = cookie_max_age(&res).expect("the cookie is renewed with the session");
    let me = body_json(res).await;
    assert_eq!(me["principal"]["kind"], "citizen", "{me}");
    let ends = chrono::DateTime::parse_from_rfc3339(me["expires_at"].as_str().expect("an end"))
        .expect("RFC 3339");
    let ahead = ends.with_timezone(&chrono::Utc) - now;
    assert!(
        ahead > chrono::Duration::days(29),
        "the end slid 30 days ahead, not the first sign-in's: {ahead}"
    );
    assert!(
        (29 * 86_400..=30 * 86_400).contains(&max_age),
        "the cookie lives as long: {max_age}"
    );
    assert!(session_time(&t, "last_seen_at", &hash).await > now - chrono::Duration::minutes(1));
    // Within a minute of the last use nothing is written and no cookie is sent again.
    let res = send(&app, "GET", "/api/v1/session", &citizen.cookie(), vec![]).await;
    assert_eq!(cookie_max_age(&res), None);
    // Unused for longer than 30 days: over.
    exec_at(
        &t,
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2",
        now - chrono::Duration::days(30) - chrono::Duration::minutes(1),
        &hash,
    )
    .await;
    assert_eq!(
        whoami(&app, &citizen.cookie()).await["principal"]["kind"],
        "anonymous"
    );
    // However often used, at most CITIZEN_MAX_DAYS after signing in.
    let again = app.citizen("0912345679").await;
    let hash = server::auth::token_hash(again.cookie.trim_start_matches("motcua_session="));
    let created = session_time(&t, "created_at", &hash).await;
    let expires = session_time(&t, "expires_at", &hash).await;
    assert_eq!(
        (expires - created).num_days(),
        i64::from(server::auth::CITIZEN_MAX_DAYS)
    );
    t.teardown().await;
}
