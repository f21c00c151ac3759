//! A flood of submissions (issue 17), on both databases: each accepted dossier texts the applicant's
//! phone and lands in an office's queue, so one account files at most so many an hour — 40 parallel
//! posts included, counted in the database — and one address at most so many an hour; over either,
//! a Vietnamese 429 with `Retry-After` (the phone's outbox tries again later), while a replay of an
//! accepted submission always gets its receipt. A dossier lists at most 20 files, refused unread. The
//! staff queue comes in pages of 50, most urgent first, every dossier on exactly one page.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{
        Engine, TestDb, TestServer, body_json, both_backends, header, send, submit_headers,
        unlimited,
    },
    signin::Session,
};

both_backends!(
    forty_parallel_posts_of_one_account_never_exceed_its_hourly_limit_and_replays_pass,
    one_address_files_at_most_its_hourly_allowance_across_accounts,
    a_dossier_listing_more_than_twenty_files_is_refused_with_one_clear_error,
    a_flooded_queue_comes_in_pages_of_fifty_most_urgent_first,
);

/// A registration of the household business "Hộ kinh doanh {name}" that the citizen signed in with
/// `phone` files as its owner (the owner's, the seat's and the dossier's phone are `phone`).
fn registration_by(phone: &str, name: &str) -> Value {
    let mut body = crate::approvals::registration(name, crate::approvals::OWNER_ID);
    body["form"]["owner"]["phone"] = json!(phone);
    body["form"]["seat"]["phone"] = json!(phone);
    body["applicant"]["phone"] = json!(phone);
    body
}

/// POSTs a dossier under `key` as `who`: status, `Retry-After`, body.
async fn post(
    app: &TestServer,
    who: &Session,
    key: &str,
    body: &Value,
) -> (StatusCode, String, Value) {
    let res = send(
        app,
        "POST",
        "/api/v1/dossiers",
        &submit_headers(who, key),
        serde_json::to_vec(body).expect("JSON"),
    )
    .await;
    let status = res.status();
    let retry_after = header(&res, "retry-after").to_owned();
    (status, retry_after, body_json(res).await)
}

async fn dossiers(t: &TestDb) -> i64 {
    t.raw.scalar("SELECT COUNT(*) FROM dossiers").await
}

async fn submitted_texts(t: &TestDb) -> i64 {
    t.raw
        .scalar("SELECT COUNT(*) FROM notification_outbox WHERE kind = 'dossier_submitted'")
        .await
}

/// A refusal as the phone's outbox gets it: 429, a wait of at most an hour, a Vietnamese message.
fn assert_try_later(status: StatusCode, retry_after: &str, body: &Value, says: &str) {
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let wait: u64 = retry_after
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After in seconds, not {retry_after:?}: {body}"));
    assert!((1..=3600).contains(&wait), "Retry-After {wait}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(says), "{body}");
    assert!(
        message.contains("thử lại") || message.contains("nộp lại"),
        "{body}"
    );
}

async fn forty_parallel_posts_of_one_account_never_exceed_its_hourly_limit_and_replays_pass(
    engine: Engine,
) {
    // Arrange: at most 5 new dossiers an hour per account; one citizen.
    let t = TestDb::new(engine).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            dossiers_per_account_per_hour: 5,
            ..unlimited()
        },
    )
    .await;
    let phone = "0912345678";
    let citizen = app.citizen(phone).await;
    let body = registration_by(phone, "Bánh mì Cô Ba");
    let keys: Vec<String> = (0..40).map(|_| uuid::Uuid::new_v4().to_string()).collect();

    // Act: 40 posts with new keys at once.
    let answers =
        futures::future::join_all(keys.iter().map(|key| post(&app, &citizen, key, &body))).await;

    // Assert: 5 made, 35 told to try later; 5 texts queued.
    let created: Vec<(&String, &Value)> = keys
        .iter()
        .zip(&answers)
        .filter(|(_, (s, _, _))| *s == StatusCode::CREATED)
        .map(|(k, (_, _, b))| (k, b))
        .collect();
    assert_eq!(created.len(), 5, "{answers:?}");
    for (status, retry_after, body) in answers.iter().filter(|(s, _, _)| *s != StatusCode::CREATED)
    {
        assert_try_later(*status, retry_after, body, "5 hồ sơ");
    }
    assert_eq!(dossiers(&t).await, 5);
    assert_eq!(submitted_texts(&t).await, 5);

    // A replay of each accepted submission gets its receipt, though the account is at its limit.
    for (key, receipt) in &created {
        let (status, _, again) = post(&app, &citizen, key, &body).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!(again["code"], receipt["code"]);
    }
    // A new one is still refused; nothing more stored.
    let (status, retry_after, refused) =
        post(&app, &citizen, &uuid::Uuid::new_v4().to_string(), &body).await;
    assert_try_later(status, &retry_after, &refused, "5 hồ sơ");
    assert_eq!(dossiers(&t).await, 5);
    t.teardown().await;
}

