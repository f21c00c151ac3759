//! Attacks on one-time codes and staff sign-in with parallel requests (issue 16, part 6), on both
//! databases: the limits must hold because the database counts atomically, not because requests
//! happened to arrive one after the other.

use axum::http::StatusCode;
use futures::future::join_all;
use serde_json::{Value, json};

use crate::{
    helpers::{Engine, TestDb, TestServer, both_backends},
    signin::{last_code, post_json, sms_count, wrong},
};

both_backends!(
    forty_parallel_code_requests_for_one_number_send_one_code,
    the_hourly_limits_hold_under_parallel_requests,
    two_hundred_parallel_wrong_codes_are_judged_at_most_the_allowed_number_of_times,
    two_parallel_right_codes_sign_in_once,
    wrong_codes_are_limited_per_address,
    a_stranger_cannot_lock_the_administrator_out,
    unknown_known_and_disabled_login_names_answer_alike,
);

const PHONE: &str = "0912345678";

/// The message of an answer (Vietnamese).
fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

/// `n` requests at once: `body(i)` to `path`, from `X-Forwarded-For: addr(i)` when given.
async fn parallel(
    app: &TestServer,
    path: &str,
    n: usize,
    addr: impl Fn(usize) -> Option<String>,
    body: impl Fn(usize) -> Value,
) -> Vec<(StatusCode, Value)> {
    join_all((0..n).map(|i| {
        let from = addr(i);
        let body = body(i);
        async move {
            let headers: Vec<(&str, &str)> = from
                .as_deref()
                .map(|a| vec![("x-forwarded-for", a)])
                .unwrap_or_default();
            let (status, body, _) = post_json(app, path, &headers, &body).await;
            (status, body)
        }
    }))
    .await
}

fn count(answers: &[(StatusCode, Value)], status: StatusCode) -> usize {
    answers.iter().filter(|(s, _)| *s == status).count()
}

async fn forty_parallel_code_requests_for_one_number_send_one_code(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let answers = parallel(
        &app,
        "/api/v1/auth/otp",
        40,
        |_| None,
        |_| json!({"phone": PHONE}),
    )
    .await;
    assert_eq!(
        count(&answers, StatusCode::ACCEPTED),
        1,
        "one code for 40 parallel requests: {answers:?}"
    );
    assert_eq!(count(&answers, StatusCode::TOO_MANY_REQUESTS), 39);
    for (status, body) in &answers {
        if *status == StatusCode::TOO_MANY_REQUESTS {
            assert!(
                message(body).contains("đợi") && message(body).contains("giây"),
                "says how long to wait: {body}"
            );
        }
    }
    assert_eq!(sms_count(&t, PHONE), 1, "one SMS");
    assert_eq!(t.raw.scalar("SELECT COUNT(*) FROM otp_codes").await, 1);
    t.teardown().await;
}

async fn the_hourly_limits_hold_under_parallel_requests(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(
        &t,
        &[
            "--trust-forwarded",
            "--otp-resend-secs",
            "0",
            "--otp-per-phone-per-hour",
            "3",
            "--otp-per-ip-per-hour",
            "5",
        ],
    )
    .await;
    // One number from many addresses: the number's limit.
    let answers = parallel(
        &app,
        "/api/v1/auth/otp",
        40,
        |i| Some(format!("10.1.0.{}", i + 1)),
        |_| json!({"phone": PHONE}),
    )
    .await;
    assert_eq!(count(&answers, StatusCode::ACCEPTED), 3, "{answers:?}");
    assert_eq!(sms_count(&t, PHONE), 3);
    // Many numbers from one address: the address's limit.
    let answers = parallel(
        &app,
        "/api/v1/auth/otp",
        40,
        |_| Some("10.2.0.1".to_owned()),
        |i| json!({"phone": format!("09870000{i:02}")}),
    )
    .await;
    assert_eq!(count(&answers, StatusCode::ACCEPTED), 5, "{answers:?}");
    let sent: usize = (0..40)
        .map(|i| sms_count(&t, &format!("09870000{i:02}")))
        .sum();
    assert_eq!(sent, 5);
    t.teardown().await;
}