async fn one_address_files_at_most_its_hourly_allowance_across_accounts(engine: Engine) {
    // Arrange: 3 new dossiers an hour from one address; three citizens on 127.0.0.1.
    let t = TestDb::new(engine).await;
    let app = TestServer::start_with(
        &t,
        server::Limits {
            dossiers_per_address_per_hour: 3,
            ..unlimited()
        },
    )
    .await;
    let (a, b, c) = ("0912345678", "0987654321", "0905111222");
    let first = app.citizen(a).await;
    let second = app.citizen(b).await;
    let third = app.citizen(c).await;
    let first_key = uuid::Uuid::new_v4().to_string();

    // Act: two dossiers of the first, one of the second, then one of the third.
    let (s1, _, receipt) = post(&app, &first, &first_key, &registration_by(a, "Cô Ba")).await;
    let (s2, _, _) = post(
        &app,
        &first,
        &uuid::Uuid::new_v4().to_string(),
        &registration_by(a, "Cô Ba Hai"),
    )
    .await;
    // A dossier refused for what it says takes nothing from the allowance.
    let mut broken = registration_by(b, "Chú Tư");
    broken["form"]["owner"]["id"] = json!("123");
    let (s_broken, _, _) = post(&app, &second, &uuid::Uuid::new_v4().to_string(), &broken).await;
    let (s3, _, _) = post(
        &app,
        &second,
        &uuid::Uuid::new_v4().to_string(),
        &registration_by(b, "Chú Tư"),
    )
    .await;
    let (s4, retry_after, refused) = post(
        &app,
        &third,
        &uuid::Uuid::new_v4().to_string(),
        &registration_by(c, "Dì Năm"),
    )
    .await;
    let (replay, _, again) = post(&app, &first, &first_key, &registration_by(a, "Cô Ba")).await;

    // Assert
    assert_eq!(
        [s1, s2, s_broken, s3],
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::CREATED
        ]
    );
    assert_try_later(s4, &retry_after, &refused, "mạng của bạn");
    assert_eq!(replay, StatusCode::OK, "{again}");
    assert_eq!(again["code"], receipt["code"]);
    assert_eq!(dossiers(&t).await, 3);
    t.teardown().await;
}

async fn a_dossier_listing_more_than_twenty_files_is_refused_with_one_clear_error(engine: Engine) {
    // Arrange: a registration listing 21 files (never uploaded: they would each be looked up).
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let phone = "0912345678";
    let citizen = app.citizen(phone).await;
    let mut body = registration_by(phone, "Bánh mì Cô Ba");
    body["form"]["attachments"] = Value::Array(
        (0..21_u8)
            .map(|i| {
                json!({
                    "kind": "household_authorisation",
                    "media_type": "application/pdf",
                    "size_bytes": 120_000,
                    "sha256": format!("{i:02x}").repeat(32),
                    "file_name": format!("trang-{i}.pdf")
                })
            })
            .collect(),
    );

    // Act
    let (status, _, error) = post(&app, &citizen, &uuid::Uuid::new_v4().to_string(), &body).await;

    // Assert: one error on the list, saying the most it takes and what to do; nothing stored.
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let fields = error["fields"].as_array().expect("fields");
    let on_files: Vec<&Value> = fields
        .iter()
        .filter(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("form.attachments"))
        })
        .collect();
    assert_eq!(on_files.len(), 1, "{error}");
    assert_eq!(on_files[0]["path"], "form.attachments", "{error}");
    assert_eq!(on_files[0]["key"], "too_many_attachments", "{error}");
    let message = on_files[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("tối đa 20 tệp"), "{error}");
    assert_eq!(dossiers(&t).await, 0);
    t.teardown().await;
}

/// The staff queue as `who` reads it at `path`: page, pages, total and the codes listed.
async fn queue_page(
    app: &TestServer,
    who: &Session,
    path: &str,
) -> (u64, u64, u64, Vec<(String, bool)>) {
    let res = send(app, "GET", path, &who.cookie(), Vec::new()).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let page = body_json(res).await;
    let items = page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page of items: {page}"))
        .iter()
        .map(|i| {
            (
                i["code"].as_str().expect("code").to_owned(),
                i["overdue"].as_bool().expect("overdue"),
            )
        })
        .collect();
    let n = |k: &str| page[k].as_u64().unwrap_or_else(|| panic!("{k}: {page}"));
    (n("page"), n("pages"), n("total"), items)
}

async fn a_flooded_queue_comes_in_pages_of_fifty_most_urgent_first(engine: Engine) {
    // Arrange: 120 dossiers in one commune, three of them received and overdue; its officer.
    let t = TestDb::new(engine).await;
    let app = TestServer::start(&t).await;
    let phone = "0912345678";
    let citizen = app.citizen(phone).await;
    for batch in 0..12 {
        let answers = futures::future::join_all((0..10).map(|i| {
            let body = registration_by(phone, &format!("Bánh mì số {}", batch * 10 + i));
            let citizen = &citizen;
            let app = &app;
            async move { post(app, citizen, &uuid::Uuid::new_v4().to_string(), &body).await }
        }))
        .await;
        for (status, _, body) in answers {
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
    }
    let overdue_on = (chrono::Utc::now() - chrono::Duration::days(10)).date_naive();
    let late: Vec<String> = (1..=3)
        .map(|n| {
            let day = chrono::Utc::now()
                .with_timezone(&domain::calendar::VIETNAM_OFFSET)
                .format("%y%m%d");
            format!("{}-{day}-{:04}", crate::approvals::COMMUNE, 40 + n)
        })
        .collect();
    for code in &late {
        let changed = t
            .raw
            .exec(&format!(
                "UPDATE dossiers SET state = 'received', due_date = '{overdue_on}' WHERE code = '{code}'"
            ))
            .await
            .expect("overdue");
        assert_eq!(changed, 1, "{code}");
    }
    let password =
        crate::signin::add_staff(&t, "canbo", "commune_officer", &[crate::approvals::COMMUNE])
            .await;
    let officer = crate::signin::staff_session(&app, "canbo", &password).await;

    // Act
    let first = queue_page(&app, &officer, "/api/v1/staff/dossiers").await;
    let second = queue_page(&app, &officer, "/api/v1/staff/dossiers?page=2").await;
    let third = queue_page(&app, &officer, "/api/v1/staff/dossiers?page=3").await;
    let beyond = queue_page(&app, &officer, "/api/v1/staff/dossiers?page=4").await;
    let searched = queue_page(
        &app,
        &officer,
        "/api/v1/staff/dossiers?q=nguyen%20thi%20ba&page=3",
    )
    .await;
    let received = queue_page(&app, &officer, "/api/v1/staff/dossiers?state=received").await;

    // Assert: 50, 50, 20 — each dossier on exactly one page —, the overdue ones first; a search and
    // a filter are paged the same way.
    assert_eq!((first.0, first.1, first.2, first.3.len()), (1, 3, 120, 50));
    assert_eq!(
        (second.0, second.1, second.2, second.3.len()),
        (2, 3, 120, 50)
    );
    assert_eq!((third.0, third.1, third.2, third.3.len()), (3, 3, 120, 20));
    assert_eq!((beyond.0, beyond.2, beyond.3.len()), (4, 120, 0));
    let mut all: Vec<&String> = [&first.3, &second.3, &third.3]
        .into_iter()
        .flatten()
        .map(|(code, _)| code)
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 120, "every dossier on exactly one page");
    let mut top: Vec<&String> = first.3[..3].iter().map(|(code, _)| code).collect();
    top.sort();
    assert_eq!(top, late.iter().collect::<Vec<_>>(), "overdue first");
    assert!(first.3[..3].iter().all(|(_, overdue)| *overdue));
    assert!(!first.3[3].1);
    assert_eq!((searched.1, searched.2, searched.3.len()), (3, 120, 20));
    assert_eq!((received.1, received.2, received.3.len()), (1, 3, 3));
    t.teardown().await;
}