async fn two_hundred_parallel_wrong_codes_are_judged_at_most_the_allowed_number_of_times(
    engine: Engine,
) {
    let t = TestDb::new(engine).await;
    // Each guess from an address of its own, as from many machines: only the code's own count
    // stands in the way.
    let app = TestServer::start_args(&t, &["--trust-forwarded"]).await;
    let (status, body, _) =
        post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let code = last_code(&t, PHONE);
    let answers = parallel(
        &app,
        "/api/v1/auth/otp/verify",
        200,
        |i| Some(format!("10.3.{}.{}", i / 200, i % 200 + 1)),
        |i| {
            // 200 different wrong codes: the ones after the right one.
            let right: usize = code.parse().expect("digits");
            json!({"phone": PHONE, "code": format!("{:06}", (right + 1 + i) % 1_000_000)})
        },
    )
    .await;
    for (status, body) in &answers {
        assert!(
            *status == StatusCode::UNAUTHORIZED || *status == StatusCode::TOO_MANY_REQUESTS,
            "{status}: {body}"
        );
    }
    // Five tries a code (the default): four answers say how many are left, the fifth and all the
    // others that the code is burnt.
    let judged = answers
        .iter()
        .filter(|(_, body)| message(body).contains("Mã không đúng"))
        .count();
    assert!(judged <= 4, "{judged} wrong codes judged: {answers:?}");
    let attempts = t
        .raw
        .scalar("SELECT CAST(MAX(attempts) AS BIGINT) FROM otp_codes")
        .await;
    assert!(
        attempts <= 5,
        "the code was compared {attempts} times; at most 5 are allowed"
    );
    // The right code no longer works: the code is burnt.
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[],
        &json!({"phone": PHONE, "code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(message(&body).contains("Gửi lại mã"), "{body}");
    t.teardown().await;
}

async fn two_parallel_right_codes_sign_in_once(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": PHONE})).await;
    let code = last_code(&t, PHONE);
    let answers = parallel(
        &app,
        "/api/v1/auth/otp/verify",
        20,
        |_| None,
        |_| json!({"phone": PHONE, "code": code}),
    )
    .await;
    assert_eq!(
        count(&answers, StatusCode::OK),
        1,
        "a code signs in once: {answers:?}"
    );
    assert_eq!(
        t.raw
            .scalar("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL")
            .await,
        1
    );
    t.teardown().await;
}

async fn wrong_codes_are_limited_per_address(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(
        &t,
        &[
            "--trust-forwarded",
            "--otp-resend-secs",
            "0",
            "--otp-verify-per-ip-per-hour",
            "3",
        ],
    )
    .await;
    let phones: Vec<String> = (0..10).map(|i| format!("09880000{i:02}")).collect();
    for phone in &phones {
        let (status, body, _) =
            post_json(&app, "/api/v1/auth/otp", &[], &json!({"phone": phone})).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    let codes: Vec<String> = phones.iter().map(|p| last_code(&t, p)).collect();
    // 50 wrong codes at once from one address, spread over ten numbers (each code allows five).
    let answers = parallel(
        &app,
        "/api/v1/auth/otp/verify",
        50,
        |_| Some("10.4.0.1".to_owned()),
        |i| json!({"phone": phones[i % 10], "code": wrong(&codes[i % 10])}),
    )
    .await;
    assert_eq!(
        count(&answers, StatusCode::UNAUTHORIZED),
        3,
        "three wrong codes an hour from one address: {answers:?}"
    );
    let attempts = t
        .raw
        .scalar("SELECT CAST(SUM(attempts) AS BIGINT) FROM otp_codes")
        .await;
    assert_eq!(attempts, 3, "only three codes were compared");
    let refused = answers
        .iter()
        .find(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .map(|(_, b)| b.clone())
        .expect("refusals");
    assert!(message(&refused).contains("mạng"), "{refused}");
    // Even the right code waits at that address; from another address it works.
    let (status, _, _) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[("x-forwarded-for", "10.4.0.1")],
        &json!({"phone": phones[0], "code": codes[0]}),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, body, _) = post_json(
        &app,
        "/api/v1/auth/otp/verify",
        &[("x-forwarded-for", "10.4.0.2")],
        &json!({"phone": phones[0], "code": codes[0]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A right code does not use up the address's allowance: many citizens sign in through one
    // office network.
    for (phone, code) in phones.iter().zip(&codes).skip(1).take(5) {
        let (status, body, _) = post_json(
            &app,
            "/api/v1/auth/otp/verify",
            &[("x-forwarded-for", "10.4.0.3")],
            &json!({"phone": phone, "code": code}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    t.teardown().await;
}

async fn staff_login(
    app: &TestServer,
    from: &str,
    username: &str,
    password: &str,
) -> (StatusCode, Value) {
    let (status, body, _) = post_json(
        app,
        "/api/v1/auth/staff",
        &[("x-forwarded-for", from)],
        &json!({"username": username, "password": password}),
    )
    .await;
    (status, body)
}

async fn a_stranger_cannot_lock_the_administrator_out(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--trust-forwarded"]).await;
    let password = app
        .first_admin_password
        .clone()
        .expect("first admin password");
    // 50 wrong passwords for `admin` at once from one address.
    let answers = parallel(
        &app,
        "/api/v1/auth/staff",
        50,
        |_| Some("203.0.113.9".to_owned()),
        |i| json!({"username": "admin", "password": format!("đoán-{i}")}),
    )
    .await;
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS),
        "{answers:?}"
    );
    // Five tries (the default) are judged, the others wait without a password check.
    assert!(
        count(&answers, StatusCode::UNAUTHORIZED) <= 5,
        "{answers:?}"
    );
    let waiting = answers
        .iter()
        .find(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .map(|(_, b)| b.clone())
        .expect("the stranger waits");
    assert!(message(&waiting).contains("đợi"), "{waiting}");
    // The stranger's address waits, even with the right password...
    let (status, _) = staff_login(&app, "203.0.113.9", "admin", &password).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // ...but the administrator, from the office, signs in.
    let (status, body) = staff_login(&app, "198.51.100.7", "admin", &password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Every name from the stranger's address: after 30 wrong passwords an hour (the default), any
    // name waits, also one never tried.
    for i in 0..40 {
        staff_login(&app, "203.0.113.10", &format!("ten-{i}"), "sai").await;
    }
    let (status, body) = staff_login(&app, "203.0.113.10", "ten-moi", "sai").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(message(&body).contains("mạng"), "{body}");
    let (status, body) = staff_login(&app, "198.51.100.8", "admin", &password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    t.teardown().await;
}

async fn unknown_known_and_disabled_login_names_answer_alike(engine: Engine) {
    let t = TestDb::new(engine).await;
    let app = TestServer::start_args(&t, &["--trust-forwarded"]).await;
    let disabled = crate::signin::add_staff(&t, "nghi.viec", "commune_officer", &["21025"]).await;
    t.raw
        .exec("UPDATE staff_accounts SET disabled = TRUE WHERE username = 'nghi.viec'")
        .await
        .expect("disable");
    // Each name from an address of its own, the same sequence of tries: the same answers, up to
    // and past the back-off.
    let mut seen: Vec<Vec<(StatusCode, Value)>> = Vec::new();
    for (name, password, from) in [
        ("admin", "sai".to_owned(), "192.0.2.1"),
        ("khong.co.ai", "sai".to_owned(), "192.0.2.2"),
        ("nghi.viec", disabled.clone(), "192.0.2.3"),
    ] {
        let mut answers = Vec::new();
        for _ in 0..5 {
            answers.push(staff_login(&app, from, name, &password).await);
        }
        seen.push(answers);
    }
    assert_eq!(seen[0][0].0, StatusCode::UNAUTHORIZED);
    assert_eq!(seen[0], seen[1], "a known and an unknown name");
    assert_eq!(seen[0], seen[2], "a wrong password and a disabled account");
    assert_eq!(
        seen[0].last().map(|(s, _)| *s),
        Some(StatusCode::TOO_MANY_REQUESTS),
        "the fifth wrong password starts the back-off: {:?}",
        seen[0]
    );
    // Past the back-off, the same too (the wait left may differ by a second).
    for (name, from) in [
        ("admin", "192.0.2.1"),
        ("khong.co.ai", "192.0.2.2"),
        ("nghi.viec", "192.0.2.3"),
    ] {
        let (status, body) = staff_login(&app, from, name, "sai").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{name}: {body}");
        assert_eq!(body["code"], seen[0][4].1["code"]);
    }
    t.teardown().await;
}
